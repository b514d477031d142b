"""An arrived upload's place in the upload order (the event itself is read by
festival_cli/core/s3_events.py, shared with `festival retry`)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from festival_cli.core.s3_events import ObjectCreated
from festival_cli.core.upload_order import UploadOrder

log = logging.getLogger("festival.pipeline")


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
