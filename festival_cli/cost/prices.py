"""AWS list prices and always-free allowances the estimate applies, with their region and date.

Published on-demand prices in USD, read from the AWS public pricing pages; update `read_on` with
the figures.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PriceTable:
    """Published on-demand list prices, in USD, for one region, as read on one date."""

    region: str
    read_on: str
    dynamodb_write_per_million: float  # on-demand write request units, Standard table class
    dynamodb_read_per_million: float  # on-demand read request units
    dynamodb_storage_gb_month: float
    dynamodb_pitr_gb_month: float  # continuous backups (point-in-time recovery)
    lambda_requests_per_million: float
    lambda_gb_second: dict[str, float]  # by architecture
    sqs_requests_per_million: float  # standard queue; each 64 KB chunk of payload is a request
    s3_put_per_thousand: float  # S3 Standard PUT, COPY, POST, LIST
    s3_get_per_thousand: float
    s3_storage_gb_month: float  # first 50 TB
    sns_publish_per_million: float
    sns_email_per_hundred_thousand: float
    logs_ingestion_gb: float  # CloudWatch Logs, standard class
    logs_storage_gb_month: float
    kms_key_month: float  # a customer managed key
    kms_requests_per_ten_thousand: float
    alarm_month: float  # a standard-resolution CloudWatch alarm


PRICES = PriceTable(
    region="us-east-1",
    read_on="2026-01 (AWS public pricing pages; DynamoDB on-demand after the Nov 2024 price cut)",
    dynamodb_write_per_million=0.625,
    dynamodb_read_per_million=0.125,
    dynamodb_storage_gb_month=0.25,
    dynamodb_pitr_gb_month=0.20,
    lambda_requests_per_million=0.20,
    lambda_gb_second={"arm64": 0.0000133334, "x86_64": 0.0000166667},
    sqs_requests_per_million=0.40,
    s3_put_per_thousand=0.005,
    s3_get_per_thousand=0.0004,
    s3_storage_gb_month=0.023,
    sns_publish_per_million=0.50,
    sns_email_per_hundred_thousand=2.00,
    logs_ingestion_gb=0.50,
    logs_storage_gb_month=0.03,
    kms_key_month=1.00,
    kms_requests_per_ten_thousand=0.03,
    alarm_month=0.10,
)


@dataclass(frozen=True)
class FreeTier:
    """The always-free allowances a month (not the 12-month or credit offers of new accounts)."""

    dynamodb_storage_gb: float = 25.0
    lambda_requests: float = 1_000_000
    lambda_gb_seconds: float = 400_000
    sqs_requests: float = 1_000_000
    sns_publishes: float = 1_000_000
    sns_emails: float = 1_000
    logs_gb: float = 5.0  # ingestion, storage and scans together; applied to ingestion here
    kms_requests: float = 20_000
    alarms: float = 10


FREE_TIER = FreeTier()
