"""What festival costs a month on AWS, computed from the items the code really writes.

Pure arithmetic: the per-set profile (`cost.profile`, measured through the DynamoDB store's own
item encoding) and the assumptions (`cost.assumptions`) priced with the table of `cost.prices`,
line by line and service by service, and where the design stops scaling.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from festival_cli.core.schema import date_keyed
from festival_cli.cost.assumptions import QUERY_MIX, Assumptions, describe_assumptions
from festival_cli.cost.prices import FREE_TIER, PRICES, FreeTier, PriceTable
from festival_cli.cost.profile import (
    BATCH_WRITE_LIMIT,
    GB,
    MILLION,
    NEW_TABLE_WRITES_PER_SECOND,
    PARTITION_WRITES_PER_SECOND,
    QUERY_PAGE_BYTES,
    ItemProfile,
    measured_ingestion_bytes,
    measured_profile,
    read_units,
    write_units,
)


@dataclass(frozen=True)
class CostLine:
    """One priced quantity: e.g. DynamoDB, table writes, 3.4 M write units, $2.13."""

    service: str
    what: str
    quantity: float
    unit: str
    unit_price: float  # USD per `per` units
    per: float = 1.0
    free: float = 0.0  # always-free allowance of this quantity a month

    @property
    def monthly(self) -> float:
        return self.quantity / self.per * self.unit_price

    @property
    def monthly_after_free_tier(self) -> float:
        return max(0.0, self.quantity - self.free) / self.per * self.unit_price


@dataclass(frozen=True)
class Limit:
    """Where the design stops scaling: a quantity, its bound and why."""

    what: str
    value: str
    why: str


@dataclass(frozen=True)
class Estimate:
    """The monthly cost by service, with everything it assumed and where it stops scaling."""

    assumptions: Assumptions
    profile: ItemProfile
    prices: PriceTable
    lines: list[CostLine]
    limits: list[Limit] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(line.monthly for line in self.lines)

    @property
    def total_after_free_tier(self) -> float:
        return sum(line.monthly_after_free_tier for line in self.lines)

    def by_service(self) -> dict[str, tuple[float, float]]:
        """service -> (list price, after the always-free tier), in the order of the lines."""
        out: dict[str, tuple[float, float]] = {}
        for line in self.lines:
            a, b = out.get(line.service, (0.0, 0.0))
            out[line.service] = (a + line.monthly, b + line.monthly_after_free_tier)
        return out

    def to_dict(self, spell: Callable[[str], str] = str) -> dict[str, Any]:
        """Everything, for JSON; `spell` names a query's fields (the CLI: as its options)."""
        return {
            "region": self.prices.region,
            "prices_read_on": self.prices.read_on,
            "total_usd": round(self.total, 4),
            "total_after_free_tier_usd": round(self.total_after_free_tier, 4),
            "by_service": {
                s: {"usd": round(a, 4), "after_free_tier_usd": round(b, 4)}
                for s, (a, b) in self.by_service().items()
            },
            "lines": [
                {
                    "service": line.service,
                    "what": line.what,
                    "quantity": round(line.quantity, 3),
                    "unit": line.unit,
                    "usd": round(line.monthly, 4),
                    "after_free_tier_usd": round(line.monthly_after_free_tier, 4),
                }
                for line in self.lines
            ],
            "item": {
                "bytes": round(self.profile.table_bytes, 1),
                "write_units_per_put": round(self.profile.write_units_per_put, 3),
                "index_write_units": {
                    k: round(v, 3) for k, v in self.profile.index_write_units.items()
                },
                "stored_bytes": round(self.profile.stored_bytes, 1),
            },
            "assumptions": describe_assumptions(self.assumptions, spell),
            "limits": [{"what": x.what, "value": x.value, "why": x.why} for x in self.limits],
        }


def estimate(
    assumptions: Assumptions, profile: ItemProfile, prices: PriceTable = PRICES,
    free: FreeTier = FREE_TIER,
) -> Estimate:
    """The monthly bill of the month `months_of_growth` (storage then at its largest)."""
    a = assumptions.check()
    month = a.days_per_month
    uploads = a.uploads_per_day * month
    written = a.written_per_day * month  # puts of sets a month

    # -- DynamoDB writes: the set on the table + one entry on each index it projects into.
    batch_requests = math.ceil(a.written_per_day / a.uploads_per_day / BATCH_WRITE_LIMIT)
    pending, final = a.ingestion_item_bytes
    per_upload_bookkeeping = (
        (write_units(pending) + a.ingestion_final_writes * write_units(final))
        * (1 + a.ingestion_index_copies)
        + a.lease_writes_per_date * a.dates_per_upload
    )
    lines: list[CostLine] = [
        CostLine("DynamoDB", "writes: table (sets)", written * profile.table_write_units,
                 "write units", prices.dynamodb_write_per_million, MILLION),
    ]
    for name, wcu in profile.index_write_units.items():
        lines.append(CostLine("DynamoDB", f"writes: GSI {name}", written * wcu, "write units",
                              prices.dynamodb_write_per_million, MILLION))
    lines.append(CostLine("DynamoDB", "writes: ingestion records + date leases",
                          uploads * per_upload_bookkeeping, "write units",
                          prices.dynamodb_write_per_million, MILLION))

    # -- DynamoDB reads: the diff reads the stored sets of the file's dates (Date-Time GSI,
    # eventually consistent), and people query.
    per_upload_bytes = a.records_per_upload * profile.index_entry_bytes
    diff_pages = max(a.dates_per_upload, math.ceil(per_upload_bytes / QUERY_PAGE_BYTES))
    diff_units = max(read_units(int(per_upload_bytes)), 0.5 * diff_pages)
    lines.append(CostLine("DynamoDB", "reads: diff before each upload", uploads * diff_units,
                          "read units", prices.dynamodb_read_per_million, MILLION))
    query_units = 0.0
    for _selector, share, of_date, fixed in QUERY_MIX:
        sets = fixed if of_date is None else of_date * a.sets_per_date
        query_units += share * read_units(int(sets * profile.index_entry_bytes))
    lines.append(CostLine("DynamoDB", f"reads: {a.queries_per_day:,} queries a day (mix)",
                          a.queries_per_day * month * query_units, "read units",
                          prices.dynamodb_read_per_million, MILLION))

    # -- DynamoDB storage after months of growth (sets written are assumed new: worst case).
    stored_sets = a.written_per_day * month * a.months_of_growth
    storage_gb = stored_sets * profile.stored_bytes / GB
    lines.append(CostLine("DynamoDB", f"storage after {a.months_of_growth} months", storage_gb,
                          "GB-month", prices.dynamodb_storage_gb_month,
                          free=free.dynamodb_storage_gb))
    if a.pitr:
        lines.append(CostLine("DynamoDB", "point-in-time recovery", storage_gb, "GB-month",
                              prices.dynamodb_pitr_gb_month))

    # -- Lambda: one invocation per upload, time for records and DynamoDB round trips.
    ms = (a.lambda_fixed_ms + a.records_per_upload * a.lambda_ms_per_record
          + (batch_requests + diff_pages) * a.lambda_ms_per_request)
    gb_seconds = uploads * ms / 1000 * a.lambda_memory_mb / 1024
    lines.append(CostLine("Lambda", "requests", uploads, "requests",
                          prices.lambda_requests_per_million, MILLION, free=free.lambda_requests))
    lines.append(CostLine("Lambda", f"compute ({a.architecture}, {a.lambda_memory_mb} MB, "
                          f"~{ms:,.0f} ms each)", gb_seconds, "GB-seconds",
                          prices.lambda_gb_second[a.architecture], free=free.lambda_gb_seconds))

    # -- SQS: S3 sends, Lambda receives and deletes; Lambda's pollers long-poll while idle.
    idle_polls = a.sqs_pollers * 86_400 / 20 * month
    lines.append(CostLine("SQS", "send + receive + delete per upload, and idle long polls",
                          uploads * 3 + idle_polls, "requests", prices.sqs_requests_per_million,
                          MILLION, free=free.sqs_requests))

    # -- S3: one PUT and one GET per upload; files kept.
    lines.append(CostLine("S3", "PUT (uploads)", uploads, "requests",
                          prices.s3_put_per_thousand, 1000))
    lines.append(CostLine("S3", "GET (the function reads each file)", uploads, "requests",
                          prices.s3_get_per_thousand, 1000))
    file_gb = (a.records_per_day * month * (a.months_of_growth if a.keep_files else 1)
               * profile.file_bytes / GB)
    lines.append(CostLine("S3", f"storage of uploaded files after {a.months_of_growth} months",
                          file_gb, "GB-month", prices.s3_storage_gb_month))

    # -- SNS: one notification per upload, to every subscriber.
    lines.append(CostLine("SNS", "publishes", uploads, "publishes",
                          prices.sns_publish_per_million, MILLION, free=free.sns_publishes))
    lines.append(CostLine("SNS", "email deliveries", uploads * a.subscribers, "emails",
                          prices.sns_email_per_hundred_thousand, 100_000, free=free.sns_emails))

    # -- CloudWatch Logs.
    log_gb = uploads * a.log_bytes_per_invocation / GB
    lines.append(CostLine("CloudWatch Logs", "ingestion", log_gb, "GB",
                          prices.logs_ingestion_gb, free=free.logs_gb))
    lines.append(CostLine("CloudWatch Logs", f"storage (kept {a.log_retention_days} days)",
                          log_gb * min(a.log_retention_days / month, a.months_of_growth),
                          "GB-month",
                          prices.logs_storage_gb_month))

    # -- KMS: the stack's one customer managed key, and the requests its services make.
    lines.append(CostLine("KMS", "customer managed key", 1, "key-months", prices.kms_key_month))
    lines.append(CostLine("KMS", "requests", uploads * a.kms_requests_per_upload, "requests",
                          prices.kms_requests_per_ten_thousand, 10_000, free=free.kms_requests))
    lines.append(CostLine("CloudWatch", "alarms (dead letters, errors, throttles, queue age)",
                          a.alarms, "alarm-months", prices.alarm_month, free=free.alarms))

    return Estimate(a, profile, prices, lines, scale_limits(a, profile))


def scale_limits(a: Assumptions, profile: ItemProfile) -> list[Limit]:
    """Where this design stops scaling, from DynamoDB's per-partition and per-table limits."""
    by_date = [index.name for index in date_keyed()]
    date_index_wcu = max(
        (wcu / share for name, wcu in profile.index_write_units.items()
         if (share := profile.index_share.get(name, 0)) and name in by_date),
        default=1.0,
    )
    per_date = PARTITION_WRITES_PER_SECOND / date_index_wcu  # sets of one date a second
    per_file = min(per_date * a.dates_per_upload,
                   NEW_TABLE_WRITES_PER_SECOND / profile.table_write_units)
    per_page = int(QUERY_PAGE_BYTES / max(profile.table_bytes, 1))
    budget = a.lambda_timeout_s * 0.5  # half the timeout for writing, the rest for retries
    batch = 5  # files per invocation (the event source's BatchSize)
    fewest_uploads = math.ceil(a.records_per_day / a.max_sets_per_file)
    return [
        Limit("sets of one date indexed a second", f"~{per_date:,.0f}",
              f"the {' and '.join(by_date)} indexes key on the date: one date is one "
              "index partition, which takes at most 1,000 write units a second; a throttled "
              "index throttles the table's writes too"),
        Limit("sets a second for one file", f"~{per_file:,.0f}",
              f"{a.dates_per_upload} dates x the per-date rate, capped by a new on-demand "
              f"table's {NEW_TABLE_WRITES_PER_SECOND:,} writes a second"),
        Limit("sets in one file", f"{a.max_sets_per_file:,} (the pipeline's limit)",
              f"sized so that a batch of {batch} such files, all on one date, is written in "
              f"~{batch * a.max_sets_per_file / per_date:,.0f} s at the throttled rate, well "
              f"inside the {a.lambda_timeout_s} s timeout; {a.records_per_day:,} records a day "
              f"therefore need at least {fewest_uploads:,} "
              f"upload{'s' if fewest_uploads != 1 else ''} a day"),
        Limit("sets the timeout could write", f"~{int(per_date * budget):,} of one date",
              f"half the {a.lambda_timeout_s} s timeout at the throttled rate (the rest for "
              "backoff); beyond that a file must be split by date, or the date indexes "
              "sharded (e.g. Date#shard), which this design does not do"),
        Limit("records a day", f"not the bound (~{per_date * 86_400 / 1e6:,.0f} M sets of one "
              "date a day)", "what stops scaling is the per-date burst of one file, and the "
              "bill: storage, PITR and index writes grow with every set kept"),
        Limit("sets read per Query page", f"~{per_page:,}",
              "reads are Queries, never scans: their cost grows with the answer, not the table"),
    ]


def measured_estimate(assumptions: Assumptions) -> Estimate:
    """The estimate of `assumptions` for the items the DynamoDB store really writes: the sample
    sets and ingestion records measured through its encoding."""
    a = replace(assumptions, ingestion_item_bytes=measured_ingestion_bytes())
    return estimate(a, measured_profile(a.scored_share))
