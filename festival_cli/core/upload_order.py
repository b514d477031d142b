"""Which of two uploads is the newer: the one place the pipeline's upload order is decided.

A date's stored sets come from the newest upload that lists it, whatever order the S3 events
arrive (or are retried) in. An upload's place in that order is an `UploadOrder`:

- `time`: when S3 created the object, the event's `eventTime` (UTC, to the millisecond, S3's
  own clock), or the version's `LastModified` (to the second) for an event without one; a local
  upload is stamped with the moment it is ingested;
- `source`: a digest of the object key (16 hex digits), so two versions of one key are known
  as such and different keys tie-break in a fixed order without storing long keys;
- `sequencer`: the event's `sequencer`, the hex value S3 documents as ordering the events of
  one key.

Two versions of one key are ordered by their sequencers, compared as S3 documents: the shorter
right-padded with zeros, then compared as text (hex digits upper-cased, so as numbers). Uploads
of different keys (or without sequencers) are ordered by time, then source, then sequencer: a
total, deterministic order. A `Mark` is an order with the ingestion that had it, as the stores
keep it (the newest upload of a date, or of a set written by a merge).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

_NONE = "-"  # an absent sequencer, in a token


def sequencer_key(sequencer: str, width: int) -> str:
    """`sequencer` upper-cased and right-padded with zeros to `width` characters: what two
    sequencers of one key are compared by (S3's documented rule)."""
    return sequencer.upper().ljust(width, "0")


def compare_sequencers(a: str, b: str) -> int:
    """-1, 0 or 1 as sequencer `a` orders before, with or after `b` (pad, then compare)."""
    width = max(len(a), len(b))
    left, right = sequencer_key(a, width), sequencer_key(b, width)
    return (left > right) - (left < right)


def normal_time(moment: str | datetime) -> str:
    """A moment as UTC ISO 8601 to the millisecond, `2026-11-28T05:17:53.123Z` (sortable as
    text): from an event's `eventTime` text or a `LastModified` datetime. ValueError if it is
    not a moment."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def source_of(key: str) -> str:
    """The digest standing for an object key (or a local file's name) in an order."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(frozen=True)
class UploadOrder:
    """An upload's place in the order (see the module's text)."""

    time: str  # normal_time
    source: str  # source_of(key)
    sequencer: str = ""  # S3's hex sequencer, "" when unknown

    @classmethod
    def of(cls, moment: str | datetime, key: str, sequencer: str | None = None) -> UploadOrder:
        return cls(normal_time(moment), source_of(key), (sequencer or "").upper())

    @classmethod
    def now(cls, key: str = "") -> UploadOrder:
        """The order of an upload ingested at this moment (a local upload)."""
        return cls.of(datetime.now(UTC), key)

    def compare(self, other: UploadOrder) -> int:
        """-1, 0 or 1 as this upload is older than, the same as, or newer than `other`."""
        if self.source == other.source and self.sequencer and other.sequencer:
            return compare_sequencers(self.sequencer, other.sequencer)
        mine, theirs = (self.time, self.source), (other.time, other.source)
        if mine != theirs:
            return (mine > theirs) - (mine < theirs)
        return compare_sequencers(self.sequencer, other.sequencer)

    def newer_than(self, other: UploadOrder) -> bool:
        return self.compare(other) > 0

    @property
    def token(self) -> str:
        """`<time> <source> <sequencer>`: how it is stored (object metadata, a mark)."""
        return f"{self.time} {self.source} {self.sequencer or _NONE}"

    @classmethod
    def parse(cls, token: str) -> UploadOrder:
        """The order a `token` names; ValueError for anything else."""
        parts = token.split()
        if len(parts) != 3:
            raise ValueError(f"not an upload order: {token!r}")
        time, source, sequencer = parts
        if (len(source) != 16 or not _is_hex(source)
                or (sequencer != _NONE and not _is_hex(sequencer))):
            raise ValueError(f"not an upload order: {token!r}")
        return cls(normal_time(time), source, "" if sequencer == _NONE else sequencer.upper())


@dataclass(frozen=True)
class Mark:
    """An upload's order and the ingestion that had it: what a store keeps as the newest
    upload of a date (a replacing upload) or of a set (one a merge wrote)."""

    order: UploadOrder
    ingestion: str

    def newer_than(self, other: Mark) -> bool:
        return self.order.newer_than(other.order)

    @property
    def token(self) -> str:
        return f"{self.order.token} {self.ingestion}"

    @classmethod
    def parse(cls, token: str) -> Mark:
        """The mark a `token` names; ValueError for anything else."""
        head, _, ingestion = token.rpartition(" ")
        if not ingestion:
            raise ValueError(f"not an upload mark: {token!r}")
        return cls(UploadOrder.parse(head), ingestion)


def _is_hex(text: str) -> bool:
    return bool(text) and all(c in "0123456789abcdefABCDEF" for c in text)
