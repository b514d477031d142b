"""The CLI against a deployed stack: resources from its outputs, uploads followed to the end.

`festival upload` validates the file here first (an invalid file is never sent), puts it under
`uploads/` with a random upload token in its metadata (so its ingestion id is known at once,
see core/upload_contract.py), then follows the ingestion record the function writes until it is
succeeded, rejected or failed, or the timeout passes. `status` adds the queue, the dead-letter
queue, the table's item count and the email subscriptions still waiting for confirmation.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import MISSING, dataclass, fields
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from festival_cli.aws.changesets import describe_stack, outputs_of
from festival_cli.aws.session import AwsSession, Clients
from festival_cli.aws_errors import translated
from festival_cli.core.errors import (
    IngestionFailed,
    LineupError,
    PublishError,
    StackError,
)
from festival_cli.core.lineup import check_lineup
from festival_cli.core.problems import SHOWN
from festival_cli.core.records import Ingestion
from festival_cli.core.store import Progress, Store
from festival_cli.core.upload_contract import (
    UPLOAD_PREFIX,
    UPLOAD_SUFFIX,
    UPLOAD_WAIT_SECONDS,
    file_size_problems,
    ingestion_id_for,
    size_problems,
    upload_metadata,
    version_token,
)
from festival_cli.stores.dynamodb import DynamoStore
from festival_cli.targets.base import StatusReport, UploadResult

if TYPE_CHECKING:  # pragma: no cover - stubs (types-boto3) for mypy only
    from types_boto3_cloudformation.client import CloudFormationClient
    from types_boto3_sqs.literals import QueueAttributeNameType

POLL_SECONDS = 2.0
PENDING_CONFIRMATION = "PendingConfirmation"


@dataclass(frozen=True)
class StackOutputs:
    """The stack outputs festival needs (output name in each field's metadata order)."""

    BucketName: str
    TableName: str
    IngestionsTableName: str
    QueueUrl: str
    DeadLetterQueueUrl: str
    TopicArn: str
    FunctionName: str
    # The published site (issue 15): absent from stacks deployed before it, so optional here;
    # `festival publish --stack` asks for a redeploy without them.
    SiteBucketName: str = ""
    SiteUrl: str = ""

    @classmethod
    def names(cls) -> list[str]:
        """The outputs every festival stack has."""
        return [f.name for f in fields(cls) if f.default is MISSING]

    @classmethod
    def optional(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.default is not MISSING]


def read_outputs(cloudformation: CloudFormationClient, name: str, region: str) -> StackOutputs:
    """The outputs of stack `name`; StackError when it is missing or incomplete."""
    with translated(f"cannot read stack '{name}'", StackError):
        stack = describe_stack(cloudformation, name)
    if stack is None:
        raise StackError(
            f"stack '{name}' does not exist in {region}: deploy it with `festival deploy`, "
            "or check --stack / FESTIVAL_STACK and AWS_REGION / AWS_PROFILE"
        )
    outputs = outputs_of(stack)
    missing = [n for n in StackOutputs.names() if not outputs.get(n)]
    if missing:
        raise StackError(
            f"stack '{name}' ({stack.get('StackStatus', 'status unknown')}) has no output "
            f"{', '.join(missing)}: it was not deployed by festival, or its deployment did not "
            "complete; run `festival deploy` again"
        )
    return StackOutputs(**{n: outputs[n] for n in StackOutputs.names()},
                        **{n: outputs.get(n, "") for n in StackOutputs.optional()})


def object_name(source: str) -> str:
    """The name a file gets in the bucket: its base name, always ending in `.json`
    (the bucket notifies the function of `.json` objects only)."""
    name = PurePath(source).name
    if name in {"", "-", "<stdin>"}:
        name = "lineup"
    if name.lower().endswith(UPLOAD_SUFFIX):
        name = name[: -len(UPLOAD_SUFFIX)]
    return name + UPLOAD_SUFFIX


class StackTarget:
    """A deployed festival stack: uploads go through the pipeline, queries to its tables."""

    def __init__(
        self,
        name: str,
        outputs: StackOutputs,
        aws: Clients,
        *,
        poll_seconds: float = POLL_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.outputs = outputs
        self.aws = aws
        self.poll_seconds = poll_seconds
        self.sleep = sleep
        self.clock = clock
        self.description = f"stack {name} ({aws.region})"
        self.store: Store = DynamoStore(
            aws.client("dynamodb"), outputs.TableName, outputs.IngestionsTableName)

    @classmethod
    def from_stack_name(cls, name: str, aws: AwsSession | None = None, **options: Any
                        ) -> StackTarget:
        aws = aws or AwsSession()
        outputs = read_outputs(aws.client("cloudformation"), name, aws.region)
        return cls(name, outputs, aws, **options)

    # -- publish ---------------------------------------------------------------------------
    def publish_site(self, festival: str | None = None) -> tuple[int, list[str]]:
        """Republish the stack's site from its tables into its site bucket, as the function
        does after an ingestion (`festival publish --stack`): the number of files put, and
        the calendars of stages that are gone, deleted."""
        from festival_cli.publish.bucket import publish_files
        from festival_cli.publish.layout import stack_site

        bucket = self.outputs.SiteBucketName
        if not bucket:
            raise StackError(f"stack '{self.name}' has no output SiteBucketName: it was deployed "
                             "before festival published sites; run `festival deploy` again")
        files = stack_site(self.store, festival)
        with translated(f"cannot publish the site into bucket {bucket}", PublishError):
            return publish_files(self.aws.client("s3"), bucket, files)

    # -- upload ----------------------------------------------------------------------------
    def upload(
        self,
        data: bytes,
        source: str,
        *,
        merge: bool = False,
        strict: bool = False,
        wait: bool = True,
        timeout: float = UPLOAD_WAIT_SECONDS,
        progress: Progress | None = None,
    ) -> UploadResult:
        """Validate here, put the file under the upload prefix, and follow its ingestion."""
        too_large = file_size_problems(len(data))
        if too_large:
            raise LineupError(source, too_large)  # never sent, never parsed
        report = check_lineup(data, source, strict=strict, shown=SHOWN)
        errors = report.errors or size_problems(report.count)
        if errors:
            raise LineupError(source, errors)  # never sent
        name = object_name(source)
        key = UPLOAD_PREFIX + name
        token = uuid.uuid4().hex
        version = self._put(key, data, upload_metadata(token, merge=merge), source)
        ingestion_id = ingestion_id_for(self.outputs.BucketName, key, token)
        if not wait:
            pending = Ingestion(id=ingestion_id, file=name, merge=merge)
            return UploadResult(record=pending, warnings=list(report.warnings), waited=False,
                                warning_counts=report.warning_rules)
        # The function records under the version's id when it cannot read the metadata.
        unread = (ingestion_id_for(self.outputs.BucketName, key, version_token(version))
                  if version else None)
        record = self._follow(ingestion_id, name, timeout, unread)
        ingestion_id = record.id
        if record.state != "succeeded":
            lines = "".join(f"\n  {line}" for line in record.errors)
            if record.state == "rejected":
                verdict = "was rejected by the pipeline", "nothing was written"
            elif record.state == "superseded":
                lines = "".join(f"\n  {line}" for line in record.superseded)
                verdict = ("was superseded by newer uploads",
                           "nothing was written (upload it again to make it the newest)")
            else:  # DynamoDB writes are not atomic: part of the plan may be in
                verdict = "failed in the pipeline", "upload it again once the cause is fixed"
            raise IngestionFailed(
                f"{name} {verdict[0]} (ingestion {ingestion_id}); {verdict[1]}{lines}")
        if progress is not None:
            total = record.counts.get("performances", 0)
            progress(total, total)
        return UploadResult(record=record, warnings=list(report.warnings),
                            warning_counts=report.warning_rules)

    # -- retry -----------------------------------------------------------------------------
    def retry(self, ingestion_id: str, timeout: float = UPLOAD_WAIT_SECONDS) -> Ingestion:
        """Ingest again the upload of `ingestion_id`, whose event is in the dead-letter queue
        (targets/retry.py), and follow the new ingestion: its final record."""
        from festival_cli.targets.retry import retry_dead_letter

        fresh = retry_dead_letter(self.aws, self.name, self.outputs.DeadLetterQueueUrl,
                                  ingestion_id)
        return self._follow(fresh, ingestion_id, timeout)

    def _put(self, key: str, data: bytes, metadata: dict[str, str], source: str) -> str | None:
        """Put the object; its version id (None in an unversioned bucket)."""
        where = f"s3://{self.outputs.BucketName}/{key}"
        with translated(f"could not upload {source} to {where}", StackError):
            response = self.aws.client("s3").put_object(
                Bucket=self.outputs.BucketName, Key=key, Body=data,
                ContentType="application/json", Metadata=metadata)
        version = response.get("VersionId")
        return str(version) if version and version != "null" else None

    def _follow(self, ingestion_id: str, name: str, timeout: float,
                unread: str | None = None) -> Ingestion:
        """Poll the ingestion record until it is final, or raise after `timeout` seconds.
        `unread`: the id the function records under if it cannot read the object's metadata."""
        deadline = self.clock() + timeout
        while True:
            record = self.store.get_ingestion(ingestion_id)
            if record is None and unread is not None:
                record = self.store.get_ingestion(unread)
            if record is not None and record.done:
                return record
            remaining = deadline - self.clock()
            if remaining <= 0:
                raise IngestionFailed(
                    f"{name}: not finished after {timeout:g} s; it may still be running: "
                    f"festival status {ingestion_id} --stack {self.name}"
                )
            self.sleep(min(self.poll_seconds, remaining))

    # -- status ----------------------------------------------------------------------------
    def status(self, ingestion_id: str | None = None, limit: int = 10) -> StatusReport:
        ingestions = self.store.ingestions(ingestion_id, limit, where=f" in stack {self.name}")
        queue = self._depth(self.outputs.QueueUrl, in_flight=True)
        dead = self._depth(self.outputs.DeadLetterQueueUrl, in_flight=False)
        pending = self.pending_subscriptions()
        alarms = self.alarms_firing()
        # The renderer explains the queues and subscriptions; the count needs a caveat.
        notes = ["the item count is approximate: DynamoDB refreshes it about every six hours"]
        return StatusReport(
            target=self.description,
            ingestions=ingestions,
            item_count=self.store.count(),
            queue_depth=queue,
            dead_letter_depth=dead,
            subscriptions_pending=pending,
            notes=notes,
            alarms_firing=alarms,
        )

    def alarms_firing(self) -> list[tuple[str, str, str]]:
        """The stack's alarms (named `<stack>-...` by the template) now in ALARM: name, what
        it means (its description), since when."""
        firing: list[tuple[str, str, str]] = []
        pages = self.aws.client("cloudwatch").get_paginator("describe_alarms").paginate(
            AlarmNamePrefix=f"{self.name}-", StateValue="ALARM")
        with self._failing("cloudwatch describe_alarms"):  # each page is read as it is iterated
            for page in pages:
                for alarm in page.get("MetricAlarms", []):
                    if alarm.get("StateValue") != "ALARM":  # moto ignores StateValue with a prefix
                        continue
                    since = alarm.get("StateUpdatedTimestamp")
                    firing.append((alarm["AlarmName"], " ".join(
                        str(alarm.get("AlarmDescription") or alarm.get("StateReason", "")).split()),
                        since.isoformat(timespec="seconds") if since is not None else "?"))
        return firing

    def _depth(self, queue_url: str, *, in_flight: bool) -> int:
        """Messages waiting (and, for the main queue, being processed) in a queue."""
        names: list[QueueAttributeNameType] = ["ApproximateNumberOfMessages"]
        if in_flight:
            names.append("ApproximateNumberOfMessagesNotVisible")
        with self._failing("sqs get_queue_attributes"):
            attributes = self.aws.client("sqs").get_queue_attributes(
                QueueUrl=queue_url, AttributeNames=names)["Attributes"]
        return sum(int(attributes.get(n, 0)) for n in names)

    def pending_subscriptions(self) -> list[str]:
        """Endpoints of the topic's subscriptions that still await their confirmation."""
        pending: list[str] = []
        pages = self.aws.client("sns").get_paginator("list_subscriptions_by_topic").paginate(
            TopicArn=self.outputs.TopicArn)
        with self._failing("sns list_subscriptions_by_topic"):
            for page in pages:
                pending += [s.get("Endpoint", "?") for s in page.get("Subscriptions", [])
                            if s.get("SubscriptionArn") == PENDING_CONFIRMATION]
        return pending

    def _failing(self, call: str) -> AbstractContextManager[None]:
        """A failed AWS call as the StackError `festival status` shows."""
        return translated(f"stack {self.name}: {call} failed", StackError)

    def close(self) -> None:
        self.store.close()
