"""Query semantics, shared by every store so that their answers cannot drift.

A `Query` is what the user asked: some of its fields set. Each way of asking is one `Selector`
(the table `SELECTORS`): the field combinations it accepts, the key-range reads that find its
candidates (each one a Query on the table or one index: never a scan) and which candidates
match. `Query.check()` finds the selector, `Query.reads()` plans the reads, the store returns
candidates and `Query.answer()` keeps the ones that match and puts them in order. Adding a
selector is adding one `Selector` to the table.

- A time range matches every set playing at some moment inside it: `start < end` and the set's
  end after `start`.
- `at` T matches the sets playing at T (`start <= T < end`), including a set that began the
  evening before and is still on.
- Results are chronological (date, start, stage, performer); the popularity selector's are most
  popular first.

Errors name the fields (`date`, `min_popularity`, `start`...), never a command's flags: they are
`OptionError`s, which the CLI spells with its options.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TypeVar

from festival_cli.core.errors import OptionError
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
    """What the user asked: the fields of one of the `SELECTORS`."""

    performer: str | None = None
    stage: str | None = None
    date: str | None = None
    at: str | None = None
    start: str | None = None  # `YYYY-MM-DDTHH:MM`, the start of a time range
    end: str | None = None  # `YYYY-MM-DDTHH:MM`, its end
    min_popularity: int | None = None

    def __post_init__(self) -> None:
        # A name asked for is spelled as names are stored (core.text): NFC, trimmed.
        for name in ("performer", "stage"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, normal_name(value))

    @property
    def given(self) -> frozenset[str]:
        """The names of the fields that are set."""
        return frozenset(f.name for f in fields(self) if getattr(self, f.name) is not None)

    @property
    def whole_date(self) -> bool:
        """Selects every set of its date (`--date` alone), not some of them."""
        return self.given == {"date"}

    @property
    def selector(self) -> Selector | None:
        """The selector these fields make, or None when they make none."""
        return _BY_FIELDS.get(self.given)

    def check(self) -> Query:
        """Raise `OptionError` unless each value is well formed and the fields make a selector."""
        _check_values(self)
        if self.selector is None:
            raise _why_not(self.given)
        return self

    def _checked(self) -> Selector:
        selector = self.check().selector
        assert selector is not None  # check() raised otherwise
        return selector

    def reads(self) -> list[KeyRead]:
        """The key-range reads that find every candidate (a superset of the answer)."""
        return self._checked().reads(self)

    def answer(self, candidates: Iterable[Performance]) -> list[Performance]:
        """The matching candidates, once each, in the contract's order."""
        selector = self._checked()
        unique = {p.key: p for p in candidates if selector.matches(self, p)}
        rows = sorted(unique.values(), key=Performance.chronological)
        if selector.most_popular_first:
            # Stable sort: equal popularity stays chronological.
            rows.sort(key=lambda p: -(p.popularity or 0))
        return rows


# -- the selectors ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Selector:
    """One way of asking: the field combinations it accepts (`forms`, the first the usual one),
    the index its reads use, the reads, which candidates match, and the order of the answer."""

    name: str
    forms: tuple[tuple[str, ...], ...]
    index: IndexSpec
    reads: Callable[[Query], list[KeyRead]]
    matches: Callable[[Query, Performance], bool]
    most_popular_first: bool = False


_T = TypeVar("_T")


def _set(value: _T | None) -> _T:
    """A field the selector's forms require (so it is set)."""
    assert value is not None
    return value


def _window(q: Query) -> tuple[str, str]:
    """The time window as `YYYY-MM-DDTHH:MM` strings: start/end, or the whole date."""
    if q.start is not None and q.end is not None:
        return q.start, q.end
    day = _set(q.date)
    return f"{day}T00:00", f"{shift_date(day, 1)}T00:00"


def _performer_reads(q: Query) -> list[KeyRead]:
    if q.date is None:
        return [KeyRead(TABLE, _set(q.performer))]
    # A performer's sets of one date: the table's sort key starts with the date.
    return [KeyRead(TABLE, _set(q.performer), sort_key(q.date, "00:00"),
                    sort_key(q.date, "23:59"))]


def _stage_reads(q: Query) -> list[KeyRead]:
    low, high = _window(q)
    # Sets that started up to a day before the window may still be playing inside it.
    back = shift_date(low[:10], -_LOOKBACK_DAYS)
    return [KeyRead(STAGE_DATE_START, _set(q.stage), sort_key(back, low[11:]),
                    sort_key(high[:10], high[11:]))]


def _at_reads(q: Query) -> list[KeyRead]:
    day = _set(q.date)
    # Sets of the date that began by T, and the evening before's sets (some still on).
    return [KeyRead(DATE_TIME, day, "00:00", _set(q.at)),
            KeyRead(DATE_TIME, shift_date(day, -_LOOKBACK_DAYS))]


PERFORMER = Selector(
    "performer", (("performer",), ("performer", "date")), TABLE, _performer_reads,
    lambda q, p: p.performer == q.performer and (q.date is None or p.date == q.date),
)
STAGE = Selector(
    "stage", (("stage", "start", "end"), ("stage", "date")), STAGE_DATE_START, _stage_reads,
    lambda q, p: p.stage == q.stage and _playing_within(p, *_window(q)),
)
DATE = Selector(
    "date", (("date",),), DATE_TIME,
    lambda q: [KeyRead(DATE_TIME, _set(q.date))],
    lambda q, p: p.date == q.date,
)
AT = Selector(
    "at", (("date", "at"),), DATE_TIME, _at_reads,
    lambda q, p: playing_at(p, _set(q.date), _set(q.at)),
)
POPULARITY = Selector(
    "popularity", (("date", "min_popularity"),), DATE_POPULARITY,
    lambda q: [KeyRead(DATE_POPULARITY, _set(q.date), q.min_popularity, 100)],
    lambda q, p: (p.date == q.date and p.popularity is not None
                  and p.popularity >= _set(q.min_popularity)),
    most_popular_first=True,
)

SELECTORS: tuple[Selector, ...] = (PERFORMER, STAGE, DATE, AT, POPULARITY)
"""Every way of asking; a field combination none of them accepts is refused."""

_BY_FIELDS: dict[frozenset[str], Selector] = {
    frozenset(form): s for s in SELECTORS for form in s.forms
}


# -- checking ---------------------------------------------------------------------------------
def _check_values(q: Query) -> None:
    """Each value well formed, whatever the combination."""
    if q.date is not None and not _is_date(q.date):
        raise OptionError("{date}: '{value}' is not a date (YYYY-MM-DD)", "date", value=q.date)
    if q.at is not None:
        check_time("at", q.at)
    for name, value in (("start", q.start), ("end", q.end)):
        if value is not None and not _is_datetime(value):
            raise OptionError(f"{{{name}}}: '{{value}}' is not a date and time "
                              "(YYYY-MM-DDTHH:MM)", name, value=value)
    # Within the dates a lineup may hold; a range (its end excluded) may end the day after.
    for name, value, last in (("date", q.date, LAST_DATE), ("start", q.start, LAST_DATE),
                              ("end", q.end, _END)):
        if value is not None and not FIRST_DATE <= value[:10] <= last:
            raise OptionError(f"{{{name}}}: {{day}} is outside the dates festival handles "
                              "({first} to {last})", name, day=value[:10], first=FIRST_DATE,
                              last=LAST_DATE)
    if q.min_popularity is not None and not 0 <= q.min_popularity <= 100:
        raise OptionError("{min_popularity}: {value} is not between 0 and 100",
                          "min_popularity", value=q.min_popularity)
    if q.start is not None and q.end is not None and q.start >= q.end:
        raise OptionError("{start} {low} is not before {end} {high}", "start", "end",
                          low=q.start, high=q.end)


# Why a combination of fields is no selector: the first rule whose test holds explains it. They
# run only when no selector accepts the fields, so a new selector needs no change here.
_RANGE = frozenset({"start", "end"})
_REFUSALS: tuple[tuple[Callable[[frozenset[str]], bool], str, tuple[str, ...]], ...] = (
    (lambda g: "at" in g and "date" not in g,
     "{at} needs {date} (e.g. {date} 2026-07-10 {at} 21:30)", ("at", "date")),
    (lambda g: "min_popularity" in g and "date" not in g,
     "{min_popularity} needs {date} (e.g. {date} 2026-07-10)", ("min_popularity", "date")),
    (lambda g: {"at", "min_popularity"} <= g,
     "{at} and {min_popularity} cannot be combined", ("at", "min_popularity")),
    (lambda g: len(g & _RANGE) == 1,
     "a time range needs both {start} and {end}", ("start", "end")),
    (lambda g: bool(g & _RANGE) and bool(g & {"at", "min_popularity"}),
     "{start}/{end} cannot be combined with {at} or {min_popularity}",
     ("start", "end", "at", "min_popularity")),
    (lambda g: "performer" in g and bool(g - {"performer", "date"}),
     "{performer} can be combined only with {date}", ("performer", "date")),
    (lambda g: "stage" in g and "date" not in g and not g & _RANGE,
     "{stage} needs a time range ({start} and {end}) or a {date}, "
     "e.g. {stage} Main {start} 2026-07-10T18:00 {end} 2026-07-10T23:00",
     ("stage", "start", "end", "date")),
    (lambda g: "stage" in g and bool(g & {"at", "min_popularity"}),
     "{stage} can be combined with {start}/{end} or {date} only",
     ("stage", "start", "end", "date")),
    (lambda g: bool(g & _RANGE) and "date" in g,
     "give either {date} or {start}/{end}, not both", ("date", "start", "end")),
    (lambda g: g >= _RANGE and "stage" not in g,
     "a time range is for one stage: add {stage}, "
     "e.g. {stage} Main {start} 2026-07-10T18:00 {end} 2026-07-10T23:00",
     ("stage", "start", "end")),
)


def _why_not(given: frozenset[str]) -> OptionError:
    for test, template, named in _REFUSALS:
        if test(given):
            return OptionError(template, *named)
    return OptionError("say what to look for: {performer}, {stage} with {start}/{end}, or {date}",
                       "performer", "stage", "start", "end", "date")


def check_time(field: str, value: str) -> str:
    """`value` if it is a time `HH:MM`, else an `OptionError` naming `field`."""
    if not _TIME.fullmatch(value):
        raise OptionError(f"{{{field}}}: '{{value}}' is not a time (HH:MM)", field, value=value)
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
