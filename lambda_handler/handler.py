"""The Lambda function: SQS messages carrying S3 events -> ingest each lineup -> one notification.

Entry point `lambda_handler.handler.handler(event, context)`, wired with
`ReportBatchItemFailures`: it returns the ids of the messages to retry, and only those.

- A transient failure (throttling, a timeout, a 5xx, another ingestion revising the same dates,
  a failed publish) fails only its message, and the function sets that message's visibility to
  `retry_delay(its receive count)` (30 s, 90 s, 270 s, 810 s, 900 s), so it comes back in
  seconds to minutes; after the queue's maxReceiveCount (5) SQS moves it to the dead-letter
  queue, about 35 minutes after the upload.
- An invalid or too large file, or an object version that cannot be read (gone for good,
  refused), is permanent: recorded, notified, not retried. The event's size is checked before
  the body is read, and the body is read with a bound (lambda_handler/reading.py). A body that
  is not an S3 event is logged and dropped (it never will be).
- A duplicate delivery (same object version, same ingestion id) changes nothing and notifies
  once: the record says whether the notification went out (claimed, then marked after publish).
- An ingestion that changed the lineup publishes the site (festival_cli.publish; every festival
  the tables hold, laid out by publish.layout) into the site bucket, after notifying: its
  record carries `published: false` until every file is put, so a failed publish fails the
  message, and its redelivery (a duplicate for the data, notified already) only publishes.
  An unchanged upload publishes nothing.

Clients are made on the first call, never at import, and tests inject their own (`use`).
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from festival_cli.aws_errors import AWS_ERRORS
from festival_cli.core.errors import (
    FestivalError,
    LineupError,
    NotFoundError,
    TransientStoreError,
)
from festival_cli.core.ingest import ingest
from festival_cli.core.records import Ingestion
from festival_cli.core.s3_events import NotAnS3Event, ObjectCreated, parse_body
from festival_cli.core.upload_contract import (
    MAX_FILE_BYTES,
    MAX_SETS_PER_FILE,
    ORDER_METADATA,
    TOKEN_METADATA,
    UPLOAD_PREFIX,
    ingestion_id_for,
    retry_delay,
    wants_merge,
)
from festival_cli.core.upload_order import UploadOrder
from festival_cli.publish.bucket import publish_files
from festival_cli.publish.layout import stack_site
from festival_cli.stores.dynamodb import DynamoStore
from lambda_handler.events import upload_order
from lambda_handler.notify import message_for
from lambda_handler.notify_once import NotifyOnce
from lambda_handler.reading import Unreadable, read_upload

if TYPE_CHECKING:  # pragma: no cover - stubs (types-boto3) for mypy only
    from types_boto3_s3.client import S3Client
    from types_boto3_sns.client import SNSClient
    from types_boto3_sqs.client import SQSClient

log = logging.getLogger("festival.pipeline")
log.setLevel(logging.INFO)


@dataclass
class FileResult:
    """What happened to one object: written as the function's one JSON log line for it."""

    key: str
    outcome: str  # succeeded | superseded | rejected | failed | duplicate | retry | ignored
    retry: bool = False
    ingestion_id: str | None = None
    records: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)


class Pipeline:
    """The function's work, with its clients and settings held (and injectable)."""

    def __init__(self, s3: S3Client, sns: SNSClient, store: DynamoStore, topic_arn: str,
                 prefix: str = UPLOAD_PREFIX, once: NotifyOnce | None = None, *,
                 sqs: SQSClient | None = None, queue_url: str | None = None,
                 site_bucket: str | None = None) -> None:
        self.s3 = s3
        self.sns = sns
        self.store = store
        self.topic_arn = topic_arn
        self.prefix = prefix
        self.once = NotifyOnce.of(store) if once is None else once
        self.sqs = sqs  # with queue_url: sets a failed message's visibility (the backoff)
        self.queue_url = queue_url
        self.site_bucket = site_bucket  # None: no site to publish

    @classmethod
    def from_environment(cls) -> Pipeline:
        import boto3  # the function's own session: region and credentials from Lambda

        session = boto3.session.Session()
        store = DynamoStore(session.client("dynamodb"), _setting("FESTIVAL_TABLE"),
                            _setting("FESTIVAL_INGESTIONS_TABLE"))
        return cls(session.client("s3"), session.client("sns"), store,
                   _setting("FESTIVAL_TOPIC_ARN"),
                   os.environ.get("FESTIVAL_UPLOAD_PREFIX") or UPLOAD_PREFIX,
                   sqs=session.client("sqs"), queue_url=_setting("FESTIVAL_QUEUE_URL"),
                   site_bucket=os.environ.get("FESTIVAL_SITE_BUCKET") or None)

    # -- the batch -------------------------------------------------------------------------
    def process(self, event: dict[str, Any]) -> dict[str, Any]:
        """The partial batch response: the messages to retry (each made visible again after
        its backoff)."""
        failures = []
        for message in event.get("Records", []):
            if not self.process_message(message):
                failures.append({"itemIdentifier": message["messageId"]})
                self._back_off(message)
        return {"batchItemFailures": failures}

    def _back_off(self, message: dict[str, Any]) -> None:
        """Make a failed message visible again after retry_delay(its receive count), instead of
        the queue's visibility timeout. Best effort: without it the message still comes back."""
        receipt = message.get("receiptHandle")
        if self.sqs is None or not self.queue_url or not receipt:
            return
        attributes = message.get("attributes") or {}
        try:
            count = int(attributes.get("ApproximateReceiveCount", 1))
        except (TypeError, ValueError):
            count = 1
        delay = retry_delay(count)
        try:
            self.sqs.change_message_visibility(QueueUrl=self.queue_url, ReceiptHandle=receipt,
                                               VisibilityTimeout=delay)
        except AWS_ERRORS as exc:
            log.warning("could not delay the retry of message %s by %d s: %s",
                        message.get("messageId"), delay, exc)

    def process_message(self, message: dict[str, Any]) -> bool:
        """Handle one SQS message; False when it must be retried."""
        started = time.monotonic()
        try:
            objects = parse_body(message.get("body", ""))
        except NotAnS3Event as exc:
            # Permanent: it will never be an S3 event. Logged (and so alarmed on), not retried.
            _log_line(FileResult(key="", outcome="not-an-s3-event",
                                 detail={"error": str(exc),
                                         "message_id": message.get("messageId")}), started)
            return True
        if not objects:
            _log_line(FileResult(key="", outcome="test-event" if "s3:TestEvent" in message.get(
                "body", "") else "ignored", detail={"message_id": message.get("messageId")}),
                started)
        done = True
        for obj in objects:
            started = time.monotonic()
            result = self.process_object(obj)
            result.detail["message_id"] = message.get("messageId")
            _log_line(result, started)
            done = done and not result.retry
        return done

    # -- one file --------------------------------------------------------------------------
    def process_object(self, obj: ObjectCreated) -> FileResult:
        if not obj.key.startswith(self.prefix) or obj.key == self.prefix:
            return FileResult(obj.key, "ignored", detail={"reason": "outside the upload prefix"})
        name = obj.key[len(self.prefix):]
        fallback_id = ingestion_id_for(obj.bucket, obj.key, obj.token)
        try:
            upload = read_upload(self.s3, obj, MAX_FILE_BYTES)
        except Unreadable as exc:
            if exc.permanent:
                return self._unreadable(obj.key, name, fallback_id, exc.reason)
            # Throttled, 5xx, a dropped connection: retried; a lasting cause ends in the DLQ.
            return FileResult(obj.key, "retry", retry=True, ingestion_id=fallback_id,
                              detail={"error": exc.reason})
        token = upload.metadata.get(TOKEN_METADATA)
        ingestion_id = ingestion_id_for(obj.bucket, obj.key, token) if token else fallback_id
        order = upload_order(obj, upload.last_modified, upload.metadata.get(ORDER_METADATA))
        return self._ingest(obj, name, upload.data, ingestion_id,
                            merge=wants_merge(upload.metadata), size=upload.size, order=order)

    def _ingest(self, obj: ObjectCreated, name: str, data: bytes | None, ingestion_id: str, *,
                merge: bool, size: int, order: UploadOrder) -> FileResult:
        result = FileResult(obj.key, "failed", ingestion_id=ingestion_id,
                            detail={"merge": merge, "bytes": size, "order": order.token})
        try:
            # data None: larger than the limit, never read; rejected for its size.
            outcome = ingest(self.store, data or b"", name, merge=merge,
                             ingestion_id=ingestion_id, max_sets=MAX_SETS_PER_FILE,
                             max_bytes=MAX_FILE_BYTES, size=None if data is not None else size,
                             order=order)
        except TransientStoreError as exc:
            result.outcome, result.retry = "retry", True
            result.detail["error"] = str(exc)
            return result
        except LineupError as exc:
            result.outcome = "rejected"
            result.detail["problems"] = len(exc.problems)
        except FestivalError as exc:
            result.detail["error"] = str(exc)
        except Exception as exc:  # a bug, not the weather: recorded, notified, not retried
            log.exception("unexpected error ingesting %s", obj.key)
            result.detail["error"] = f"{type(exc).__name__}: {exc}"
            self._record_failure(ingestion_id, name, merge, result.detail["error"])
        else:
            result.outcome = "duplicate" if outcome.duplicate else outcome.record.state
            result.detail["counts"] = outcome.record.counts
        return self._finish(result)

    def _record_failure(self, ingestion_id: str, name: str, merge: bool, error: str) -> None:
        """Record `failed` unless a final state is already recorded (ingest() may have)."""
        try:
            current = self.store.get_ingestion(ingestion_id)
            if current is None or not current.done:
                record = current or Ingestion(id=ingestion_id, file=name, merge=merge)
                self.store.save_ingestion(record.finish("failed", errors=[
                    f"{name}: the function failed unexpectedly ({error}); please report this "
                    "bug. Uploading the file again once it is fixed makes the stored sets "
                    "match the file"]))
        except FestivalError:
            log.exception("could not record the failure of %s", ingestion_id)

    def _unreadable(self, key: str, name: str, ingestion_id: str, reason: str) -> FileResult:
        """The object version cannot be read, and never will be: a permanent failure, notified
        (its record under the version's id: its metadata, and so its upload token, is
        unreadable too; `festival upload` follows that id as well)."""
        result = FileResult(key, "failed", ingestion_id=ingestion_id, detail={"error": reason})
        record = Ingestion(id=ingestion_id, file=name)
        try:
            if self.store.create_ingestion(record) is None:  # created: no earlier delivery
                self.store.save_ingestion(record.finish("failed", errors=[f"{name}: {reason}"]))
            else:
                result.outcome = "duplicate"
        except FestivalError as exc:
            result.outcome, result.retry = "retry", True
            result.detail["error"] = str(exc)
            return result
        return self._finish(result)

    def _finish(self, result: FileResult) -> FileResult:
        """Notify once about the finished record; retry the message when that is not done."""
        assert result.ingestion_id is not None
        try:
            record = self.store.get_ingestion(result.ingestion_id)
            if record is None or not record.done:
                # Nothing final was recorded (the store itself failed): try the file again.
                result.outcome, result.retry = "retry", True
                return result
            result.records = record.counts.get("performances")
            result.detail["notified"] = self._notify(record)
            result.detail["published"] = self._publish(record)
        except FestivalError as exc:
            result.outcome, result.retry = "retry", True
            result.detail["error"] = str(exc)
            return result
        except AWS_ERRORS as exc:
            # Publishing failed after the write: retried. The re-run is a duplicate for the
            # data and, the record not being marked notified, publishes then.
            result.retry = True
            result.detail["error"] = f"publish: {exc}"
        return result

    def _publish(self, record: Ingestion) -> str:
        """Publish the site after an ingestion that changed the lineup, once: `put N`, or why
        not. Marked `published: false` first (festival status shows it), true once done; a
        failure raises (the message is retried, and its redelivery publishes only)."""
        if self.site_bucket is None or not record.changed:
            return "nothing to publish"
        if record.published:
            return "already"
        if record.published is None:
            self.store.save_ingestion(replace(record, published=False))
        try:
            files = stack_site(self.store)  # every festival the tables hold
        except NotFoundError:  # a revision removed every set: no site to build
            files = []
        put, gone = publish_files(self.s3, self.site_bucket, files)
        # `record` is final, read by _finish: nothing but `published` changes on it since
        # (and saving updates its attributes, the notification marks kept).
        self.store.save_ingestion(replace(record, published=True))
        return f"put {put}" + (f", removed {len(gone)}" if gone else "")

    def _notify(self, record: Ingestion) -> str:
        claim = self.once.claim(record.id)
        if claim == "notified":
            return "already"
        if claim == "busy":
            raise TransientStoreError(f"another run is notifying about ingestion {record.id}")
        subject, body = message_for(record)
        try:
            self.sns.publish(TopicArn=self.topic_arn, Subject=subject, Message=body)
        except AWS_ERRORS:
            self.once.release(record.id)
            raise
        self.once.finish(record.id)
        return "sent"


def _setting(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set: the function's environment comes from the "
                           "stack template (cloudformation/)")
    return value


def _log_line(result: FileResult, started: float) -> None:
    line = {
        "key": result.key,
        "outcome": result.outcome,
        "ingestion_id": result.ingestion_id,
        "records": result.records,
        "duration_ms": round((time.monotonic() - started) * 1000, 1),
        **result.detail,
    }
    log.log(logging.WARNING if result.retry else logging.INFO,
            json.dumps(line, ensure_ascii=False, default=str))


_pipeline: Pipeline | None = None


def use(pipeline: Pipeline | None) -> None:
    """Inject the pipeline the handler uses (tests); None makes the next call build its own."""
    global _pipeline
    _pipeline = pipeline


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The Lambda entry point."""
    global _pipeline
    if _pipeline is None:
        _pipeline = Pipeline.from_environment()
    return _pipeline.process(event)
