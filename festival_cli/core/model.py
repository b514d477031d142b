"""The one model of a performance, and the one place its keys are derived.

The parser builds `Performance`s, both stores write and return them, the Lambda handler ingests
them and the renderers draw them. Dates and times stay the validated strings of the file
(`2026-07-10`, `18:00`): they sort chronologically as text, which is what the keys rely on.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache

KEY_SEPARATOR = "#"
MINUTES_PER_DAY = 24 * 60
# A festival day runs from this time to the same time next morning: a 01:00 set belongs to the
# evening before (the timetable's day, the published schedule's day, the diff's moves).
DEFAULT_DAY_STARTS = "06:00"

# The dates festival handles. The day before and the day after each one (a set past midnight
# ends the next day; a query reads back a day; a calendar's time zone spans a year either side)
# stay within the years 0001-9999 that dates can be computed with.
FIRST_DATE = "0002-01-01"
LAST_DATE = "9998-12-31"

# The attribute names of the stored item (DynamoDB table `Performances`, and the lineup aliases).
ATTR_PERFORMER = "Performer"
ATTR_SORT_KEY = "DateStartTime"
ATTR_STAGE = "Stage"
ATTR_DATE = "Date"
ATTR_START = "StartTime"
ATTR_END = "EndTime"
ATTR_POPULARITY = "PopularityScore"
# A set's identity and state (not lineup aliases): see Performance.
ATTR_GUID = "Guid"
ATTR_SET_ID = "SetId"
ATTR_SEQUENCE = "Sequence"
ATTR_CANCELLED = "Cancelled"
# The festival and time zone of the upload that wrote a set (absent when that file named none).
ATTR_FESTIVAL = "Festival"
ATTR_TIMEZONE = "TimeZone"
# The merge upload that last wrote (or listed) a set: a core.upload_order Mark token.
ATTR_UPLOAD = "Upload"


def sort_key(day: str, start: str) -> str:
    """The sort key of a set: `2026-07-10#18:00`. The only place it is built."""
    return f"{day}{KEY_SEPARATOR}{start}"


def minutes(hhmm: str) -> int:
    """`18:30` -> 1110. The string is assumed valid (the parser checked it)."""
    return int(hhmm[:2]) * 60 + int(hhmm[3:5])


def absolute_minutes(day: str, hhmm: str) -> int:
    """Minutes from a fixed origin to `day` at `hhmm`: moments on different dates compare."""
    return date.fromisoformat(day).toordinal() * MINUTES_PER_DAY + minutes(hhmm)


def hhmm(total_minutes: int) -> str:
    """1110 -> `18:30`; wraps past midnight."""
    total_minutes %= MINUTES_PER_DAY
    return f"{total_minutes // 60:02d}:{total_minutes % 60:02d}"


@lru_cache(maxsize=4096)  # a festival has few dates, and its small-hours sets ask again and again
def shift_date(day: str, days: int) -> str:
    """`2026-07-10`, -1 -> `2026-07-09`."""
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def festival_day(day: str, start: str, day_starts: str = DEFAULT_DAY_STARTS) -> str:
    """The festival day a set starting on `day` at `start` belongs to: `day` itself, or the
    day before when it starts before `day_starts` (the 01:00 set of the night of the 10th)."""
    return day if start >= day_starts else shift_date(day, -1)


def day_over(day: str, clock: datetime) -> bool:
    """Has festival day `day` passed at `clock` (naive local festival time)?"""
    return clock >= datetime.fromisoformat(f"{shift_date(day, 1)}T{DEFAULT_DAY_STARTS}")


# Where the last day on Earth ends: a festival of unknown zone has passed only once it has there.
_LATEST = timezone(timedelta(hours=-12))


def festival_clock(zone: str | None, now: datetime | None = None) -> datetime:
    """`now` (default: this moment) as naive local time in the festival's zone, for `day_over`.

    Without a zone (or one this machine does not know), the time at UTC-12, so a festival day
    is never taken as passed while it may still run somewhere.
    """
    instant = now if now is not None else datetime.now(UTC)
    tz: tzinfo = _LATEST
    if zone:
        # Imported here, for a festival with a zone: zoneinfo costs every start ~3 ms.
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
            tz = ZoneInfo(zone)
    return instant.astimezone(tz).replace(tzinfo=None)


@dataclass(frozen=True, slots=True, order=False)
class Performance:
    """One set: a performer on a stage from start to end on a date (local festival time)."""

    performer: str
    stage: str
    date: str  # YYYY-MM-DD
    start: str  # HH:MM
    end: str  # HH:MM; earlier than start means the set ends after midnight, on the next day
    popularity: int | None = field(default=None)
    # What apps track a set by (issue 15): assigned when the set is first stored and kept by
    # every revision that changes or moves it. Not part of equality: two sets are equal when
    # what a lineup says about them is. `sequence` counts the set's changes; a `cancelled` set
    # is the tombstone a revision leaves of a removed set until its festival day has passed.
    guid: str | None = field(default=None, compare=False)
    set_id: int | None = field(default=None, compare=False)
    sequence: int = field(default=0, compare=False)
    cancelled: bool = field(default=False, compare=False)
    # The festival name and time zone of the file that wrote the set (issue 13): a store holds
    # sets of several festivals, each exported in its own zone. Not part of equality either;
    # the diff compares them apart (`origin`), so a file that renames them revises its sets.
    festival: str | None = field(default=None, compare=False)
    timezone: str | None = field(default=None, compare=False)
    # The merge upload that last wrote or listed the set (a core.upload_order `Mark` token),
    # so that an older upload processed later leaves it alone; None when a replacing upload
    # wrote it (its date's mark says which). Bookkeeping, not part of equality.
    upload: str | None = field(default=None, compare=False)

    # -- identity -------------------------------------------------------------------------
    @property
    def sort_key(self) -> str:
        return sort_key(self.date, self.start)

    @property
    def key(self) -> tuple[str, str]:
        """The primary key: (performer, `date#start`). Two sets with one key are the same set."""
        return (self.performer, sort_key(self.date, self.start))

    @property
    def origin(self) -> tuple[str | None, str | None]:
        """(festival, time zone) of the file that wrote the set."""
        return (self.festival, self.timezone)

    # -- time -----------------------------------------------------------------------------
    @property
    def festival_day(self) -> str:
        """The festival day (06:00 to 06:00) the set belongs to."""
        return festival_day(self.date, self.start)

    @property
    def crosses_midnight(self) -> bool:
        return self.end < self.start

    @property
    def duration_minutes(self) -> int:
        return (minutes(self.end) - minutes(self.start)) % MINUTES_PER_DAY

    @property
    def end_date(self) -> str:
        return shift_date(self.date, 1) if self.crosses_midnight else self.date

    @property
    def starts_at(self) -> datetime:
        return datetime.fromisoformat(f"{self.date}T{self.start}")

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    def chronological(self) -> tuple[str, str, str, str]:
        """Sort order of every listing: date, start, stage, performer."""
        return (self.date, self.start, self.stage, self.performer)

    def to_record(self) -> dict[str, object]:
        """The lineup-format-1 object (and the JSON output row) of this set."""
        return {
            "performer": self.performer,
            "stage": self.stage,
            "date": self.date,
            "start": self.start,
            "end": self.end,
            "popularity": self.popularity,
        }


# -- building many sets fast ---------------------------------------------------------------------
# What it buys: a frozen dataclass's generated __init__ sets each field with object.__setattr__
# (frozen: its own __setattr__ refuses), 13 calls a set, ~1.6 us; `new_performance` fills the
# same slots with plain assignments and then makes the object a Performance: ~0.4 us. Validating
# 100,000 records, and reading them back, builds one per record (measured, CPU, best of 5:
# 159 -> 39 ms per 100,000 sets).
# Its rule: only where many sets are built from values that are already valid (the validator's
# accepted records, a store's rows, a merge's stamped and backfilled sets), always with all
# thirteen fields in order. The result is a Performance like any other (same class, equality,
# hash, immutability), as a test checks; a class may take another's `__class__` only when they
# have the same slots, which these do.


class _Unfrozen:
    """Performance's slots, settable: filled, then turned into a Performance (see above)."""

    __slots__ = Performance.__slots__

    def __init__(self, performer: str, stage: str, date: str, start: str, end: str,
                 popularity: int | None, guid: str | None, set_id: int | None, sequence: int,
                 cancelled: bool, festival: str | None, timezone: str | None,
                 upload: str | None) -> None:
        self.performer = performer
        self.stage = stage
        self.date = date
        self.start = start
        self.end = end
        self.popularity = popularity
        self.guid = guid
        self.set_id = set_id
        self.sequence = sequence
        self.cancelled = cancelled
        self.festival = festival
        self.timezone = timezone
        self.upload = upload
        self.__class__ = Performance  # type: ignore[assignment]


# new_performance(performer, stage, date, start, end, popularity, guid, set_id, sequence,
# cancelled, festival, timezone, upload): a Performance, every field given, in field order.
new_performance: Callable[[str, str, str, str, str, int | None, str | None, int | None, int,
                           bool, str | None, str | None, str | None], Performance]
new_performance = _Unfrozen  # type: ignore[assignment]


def origin_change(before: Performance, after: Performance) -> str:
    """`time zone Europe/London → America/New_York` (and/or the festival): what of a set's
    origin an update changes, or "" when nothing does."""
    parts = []
    if before.festival != after.festival:
        parts.append(f"festival {before.festival or '(none)'} → {after.festival or '(none)'}")
    if before.timezone != after.timezone:
        parts.append(f"time zone {before.timezone or '(none)'} → {after.timezone or '(none)'}")
    return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Lineup:
    """A validated lineup file: its performances and what it says about itself."""

    performances: tuple[Performance, ...]
    festival: str | None = None
    timezone: str | None = None
    # Not the whole lineup of its dates (a partial export): uploading it merges (`"merge":
    # true` in the file), adding and updating its sets and removing none of the others.
    merge: bool = False

    @property
    def dates(self) -> list[str]:
        return sorted({p.date for p in self.performances})

    def origins(self) -> list[tuple[str | None, str | None]]:
        """The distinct (festival, time zone) of its sets, in order (None first)."""
        return sorted({p.origin for p in self.performances},
                      key=lambda o: (o[0] or "", o[0] is not None, o[1] or ""))

    @classmethod
    def named_by_origin(cls, performances: tuple[Performance, ...], *,
                        merge: bool = False) -> Lineup:
        """A lineup of stored sets, named with the festival and time zone they all share
        (their one `origins()`), else with none."""
        origins = cls(performances).origins()
        festival, timezone = origins[0] if len(origins) == 1 else (None, None)
        return cls(performances, festival=festival, timezone=timezone, merge=merge)

    def to_document(self) -> dict[str, object]:
        """Lineup format 1, re-importable as it is."""
        doc: dict[str, object] = {}
        if self.festival is not None:
            doc["festival"] = self.festival
        if self.timezone is not None:
            doc["timezone"] = self.timezone
        if self.merge:
            doc["merge"] = True
        doc["performances"] = [
            p.to_record() for p in sorted(self.performances, key=Performance.chronological)
        ]
        return doc

    def file_document(self) -> dict[str, object]:
        """`to_document()` of a lineup file that must re-import as it is (`festival export`):
        `ExportError` when it would hold no set, or sets of several festivals or time zones
        (format 1 holds one of each, and stamps every set with them)."""
        from festival_cli.core.errors import ExportError

        if not self.performances:
            raise ExportError("no performances match: nothing to export (a lineup file holds "
                              "at least one set)")
        origins = self.origins()
        if len(origins) > 1:
            counts = Counter(p.origin for p in self.performances)
            listed = "; ".join(
                f"{festival or '(no festival)'}, {zone or '(no time zone)'}: "
                f"{counts[(festival, zone)]} set{'s' if counts[(festival, zone)] != 1 else ''}"
                for festival, zone in origins)
            raise ExportError(
                f"the selected sets come from {len(origins)} festivals or time zones ({listed}), "
                "and a lineup file holds one of each: select the sets of one (by date, stage "
                "or performer), or export them as iCalendar (each set in its own zone) or CSV")
        return self.to_document()
