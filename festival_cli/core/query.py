"""Query semantics, shared by every store so that their answers cannot drift.

A `Query` is what the user asked. `Query.reads()` turns it into the key-range reads a store must
make (each one a Query on the table or one index: never a scan); the store returns candidates and
`Query.answer()` keeps the ones that match and puts them in order.

- A time range matches every set playing at some moment inside it: `start < to` and `end > from`.
- `--at T` matches the sets playing at T (`start <= T < end`), including a set that began the
  evening before and is still on.
- Results are chronological (date, start, stage, performer); the popularity query is most
  popular first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from festival_cli.core.errors import UsageError
from festival_cli.core.model import (
    FIRST_DATE,
    LAST_DATE,
    Performance,
    absolute_minutes,
    shift_date,
    sort_key,
)
from festival_cli.core.schema import DATE_POPULARITY, DATE_TIME, STAGE_DATE_START, TABLE, IndexSpec
from festival_cli.core.text import normal_name

# The longest set a store may hold is just under a day (end == start is an error), so a set
# playing at a moment started at most one day before it: reads reach back one day, no further.
_LOOKBACK_DAYS = 1

_END = shift_date(LAST_DATE, 1)  # the latest end of a time range: the night of LAST_DATE ends
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # used with fullmatch: no trailing newline
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


@dataclass(frozen=True, slots=True)
class KeyRead:
    """One Query on the table or an index: a partition, optionally a sort-key range (inclusive)."""

    index: IndexSpec
    partition: str
    low: str | int | None = None
    high: str | int | None = None


@dataclass(frozen=True, slots=True)
class Query:
    """What the user asked: one of the five selectors of DESIGN.md."""

    performer: str | None = None
    stage: str | None = None
    date: str | None = None
    at: str | None = None
    start: str | None = None  # --from, `YYYY-MM-DDTHH:MM`
    end: str | None = None  # --to, `YYYY-MM-DDTHH:MM`
    min_popularity: int | None = None

    def __post_init__(self) -> None:
        # A name asked for is spelled as names are stored (core.text): NFC, trimmed.
        for name in ("performer", "stage"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, normal_name(value))

    # -- checking -------------------------------------------------------------------------
    def check(self) -> Query:
        """Raise `UsageError` unless this is one of the supported selector combinations."""
        if self.date is not None and not _is_date(self.date):
            raise UsageError(f"--date: '{self.date}' is not a date (YYYY-MM-DD)")
        if self.at is not None:
            check_time("--at", self.at)
        for name, value in (("--from", self.start), ("--to", self.end)):
            if value is not None and not _is_datetime(value):
                raise UsageError(f"{name}: '{value}' is not a date and time (YYYY-MM-DDTHH:MM)")
        # Within the dates a lineup may hold; a range (its end excluded) may end the day after.
        for name, value, last in (("--date", self.date, LAST_DATE),
                                  ("--from", self.start, LAST_DATE), ("--to", self.end, _END)):
            if value is not None and not FIRST_DATE <= value[:10] <= last:
                raise UsageError(f"{name}: {value[:10]} is outside the dates festival handles "
                                 f"({FIRST_DATE} to {LAST_DATE})")
        if self.min_popularity is not None and not 0 <= self.min_popularity <= 100:
            raise UsageError(f"--min-popularity: {self.min_popularity} is not between 0 and 100")
        if self.start is not None and self.end is not None and self.start >= self.end:
            raise UsageError(f"--from {self.start} is not before --to {self.end}")

        has_range = self.start is not None or self.end is not None
        if self.at is not None and self.date is None:
            raise UsageError("--at needs --date (e.g. --date 2026-07-10 --at 21:30)")
        if self.min_popularity is not None and self.date is None:
            raise UsageError("--min-popularity needs --date (e.g. --date 2026-07-10)")
        if self.at is not None and self.min_popularity is not None:
            raise UsageError("--at and --min-popularity cannot be combined")
        if has_range and (self.start is None or self.end is None):
            raise UsageError("a time range needs both --from and --to")
        if has_range and (self.at is not None or self.min_popularity is not None):
            raise UsageError("--from/--to cannot be combined with --at or --min-popularity")
        if self.performer is not None and (self.stage is not None or has_range):
            raise UsageError("--performer can be combined only with --date")
        if self.performer is not None and (self.at is not None or self.min_popularity is not None):
            raise UsageError("--performer can be combined only with --date")
        if self.stage is not None and self.date is None and not has_range:
            raise UsageError(
                "--stage needs a time range (--from and --to) or a --date, "
                "e.g. --stage Main --from 2026-07-10T18:00 --to 2026-07-10T23:00"
            )
        if self.stage is not None and (self.at is not None or self.min_popularity is not None):
            raise UsageError("--stage can be combined with --from/--to or --date only")
        if has_range and self.date is not None:
            raise UsageError("give either --date or --from/--to, not both")
        if self.performer is None and self.stage is None and self.date is None and not has_range:
            raise UsageError(
                "say what to look for: --performer, --stage with --from/--to, or --date"
            )
        return self

    @property
    def by_popularity(self) -> bool:
        return self.min_popularity is not None

    # -- planning the reads ---------------------------------------------------------------
    def reads(self) -> list[KeyRead]:
        """The key-range reads that find every candidate (a superset of the answer)."""
        self.check()
        if self.performer is not None:
            if self.date is not None:
                # A performer's sets of one date: the table's sort key starts with the date.
                return [
                    KeyRead(TABLE, self.performer, sort_key(self.date, "00:00"),
                            sort_key(self.date, "23:59"))
                ]
            return [KeyRead(TABLE, self.performer)]
        if self.stage is not None:
            low, high = self._window()
            # Sets that started up to a day before the window may still be playing inside it.
            back = shift_date(low[:10], -_LOOKBACK_DAYS)
            return [
                KeyRead(STAGE_DATE_START, self.stage, sort_key(back, low[11:]),
                        sort_key(high[:10], high[11:]))
            ]
        assert self.date is not None
        if self.min_popularity is not None:
            return [KeyRead(DATE_POPULARITY, self.date, self.min_popularity, 100)]
        if self.at is not None:
            # Sets of the date that began by T, and the evening before's sets (some still on).
            return [
                KeyRead(DATE_TIME, self.date, "00:00", self.at),
                KeyRead(DATE_TIME, shift_date(self.date, -_LOOKBACK_DAYS)),
            ]
        return [KeyRead(DATE_TIME, self.date)]

    def _window(self) -> tuple[str, str]:
        """The time window as `YYYY-MM-DDTHH:MM` strings: --from/--to, or the whole --date."""
        if self.start is not None and self.end is not None:
            return self.start, self.end
        assert self.date is not None
        return f"{self.date}T00:00", f"{shift_date(self.date, 1)}T00:00"

    # -- matching and ordering ------------------------------------------------------------
    def matches(self, p: Performance) -> bool:
        if self.performer is not None:
            return p.performer == self.performer and (self.date is None or p.date == self.date)
        if self.stage is not None:
            low, high = self._window()
            return p.stage == self.stage and _playing_within(p, low, high)
        if self.min_popularity is not None:
            return (
                p.date == self.date
                and p.popularity is not None
                and p.popularity >= self.min_popularity
            )
        if self.at is not None:
            assert self.date is not None
            return playing_at(p, self.date, self.at)
        return p.date == self.date

    def answer(self, candidates: Iterable[Performance]) -> list[Performance]:
        """The matching candidates, once each, in the contract's order."""
        unique = {p.key: p for p in candidates if self.matches(p)}
        rows = sorted(unique.values(), key=Performance.chronological)
        if self.by_popularity:
            # Stable sort: equal popularity stays chronological.
            rows.sort(key=lambda p: -(p.popularity or 0))
        return rows


def check_time(option: str, value: str) -> str:
    """`value` if it is a time `HH:MM`, else a `UsageError` naming `option`."""
    if not _TIME.fullmatch(value):
        raise UsageError(f"{option}: '{value}' is not a time (HH:MM)")
    return value


def playing_at(p: Performance, day: str, at: str) -> bool:
    """Is the set on at `day` `at` (start <= T < end), counting sets that began the day before?"""
    moment = absolute_minutes(day, at)
    begin = absolute_minutes(p.date, p.start)
    return begin <= moment < begin + p.duration_minutes


def _playing_within(p: Performance, low: str, high: str) -> bool:
    """start < to and end > from, on absolute times."""
    begin = absolute_minutes(p.date, p.start)
    finish = begin + p.duration_minutes
    return begin < absolute_minutes(high[:10], high[11:]) and finish > absolute_minutes(
        low[:10], low[11:]
    )


def _is_date(value: str) -> bool:
    if not _DATE.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_datetime(value: str) -> bool:
    return (
        len(value) == 16 and value[10] == "T" and _is_date(value[:10]) and bool(
            _TIME.fullmatch(value[11:]))
    )
