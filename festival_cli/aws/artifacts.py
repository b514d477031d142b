"""The artifact bucket: where `festival deploy` puts the function package for CloudFormation.

One bucket per account and region, created on first use: private (public access blocked,
bucket-owner-enforced ownership), encrypted, reachable over TLS only. A package is stored under
its sha256 (Package.key), so an unchanged package is never uploaded twice.
"""

from __future__ import annotations

import json
from typing import Any

from festival_cli.aws.package import Package
from festival_cli.aws.session import Clients, Notify, ignore
from festival_cli.aws_errors import AWS_ERRORS, is_denied, is_missing
from festival_cli.core.errors import DeployError


def artifact_bucket_name(account: str, region: str) -> str:
    return f"festival-artifacts-{account}-{region}"


def partition_of(arn: str) -> str:
    """The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`, ...): its second field."""
    parts = arn.split(":")
    if len(parts) < 6 or parts[0] != "arn" or not parts[1]:
        raise ValueError(f"not an ARN: {arn!r}")
    return parts[1]


def ensure_artifact_bucket(aws: Clients, account: str, notify: Notify = ignore, *,
                           partition: str = "aws") -> str:
    """The artifact bucket of this account and region, created private and encrypted if missing."""
    s3 = aws.client("s3")
    bucket = artifact_bucket_name(account, aws.region)
    try:
        s3.head_bucket(Bucket=bucket, ExpectedBucketOwner=account)
        return bucket
    except AWS_ERRORS as exc:
        if is_denied(exc):
            raise DeployError(
                f"artifact bucket {bucket} exists but is not this account's (or not readable)"
            ) from None
        if not is_missing(exc):
            raise
    create: dict[str, Any] = {"Bucket": bucket}
    if aws.region != "us-east-1":  # us-east-1 refuses an explicit LocationConstraint
        create["CreateBucketConfiguration"] = {"LocationConstraint": aws.region}
    s3.create_bucket(**create)
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    )
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(tls_only_policy(bucket, partition)))
    notify(f"created artifact bucket {bucket} (private, encrypted, TLS only)")
    return bucket


def tls_only_policy(bucket: str, partition: str = "aws") -> dict[str, Any]:
    """Deny every request over plain HTTP; ARNs in the caller's partition (from its ARN)."""
    arn = f"arn:{partition}:s3:::{bucket}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyPlainHttp",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [arn, f"{arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def upload_package(aws: Clients, bucket: str, account: str, package: Package) -> bool:
    """Put the package under its content-named key unless it is already there; True if put."""
    s3 = aws.client("s3")
    try:
        s3.head_object(Bucket=bucket, Key=package.key, ExpectedBucketOwner=account)
        return False
    except AWS_ERRORS as exc:
        if not is_missing(exc):
            raise
    s3.put_object(
        Bucket=bucket,
        Key=package.key,
        Body=package.data,
        ContentType="application/zip",
        ExpectedBucketOwner=account,
    )
    return True
