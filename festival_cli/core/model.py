"""The one model of a performance, and the one place its keys are derived.

The parser builds `Performance`s, both stores write and return them, the Lambda handler ingests
them and the renderers draw them. Dates and times stay the validated strings of the file
(`2026-07-10`, `18:00`): they sort chronologically as text, which is what the keys rely on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

KEY_SEPARATOR = "#"
MINUTES_PER_DAY = 24 * 60

# The attribute names of the stored item (DynamoDB table `Performances`, and the lineup aliases).
ATTR_PERFORMER = "Performer"
ATTR_SORT_KEY = "DateStartTime"
ATTR_STAGE = "Stage"
ATTR_DATE = "Date"
ATTR_START = "StartTime"
ATTR_END = "EndTime"
ATTR_POPULARITY = "PopularityScore"


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


def shift_date(day: str, days: int) -> str:
    """`2026-07-10`, -1 -> `2026-07-09`."""
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


@dataclass(frozen=True, slots=True, order=False)
class Performance:
    """One set: a performer on a stage from start to end on a date (local festival time)."""

    performer: str
    stage: str
    date: str  # YYYY-MM-DD
    start: str  # HH:MM
    end: str  # HH:MM; earlier than start means the set ends after midnight, on the next day
    popularity: int | None = field(default=None)

    # -- identity -------------------------------------------------------------------------
    @property
    def sort_key(self) -> str:
        return sort_key(self.date, self.start)

    @property
    def key(self) -> tuple[str, str]:
        """The primary key: (performer, `date#start`). Two sets with one key are the same set."""
        return (self.performer, sort_key(self.date, self.start))

    # -- time -----------------------------------------------------------------------------
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


@dataclass(frozen=True, slots=True)
class Lineup:
    """A validated lineup file: its performances and what it says about itself."""

    performances: tuple[Performance, ...]
    festival: str | None = None
    timezone: str | None = None

    @property
    def dates(self) -> list[str]:
        return sorted({p.date for p in self.performances})

    def to_document(self) -> dict[str, object]:
        """Lineup format 1, re-importable as it is."""
        doc: dict[str, object] = {}
        if self.festival is not None:
            doc["festival"] = self.festival
        if self.timezone is not None:
            doc["timezone"] = self.timezone
        doc["performances"] = [
            p.to_record() for p in sorted(self.performances, key=Performance.chronological)
        ]
        return doc
