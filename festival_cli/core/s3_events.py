"""S3 event notifications read once: which object versions an event body says arrived.

The function reads each SQS message body with it, and `festival retry` each dead letter's, so
the two agree on what an event names (decoded key, version, sequencer, time) by construction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from festival_cli.core.upload_contract import version_token


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
