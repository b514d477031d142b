"""Deploying the pipeline and taking it down: what `festival deploy` and `festival destroy` do.

`deploy` builds the function package, uploads it (once: it is named by its sha256) to a
private artifact bucket created on first use (aws/artifacts.py), creates or updates the stack
through a change set, reports the stack's events while it works (aws/changesets.py), and returns
the stack's outputs. `destroy` empties the upload bucket and deletes the stack. Both talk to AWS
through one `boto3.Session`, given by the caller (an AwsSession), whose clients are made on first
use.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from festival_cli.aws.artifacts import ensure_artifact_bucket, partition_of, upload_package
from festival_cli.aws.changesets import (
    SETTLED_OK,
    EventWatcher,
    OnEvent,
    change_set_ready,
    create_change_set,
    describe_stack,
    failure_message,
    outputs_of,
    ready_for_change,
    wait_until_settled,
)
from festival_cli.aws.package import Package, build_package, source_root
from festival_cli.aws.retained import Kept, retained_resources
from festival_cli.aws.retained import delete_data as delete_data_of
from festival_cli.aws.session import Clients, Notify, ignore
from festival_cli.aws_errors import AWS_ERRORS, is_missing, translated
from festival_cli.core.errors import DeployError, NotFoundError, UsageError

if TYPE_CHECKING:  # pragma: no cover - stubs (types-boto3) for mypy only
    from types_boto3_cloudformation.literals import ChangeSetTypeType
    from types_boto3_cloudformation.type_defs import ParameterTypeDef
    from types_boto3_s3.type_defs import ObjectIdentifierTypeDef

STACK_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$")  # CloudFormation's own rule
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")  # the template's AllowedPattern
DEFAULT_POLL_SECONDS = 5.0
PACKAGED_TEMPLATE = "template.yaml"  # in festival_cli/aws of a built package (setup.py)


@dataclass(frozen=True)
class DeployResult:
    """What a deploy did and what the stack now offers."""

    stack: str
    region: str
    action: Literal["created", "updated", "unchanged"]
    outputs: dict[str, str]
    package: Package
    package_uploaded: bool
    artifact_bucket: str


@dataclass(frozen=True)
class StackSummary:
    """What `destroy` is about to delete, for the confirmation question."""

    stack: str
    region: str
    status: str
    outputs: dict[str, str] = field(default_factory=dict)
    kept: list[Kept] = field(default_factory=list)  # what the deletion leaves (the data)
    delete_data: bool = False  # the data is deleted too (asked for explicitly)
    done: list[str] = field(default_factory=list)  # what was done to the data, once deleted


class DestroyDeclined(DeployError):
    """The person did not confirm the deletion; nothing was deleted."""


def template_body(path: Path | None = None) -> str:
    """The CloudFormation template's text: the copy an installed package carries
    (festival_cli/aws/template.yaml, put there by the build), else, in a checkout, the one
    source, cloudformation/template.yaml."""
    if path is None:
        from importlib.resources import files

        packaged = files("festival_cli.aws").joinpath(PACKAGED_TEMPLATE)
        if packaged.is_file():
            return packaged.read_text(encoding="utf-8")
        path = source_root() / "cloudformation" / "template.yaml"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DeployError(f"cannot read the template {path}: {exc.strerror}") from None


def check_stack_name(stack: str) -> None:
    if not STACK_NAME.match(stack):
        raise UsageError(
            f"invalid stack name {stack!r}: use letters, digits and hyphens, "
            "starting with a letter, at most 128 characters"
        )


# ---- deploy ---------------------------------------------------------------------------------


def deploy(
    stack: str,
    email: str | None,
    aws: Clients,
    *,
    package: Package | None = None,
    template: str | None = None,
    on_event: OnEvent = ignore,
    notify: Notify = ignore,
    poll_interval: float = DEFAULT_POLL_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> DeployResult:
    """Create or update `stack` with the current template and function package.

    `email` receives the notifications; it may be omitted when updating (the stack keeps the
    address it has). Raises DeployError, with each failing resource's reason, when the stack
    fails or rolls back.
    """
    check_stack_name(stack)
    if email is not None and not EMAIL.match(email):
        raise UsageError(f"invalid email address {email!r}")
    region = aws.region
    body = template_body() if template is None else template
    package = build_package() if package is None else package
    notify(f"package {package.key}: {len(package.files)} files, {package.size / 1024:.0f} KiB")

    with translated("reading the AWS account", DeployError):
        identity = aws.client("sts").get_caller_identity()
        account: str = identity["Account"]
        partition = partition_of(identity["Arn"])  # aws, aws-cn, aws-us-gov: never assumed
    with translated("uploading the function package", DeployError):
        bucket = ensure_artifact_bucket(aws, account, notify, partition=partition)
        uploaded = upload_package(aws, bucket, account, package)
    notify(
        f"uploaded s3://{bucket}/{package.key}"
        if uploaded
        else f"package unchanged, already in s3://{bucket}"
    )

    cfn = aws.client("cloudformation")
    with translated(f"deploying stack {stack}", DeployError):
        current = ready_for_change(cfn, stack, notify, poll_interval, sleep)
        if current is None and email is None:
            raise UsageError(f"stack {stack} does not exist yet: its first deploy needs --email")
        change_type: ChangeSetTypeType = "CREATE" if current is None else "UPDATE"
        email_parameter: ParameterTypeDef = (
            {"ParameterKey": "NotificationEmail", "UsePreviousValue": True}
            if email is None
            else {"ParameterKey": "NotificationEmail", "ParameterValue": email}
        )
        parameters: list[ParameterTypeDef] = [
            {"ParameterKey": "CodeBucket", "ParameterValue": bucket},
            {"ParameterKey": "CodeKey", "ParameterValue": package.key},
            email_parameter,
        ]
        change_set = create_change_set(cfn, stack, body, parameters, change_type, package)
        ready = change_set is not None and change_set_ready(
            cfn, stack, change_set, poll_interval, sleep
        )
        if change_set is None or not ready:
            notify(f"stack {stack} is up to date")
            described = describe_stack(cfn, stack)
            return DeployResult(
                stack, region, "unchanged", outputs_of(described), package, uploaded, bucket
            )

        created = describe_stack(cfn, stack)
        if created is None:
            raise DeployError(f"stack {stack} vanished while its change set was being made")
        stack_id = created["StackId"]
        watcher = EventWatcher(cfn, stack_id)
        watcher.mark_existing()
        notify(f"{'creating' if change_type == 'CREATE' else 'updating'} stack {stack} in {region}")
        cfn.execute_change_set(ChangeSetName=change_set, StackName=stack)
        status = wait_until_settled(cfn, stack_id, watcher, on_event, poll_interval, sleep)
        if status not in SETTLED_OK:
            raise DeployError(failure_message(stack, status, watcher.failures()))
        outputs = outputs_of(describe_stack(cfn, stack_id))
    action: Literal["created", "updated"] = "created" if change_type == "CREATE" else "updated"
    return DeployResult(stack, region, action, outputs, package, uploaded, bucket)


# ---- destroy --------------------------------------------------------------------------------


def destroy(
    stack: str,
    aws: Clients,
    *,
    confirm: Callable[[StackSummary], bool] | None = None,
    delete_data: bool = False,
    on_event: OnEvent = ignore,
    notify: Notify = ignore,
    poll_interval: float = DEFAULT_POLL_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> StackSummary:
    """Delete `stack` after `confirm` agrees (None: no question), emptying its bucket first.

    The tables and the key are kept (the template retains them) and named in the summary's
    `kept`; with `delete_data` they are deleted too (the key after 30 days). Raises
    NotFoundError when there is no such stack, DestroyDeclined when not confirmed, and
    DeployError with the reasons when the deletion fails.
    """
    check_stack_name(stack)
    cfn = aws.client("cloudformation")
    with translated(f"reading stack {stack}", DeployError):
        current = describe_stack(cfn, stack)
        kept = [] if current is None else retained_resources(cfn, current["StackId"])
    if current is None:
        raise NotFoundError(f"stack {stack} does not exist in {aws.region}; nothing was deleted")
    summary = StackSummary(stack, aws.region, current["StackStatus"], outputs_of(current),
                           kept=kept, delete_data=delete_data)
    if confirm is not None and not confirm(summary):
        raise DestroyDeclined(f"not confirmed: stack {stack} is untouched; nothing was deleted")

    with translated(f"deleting stack {stack}", DeployError):
        # CloudFormation deletes only empty buckets: the uploads' and the published site's.
        for output in ("BucketName", "SiteBucketName"):
            bucket = summary.outputs.get(output)
            if bucket:
                removed = empty_bucket(aws, bucket)
                notify(f"emptied bucket {bucket} ({removed} object versions)")
        stack_id = current["StackId"]
        watcher = EventWatcher(cfn, stack_id)
        watcher.mark_existing()
        notify(f"deleting stack {stack} in {aws.region}")
        cfn.delete_stack(StackName=stack_id)
        status = wait_until_settled(cfn, stack_id, watcher, on_event, poll_interval, sleep)
    if status != "DELETE_COMPLETE":
        raise DeployError(failure_message(stack, status, watcher.failures()))
    if delete_data:
        with translated(f"deleting the data of stack {stack}", DeployError):
            summary.done.extend(delete_data_of(aws, kept))
    return summary


def empty_bucket(aws: Clients, bucket: str) -> int:
    """Delete every version and delete marker in `bucket` (gone already: 0)."""
    s3 = aws.client("s3")
    removed = 0
    try:
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            versions = [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
            keys: list[ObjectIdentifierTypeDef] = [
                {"Key": v["Key"], "VersionId": v["VersionId"]} for v in versions
            ]
            for start in range(0, len(keys), 1000):  # DeleteObjects takes 1,000 at most
                chunk = keys[start : start + 1000]
                s3.delete_objects(Bucket=bucket, Delete={"Objects": chunk, "Quiet": True})
                removed += len(chunk)
    except AWS_ERRORS as exc:
        if is_missing(exc):
            return removed
        raise
    return removed
