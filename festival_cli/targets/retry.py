"""`festival retry ID`: ingest again an upload whose event ended in the dead-letter queue.

The queue's policy lets only the bucket send to the queue, so a plain redrive of the dead letter
is refused. Instead the upload's stored object version (the bucket is versioned) is copied onto
its own key with a fresh upload token: S3 sends the copy's event itself, the function ingests
it as a new ingestion of the same bytes (same merge choice), and the dead letter is deleted.
The copy is the newest version of its key, so it carries the original upload's place in the
upload order (`x-amz-meta-festival-order`, from the dead letter's event): the function orders
it as the original, and what newer uploads wrote meanwhile stays (newest upload wins).
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from festival_cli.aws_errors import AWS_ERRORS, translated
from festival_cli.core.errors import NotFoundError, StackError
from festival_cli.core.s3_events import NotAnS3Event, ObjectCreated, parse_body
from festival_cli.core.upload_contract import (
    ORDER_METADATA,
    TOKEN_METADATA,
    ingestion_id_for,
    upload_metadata,
    version_token,
    wants_merge,
)
from festival_cli.core.upload_order import UploadOrder

RECEIVE_ROUNDS = 20  # up to 200 dead letters looked at


def objects_of(body: str) -> list[ObjectCreated]:
    """The uploads a dead letter's S3 event names, read as the function reads them; [] for a
    body that is not an S3 event (the function drops those, so none should be dead)."""
    try:
        return parse_body(body)
    except NotAnS3Event:
        return []


def retry_dead_letter(aws: Any, stack: str, dead_letter_url: str, ingestion_id: str) -> str:
    """Copy the upload `ingestion_id` names (found among the dead letters) onto its key with a
    fresh token, delete its dead letter, and return the new ingestion's id."""
    sqs, s3 = aws.client("sqs"), aws.client("s3")
    seen: list[str] = []
    try:
        for _ in range(RECEIVE_ROUNDS):
            with translated(f"stack {stack}: reading the dead-letter queue", StackError):
                messages = sqs.receive_message(QueueUrl=dead_letter_url, MaxNumberOfMessages=10,
                                               VisibilityTimeout=60).get("Messages", [])
            if not messages:
                break
            for message in messages:
                seen.append(message["ReceiptHandle"])
                for dead in objects_of(message.get("Body", "")):
                    bucket, key, version = dead.bucket, dead.key, dead.version_id
                    head = _head(s3, bucket, key, version)
                    metadata = {k.lower(): v for k, v in (head.get("Metadata") or {}).items()}
                    token = metadata.get(TOKEN_METADATA) or (
                        version_token(version) if version else None)
                    if token is None or ingestion_id_for(bucket, key, token) != ingestion_id:
                        continue
                    fresh = uuid.uuid4().hex
                    with translated(f"stack {stack}: copying s3://{bucket}/{key}", StackError):
                        s3.copy_object(
                            Bucket=bucket, Key=key, MetadataDirective="REPLACE",
                            ContentType="application/json",
                            Metadata=upload_metadata(fresh, merge=wants_merge(metadata),
                                                     order=original_order(dead, head)),
                            CopySource={"Bucket": bucket, "Key": key,
                                        **({"VersionId": version} if version else {})})
                        sqs.delete_message(QueueUrl=dead_letter_url,
                                           ReceiptHandle=message["ReceiptHandle"])
                    seen.remove(message["ReceiptHandle"])
                    return ingestion_id_for(bucket, key, fresh)
    finally:
        for receipt in seen:  # the other dead letters stay, visible again at once
            with contextlib.suppress(*AWS_ERRORS):  # else they come back after 60 s anyway
                sqs.change_message_visibility(QueueUrl=dead_letter_url, ReceiptHandle=receipt,
                                              VisibilityTimeout=0)
    raise NotFoundError(f"no upload with ingestion id '{ingestion_id}' in the dead-letter queue "
                        f"of stack {stack} (festival status shows the ingestions)")


def original_order(dead: ObjectCreated, head: dict[str, Any]) -> str | None:
    """The upload order the copy carries: the one the dead upload itself carried (it was a
    retry already), else its event's (eventTime or LastModified, key, sequencer)."""
    metadata = {k.lower(): v for k, v in (head.get("Metadata") or {}).items()}
    if metadata.get(ORDER_METADATA):
        return str(metadata[ORDER_METADATA])
    moment = dead.event_time or head.get("LastModified")
    if not moment:
        return None
    try:
        return UploadOrder.of(moment, dead.key, dead.sequencer).token
    except ValueError:
        return None


def _head(s3: Any, bucket: str, key: str, version: str | None) -> dict[str, Any]:
    with translated(f"reading s3://{bucket}/{key}", StackError):
        response: dict[str, Any] = s3.head_object(
            Bucket=bucket, Key=key, **({"VersionId": version} if version else {}))
        return response
