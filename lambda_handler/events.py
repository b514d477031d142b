"""Reading an SQS message body as the S3 event notification it should be."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus

from festival_cli.core.upload_contract import version_token
from festival_cli.core.upload_order import UploadOrder

log = logging.getLogger("festival.pipeline")


class NotAnS3Event(ValueError):
    """A message body that is not an S3 event notification (nothing to retry: it never will be)."""


@dataclass(frozen=True)
class ObjectCreated:
    """One `ObjectCreated:*` record: which object version arrived."""

    bucket: str
    key: str  # decoded: `my lineup é.json`, not `my+lineup+%C3%A9.json`
    event_name: str
    version_id: str | None = None
    etag: str | None = None
    sequencer: str | None = None
    size: int | None = None  # bytes, as the event says (S3 always sends it)
    event_time: str | None = None  # when S3 finished the request (ISO 8601, milliseconds)

    @property
    def token(self) -> str:
        """What identifies this object version when its metadata carries no upload token.

        The version id in a versioned bucket; otherwise the eTag and the event's sequencer
        (distinct for each put of the key, and the same for every delivery of one event).
        """
        if self.version_id:
            return version_token(self.version_id)
        return f"etag:{(self.etag or '').strip(chr(34))}:{self.sequencer or ''}"


def upload_order(obj: ObjectCreated, last_modified: datetime | None = None,
                 claimed: str | None = None) -> UploadOrder:
    """The upload's place in the upload order (core/upload_order.py): the event's `eventTime`
    (S3's clock, to the millisecond; the version's `LastModified`, to the second, for an event
    without one), key and `sequencer`. A `claimed` order (`festival retry`'s copy carries its
    original's, ORDER_METADATA) is taken when it is of the same key and older: a copy can only
    claim to be older than itself, never newer."""
    own = None
    for moment in (obj.event_time, last_modified):
        if moment:
            try:
                own = UploadOrder.of(moment, obj.key, obj.sequencer)
                break
            except ValueError:
                log.warning("unreadable time %r for s3://%s/%s", moment, obj.bucket, obj.key)
    if own is None:
        own = UploadOrder.of(datetime.now(UTC), obj.key, obj.sequencer)
    if claimed:
        try:
            original = UploadOrder.parse(claimed)
        except ValueError:
            log.warning("ignoring an unreadable upload order on s3://%s/%s: %r", obj.bucket,
                        obj.key, claimed)
            return own
        if original.source == own.source and original.compare(own) < 0:
            return original
    return own


def parse_body(body: str) -> list[ObjectCreated]:
    """The ObjectCreated records of a message body; [] for `s3:TestEvent` and other events.

    Raises `NotAnS3Event` for anything that is not an S3 event notification.
    """
    try:
        document = json.loads(body)
    except (TypeError, ValueError) as exc:
        raise NotAnS3Event(f"the message body is not JSON ({exc})") from None
    if not isinstance(document, dict):
        raise NotAnS3Event("the message body is not a JSON object")
    if document.get("Event") == "s3:TestEvent":
        return []
    records = document.get("Records")
    if not isinstance(records, list):
        raise NotAnS3Event("the message body has no `Records` list")
    return [event for record in records if (event := _object_created(record)) is not None]


def _object_created(record: Any) -> ObjectCreated | None:
    try:
        if record.get("eventSource") not in (None, "aws:s3"):
            raise NotAnS3Event(f"a record comes from {record.get('eventSource')}, not S3")
        name = str(record["eventName"])
        bucket = str(record["s3"]["bucket"]["name"])
        obj = record["s3"]["object"]
        key = unquote_plus(str(obj["key"]))
    except (AttributeError, KeyError, TypeError):
        raise NotAnS3Event("a record lacks eventName, s3.bucket.name or s3.object.key") from None
    if not name.startswith("ObjectCreated:"):
        return None
    return ObjectCreated(
        bucket=bucket,
        key=key,
        event_name=name,
        # "null" is the version of an object put while versioning was off or suspended.
        version_id=obj.get("versionId") if obj.get("versionId") not in (None, "", "null") else None,
        etag=obj.get("eTag") or None,
        sequencer=obj.get("sequencer") or None,
        size=_size(obj.get("size")),
        event_time=str(record["eventTime"]) if record.get("eventTime") else None,
    )


def _size(value: Any) -> int | None:
    """The event's object size (a number; the documentation's example shows it as text)."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return None
    return size if size >= 0 else None
