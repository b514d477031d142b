"""Deploying the pipeline and taking it down: what `festival deploy` and `festival destroy` do.

`deploy` builds the function package, uploads it (once: it is named by its sha256) to a
private artifact bucket created on first use, creates or updates the stack through a change set,
reports the stack's events while it works, and returns the stack's outputs. `destroy` empties
the upload bucket and deletes the stack. Both talk to AWS through one `boto3.Session`, given by
the caller (an AwsSession), whose clients are made on first use.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from festival_cli.aws.changesets import describe_stack, outputs_of
from festival_cli.aws.package import Package, build_package, source_root
from festival_cli.core.errors import DeployError, NotFoundError, UsageError

log = logging.getLogger(__name__)

CAPABILITIES = ["CAPABILITY_IAM"]
STACK_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$")  # CloudFormation's own rule
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")  # the template's AllowedPattern
DEFAULT_POLL_SECONDS = 5.0

# The two ways CloudFormation says a change set would change nothing: real AWS fails the change
# set with this reason; moto (and CreateStack-style validation) refuses to create it at all.
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")

SETTLED_OK = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "DELETE_COMPLETE", "IMPORT_COMPLETE"}
# Statuses from which an update can start.
UPDATABLE = {
    "CREATE_COMPLETE",
    "UPDATE_COMPLETE",
    "UPDATE_ROLLBACK_COMPLETE",
    "IMPORT_COMPLETE",
    "IMPORT_ROLLBACK_COMPLETE",
}


@dataclass(frozen=True)
class StackEvent:
    """One line of a stack's history: a resource (or the stack) entering a status."""

    timestamp: datetime
    logical_id: str
    resource_type: str
    status: str
    reason: str | None = None

    @property
    def failed(self) -> bool:
        return self.status.endswith("_FAILED")


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


class DestroyDeclined(DeployError):
    """The person did not confirm the deletion; nothing was deleted."""


Notify = Callable[[str], None]
OnEvent = Callable[[StackEvent], None]


def _ignore(_: Any) -> None:
    return None


class Clients(Protocol):
    """Where deploy gets its AWS clients: festival_cli.aws.session.AwsSession, or a fake."""

    @property
    def region(self) -> str: ...

    def client(self, service: str) -> Any: ...


@contextmanager
def aws_errors(doing: str) -> Iterator[None]:
    """Turn botocore's exceptions into a DeployError naming what was being done."""
    import botocore.exceptions

    from festival_cli.aws.session import describe_aws_error

    try:
        yield
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
        raise DeployError(f"{doing}: {describe_aws_error(exc)}") from None


def template_body(path: Path | None = None) -> str:
    """The CloudFormation template's text (cloudformation/template.yaml next to the sources)."""
    path = source_root() / "cloudformation" / "template.yaml" if path is None else path
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


# ---- the artifact bucket --------------------------------------------------------------------


def artifact_bucket_name(account: str, region: str) -> str:
    return f"festival-artifacts-{account}-{region}"


def ensure_artifact_bucket(aws: Clients, account: str, notify: Notify = _ignore) -> str:
    """The artifact bucket of this account and region, created private and encrypted if missing."""
    import botocore.exceptions

    s3 = aws.client("s3")
    bucket = artifact_bucket_name(account, aws.region)
    try:
        s3.head_bucket(Bucket=bucket, ExpectedBucketOwner=account)
        return bucket
    except botocore.exceptions.ClientError as exc:
        code = exc.response.get("Error", {}).get("Code")
        if code in {"403", "AccessDenied", "Forbidden"}:
            raise DeployError(
                f"artifact bucket {bucket} exists but is not this account's (or not readable)"
            ) from None
        if code not in {"404", "NoSuchBucket", "NotFound"}:
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
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(tls_only_policy(bucket)))
    notify(f"created artifact bucket {bucket} (private, encrypted, TLS only)")
    return bucket


def tls_only_policy(bucket: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyPlainHttp",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def upload_package(aws: Clients, bucket: str, account: str, package: Package) -> bool:
    """Put the package under its content-named key unless it is already there; True if put."""
    import botocore.exceptions

    s3 = aws.client("s3")
    try:
        s3.head_object(Bucket=bucket, Key=package.key, ExpectedBucketOwner=account)
        return False
    except botocore.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in {"404", "NoSuchKey", "NotFound"}:
            raise
    s3.put_object(
        Bucket=bucket,
        Key=package.key,
        Body=package.data,
        ContentType="application/zip",
        ExpectedBucketOwner=account,
    )
    return True


# ---- stack state ----------------------------------------------------------------------------


class EventWatcher:
    """Reports the events a stack gains after it is created, oldest first, each once."""

    def __init__(self, cfn: Any, stack: str) -> None:
        self.cfn = cfn
        self.stack = stack
        self.seen: set[str] = set()
        self.events: list[StackEvent] = []  # reported so far, oldest first

    def mark_existing(self) -> None:
        """Treat every event the stack has now as already seen (it belongs to earlier runs)."""
        for raw in self._newest_first():
            self.seen.add(raw["EventId"])

    def poll(self, on_event: OnEvent) -> None:
        fresh = []
        for raw in self._newest_first():
            if raw["EventId"] in self.seen:
                break  # everything older was reported before
            fresh.append(raw)
        for raw in reversed(fresh):
            self.seen.add(raw["EventId"])
            event = StackEvent(
                timestamp=raw["Timestamp"],
                logical_id=raw.get("LogicalResourceId", ""),
                resource_type=raw.get("ResourceType", ""),
                status=raw.get("ResourceStatus", ""),
                reason=raw.get("ResourceStatusReason"),
            )
            self.events.append(event)
            on_event(event)

    def _newest_first(self) -> Iterator[dict[str, Any]]:
        paginator = self.cfn.get_paginator("describe_stack_events")
        for page in paginator.paginate(StackName=self.stack):
            yield from page.get("StackEvents", [])

    def failures(self) -> list[StackEvent]:
        """The failed resources of this run, root causes before cancellations."""
        failed = [e for e in self.events if e.failed and e.reason]
        resources = [e for e in failed if e.resource_type != "AWS::CloudFormation::Stack"]
        chosen = resources or failed  # moto reports stack-level events only
        causes = [e for e in chosen if "cancelled" not in (e.reason or "")]
        return causes + [e for e in chosen if e not in causes]


def wait_until_settled(
    cfn: Any,
    stack_id: str,
    watcher: EventWatcher,
    on_event: OnEvent,
    poll_interval: float,
    sleep: Callable[[float], None],
) -> str:
    """Report events until the stack leaves its *_IN_PROGRESS status; return the final one."""
    while True:
        watcher.poll(on_event)
        description = describe_stack(cfn, stack_id)
        status = "DELETE_COMPLETE" if description is None else description["StackStatus"]
        if not status.endswith("_IN_PROGRESS"):
            watcher.poll(on_event)  # the events that arrived with the final status
            return status
        sleep(poll_interval)


def failure_message(stack: str, status: str, failures: list[StackEvent]) -> str:
    lines = [f"stack {stack} failed: {status}"]
    for event in failures:
        where = f"{event.logical_id} ({event.resource_type})" if event.resource_type else ""
        lines.append(f"  {where or event.logical_id}: {event.status}: {event.reason}")
    if not failures:
        lines.append("  (CloudFormation gave no reason; see the stack's events in the console)")
    return "\n".join(lines)


# ---- deploy ---------------------------------------------------------------------------------


def deploy(
    stack: str,
    email: str | None,
    aws: Clients,
    *,
    package: Package | None = None,
    template: str | None = None,
    on_event: OnEvent = _ignore,
    notify: Notify = _ignore,
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

    with aws_errors("reading the AWS account"):
        account: str = aws.client("sts").get_caller_identity()["Account"]
    with aws_errors("uploading the function package"):
        bucket = ensure_artifact_bucket(aws, account, notify)
        uploaded = upload_package(aws, bucket, account, package)
    notify(
        f"uploaded s3://{bucket}/{package.key}"
        if uploaded
        else f"package unchanged, already in s3://{bucket}"
    )

    cfn = aws.client("cloudformation")
    with aws_errors(f"deploying stack {stack}"):
        current = _ready_for_change(cfn, stack, notify, poll_interval, sleep)
        if current is None and email is None:
            raise UsageError(f"stack {stack} does not exist yet: its first deploy needs --email")
        change_type = "CREATE" if current is None else "UPDATE"
        parameters = [
            {"ParameterKey": "CodeBucket", "ParameterValue": bucket},
            {"ParameterKey": "CodeKey", "ParameterValue": package.key},
            {"ParameterKey": "NotificationEmail", "UsePreviousValue": True}
            if email is None
            else {"ParameterKey": "NotificationEmail", "ParameterValue": email},
        ]
        change_set = _create_change_set(cfn, stack, body, parameters, change_type, package)
        ready = change_set is not None and _change_set_ready(
            cfn, stack, change_set, poll_interval, sleep
        )
        if change_set is None or not ready:
            notify(f"stack {stack} is up to date")
            described = describe_stack(cfn, stack) or {}
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
        outputs = outputs_of(describe_stack(cfn, stack_id) or {})
    action: Literal["created", "updated"] = "created" if change_type == "CREATE" else "updated"
    return DeployResult(stack, region, action, outputs, package, uploaded, bucket)


def _ready_for_change(
    cfn: Any, stack: str, notify: Notify, poll_interval: float, sleep: Callable[[float], None]
) -> dict[str, Any] | None:
    """The existing stack to update, or None when a new one must be created."""
    current = describe_stack(cfn, stack)
    if current is None:
        return None
    status = current["StackStatus"]
    if status == "REVIEW_IN_PROGRESS":  # a change set was made but never executed: no resources
        return None
    if status == "ROLLBACK_COMPLETE":  # its creation failed: AWS allows only deleting it
        notify(f"stack {stack} failed to create earlier ({status}); deleting it first")
        cfn.delete_stack(StackName=current["StackId"])
        watcher = EventWatcher(cfn, current["StackId"])
        watcher.mark_existing()
        final = wait_until_settled(cfn, current["StackId"], watcher, _ignore, poll_interval, sleep)
        if final != "DELETE_COMPLETE":
            raise DeployError(failure_message(stack, final, watcher.failures()))
        return None
    if status not in UPDATABLE:
        raise DeployError(
            f"stack {stack} is {status}: wait until it settles (or fix it in the console) "
            "and run deploy again"
        )
    return current


def _create_change_set(
    cfn: Any,
    stack: str,
    body: str,
    parameters: list[dict[str, Any]],
    change_type: str,
    package: Package,
) -> str | None:
    """The new change set's name, or None when CloudFormation refuses it for having no changes."""
    import botocore.exceptions

    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    name = f"festival-{stamp}-{package.sha256[:8]}"
    log.debug("creating change set %s (%s) for stack %s", name, change_type, stack)
    try:
        cfn.create_change_set(
            StackName=stack,
            ChangeSetName=name,
            ChangeSetType=change_type,
            TemplateBody=body,
            Parameters=parameters,
            Capabilities=CAPABILITIES,
            Description=f"festival deploy, package {package.sha256[:12]}",
        )
    except botocore.exceptions.ClientError as exc:
        if any(marker in str(exc) for marker in NO_CHANGES):
            return None
        raise
    return name


def _change_set_ready(
    cfn: Any, stack: str, name: str, poll_interval: float, sleep: Callable[[float], None]
) -> bool:
    """Wait for the change set; True when it can be executed, False when it changes nothing."""
    while True:
        described = cfn.describe_change_set(StackName=stack, ChangeSetName=name)
        status = described.get("Status")
        if status == "CREATE_COMPLETE":
            return True
        if status == "FAILED":
            reason = described.get("StatusReason") or "no reason given"
            cfn.delete_change_set(StackName=stack, ChangeSetName=name)
            if any(marker in reason for marker in NO_CHANGES):
                return False
            raise DeployError(f"stack {stack}: the change set failed: {reason}")
        sleep(poll_interval)


# ---- destroy --------------------------------------------------------------------------------


def destroy(
    stack: str,
    aws: Clients,
    *,
    confirm: Callable[[StackSummary], bool] | None = None,
    on_event: OnEvent = _ignore,
    notify: Notify = _ignore,
    poll_interval: float = DEFAULT_POLL_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> StackSummary:
    """Delete `stack` after `confirm` agrees (None: no question), emptying its bucket first.

    Raises NotFoundError when there is no such stack, DestroyDeclined when not confirmed, and
    DeployError with the reasons when the deletion fails.
    """
    check_stack_name(stack)
    cfn = aws.client("cloudformation")
    with aws_errors(f"reading stack {stack}"):
        current = describe_stack(cfn, stack)
    if current is None:
        raise NotFoundError(f"stack {stack} does not exist in {aws.region}; nothing was deleted")
    summary = StackSummary(stack, aws.region, current["StackStatus"], outputs_of(current))
    if confirm is not None and not confirm(summary):
        raise DestroyDeclined(f"not confirmed: stack {stack} is untouched; nothing was deleted")

    with aws_errors(f"deleting stack {stack}"):
        bucket = summary.outputs.get("BucketName")
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
    return summary


def empty_bucket(aws: Clients, bucket: str) -> int:
    """Delete every version and delete marker in `bucket` (gone already: 0)."""
    import botocore.exceptions

    s3 = aws.client("s3")
    removed = 0
    try:
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            keys = [
                {"Key": v["Key"], "VersionId": v["VersionId"]}
                for kind in ("Versions", "DeleteMarkers")
                for v in page.get(kind, [])
            ]
            for start in range(0, len(keys), 1000):  # DeleteObjects takes 1,000 at most
                chunk = keys[start : start + 1000]
                s3.delete_objects(Bucket=bucket, Delete={"Objects": chunk, "Quiet": True})
                removed += len(chunk)
    except botocore.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "NoSuchBucket":
            return removed
        raise
    return removed
