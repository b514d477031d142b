"""The festival day as a grid: which sets play where and when, laid out for a renderer to draw.

A festival day D runs from D at `day_starts` (06:00 by default) to the same time on D+1, so a
club's 01:00 set belongs to the night before it, after the evening's sets. Its sets are the
stored sets of D and D+1 that start inside that window (two `Date-Time` reads, no scan).

The layout is rows of `step` minutes counted from `day_starts`, trimmed to the sets of the day
(first start to last end); a set that runs past the end of the day extends the grid. A set
covers the rows from its start to its end, each rounded to the nearest row boundary (at least
one row), so back-to-back sets never share a row. Sets that overlap on one stage (a warning at
validation, but possible) get extra lanes: columns of their own next to the stage's first one.

Stages are in the order given (`stages`), otherwise alphabetical (case-insensitive), so a stage
keeps its place on every day of the festival.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from festival_cli.core.errors import OptionError
from festival_cli.core.model import (
    DEFAULT_DAY_STARTS,
    LAST_DATE,
    Performance,
    absolute_minutes,
    festival_day,
    hhmm,
    minutes,
    shift_date,
)
from festival_cli.core.query import Query, check_time
from festival_cli.core.store import Store

log = logging.getLogger(__name__)

DEFAULT_STEP = 15
MIN_STEP = 5
MAX_STEP = 120

@dataclass(frozen=True, slots=True)
class Column:
    """One column of the grid: a stage, or an extra lane of it when its sets overlap."""

    stage: str
    lane: int = 0

    @property
    def label(self) -> str:
        return self.stage if self.lane == 0 else f"{self.stage} #{self.lane + 1}"


@dataclass(frozen=True, slots=True)
class Block:
    """A set drawn in one column from `first_row` up to (not including) `end_row`."""

    performance: Performance
    column: int
    first_row: int
    end_row: int
    highlighted: bool = False

    @property
    def rows(self) -> int:
        return self.end_row - self.first_row


@dataclass(frozen=True, slots=True)
class Clash:
    """Two highlighted sets that overlap in time: you cannot see both whole."""

    first: Performance
    second: Performance
    overlap_minutes: int


@dataclass(frozen=True)
class Timetable:
    """A festival day laid out as rows of `step` minutes and columns of stages."""

    date: str
    day_starts: str
    step: int
    first_offset: int  # minutes from the start of the festival day to the top of row 0
    row_count: int
    columns: tuple[Column, ...]
    blocks: tuple[Block, ...]
    clashes: tuple[Clash, ...] = ()
    highlights_not_found: tuple[str, ...] = ()
    stages_not_found: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.blocks

    def row_offset(self, row: int) -> int:
        """Minutes from the start of the festival day to the top of `row`."""
        return self.first_offset + row * self.step

    def row_time(self, row: int) -> str:
        """The clock time at the top of `row` (wraps past midnight)."""
        return hhmm(minutes(self.day_starts) + self.row_offset(row))

    def column_blocks(self, column: int) -> list[Block]:
        """The blocks of one column, top to bottom."""
        return sorted((b for b in self.blocks if b.column == column), key=lambda b: b.first_row)


def check_step(step: int) -> int:
    """`step` if it is a sensible row height in minutes, else an `OptionError` on `step`."""
    if not MIN_STEP <= step <= MAX_STEP:
        raise OptionError("{step}: {value} is not between {low} and {high} minutes", "step",
                          value=step, low=MIN_STEP, high=MAX_STEP)
    return step


def day_offset(p: Performance, day: str, day_starts: str) -> int:
    """Minutes from the start of festival day `day` to the start of set `p` (may be negative)."""
    return absolute_minutes(p.date, p.start) - absolute_minutes(day, day_starts)


def in_festival_day(p: Performance, day: str, day_starts: str) -> bool:
    """Does set `p` start within festival day `day` (`day_starts` to the same time next day)?"""
    return festival_day(p.date, p.start, day_starts) == day


def festival_day_sets(
    store: Store, day: str, day_starts: str = DEFAULT_DAY_STARTS, stages: Sequence[str] = ()
) -> list[Performance]:
    """The stored sets that start within festival day `day`, in chronological order.

    Reads date `day` and, unless the day starts at midnight, date `day`+1 (whose sets before
    `day_starts` belong to the night of `day`). With `stages`, reads only those stages over
    the day's window instead (the `Stage-Date-Start` index), which is less on a big festival.
    """
    check_time("day_starts", day_starts)
    if stages:
        window = (f"{day}T{day_starts}", f"{shift_date(day, 1)}T{day_starts}")
        queries = [Query(stage=s, start=window[0], end=window[1]) for s in dict.fromkeys(stages)]
    else:
        queries = [Query(date=day)]  # Query.check() refuses a date that is not one
        if minutes(day_starts) > 0 and day < LAST_DATE:  # no set is dated after LAST_DATE
            queries.append(Query(date=shift_date(day, 1)))
    sets = [p for q in queries for p in store.query(q)]
    return sorted((p for p in sets if in_festival_day(p, day, day_starts)),
                  key=Performance.chronological)


def build_timetable(
    performances: Iterable[Performance],
    day: str,
    *,
    day_starts: str = DEFAULT_DAY_STARTS,
    step: int = DEFAULT_STEP,
    stages: Sequence[str] = (),
    highlight: Sequence[str] = (),
) -> Timetable:
    """Lay out the sets of festival day `day` (those outside it are left out) as a grid.

    `stages`: show only these, in this order. `highlight`: performers (case-insensitive) to mark;
    overlaps between their sets are the timetable's clashes.
    """
    Query(date=day).check()  # an `OptionError` for a date that is not one
    check_time("day_starts", day_starts)
    check_step(step)
    sets = [p for p in performances if in_festival_day(p, day, day_starts)]
    wanted = list(dict.fromkeys(stages))
    if wanted:
        sets = [p for p in sets if p.stage in wanted]
    present = {p.stage for p in sets}
    order = (
        [s for s in wanted if s in present]
        if wanted
        else sorted(present, key=lambda s: (s.casefold(), s))
    )
    marked = {h.casefold() for h in highlight}
    highlighted = [p for p in sets if p.performer.casefold() in marked]
    highlighted_keys = {p.key for p in highlighted}
    found = {p.performer.casefold() for p in highlighted}

    spans = {p.key: _row_span(p, day, day_starts, step) for p in sets}
    top = min((first for first, _ in spans.values()), default=0)
    bottom = max((end for _, end in spans.values()), default=0)

    columns: list[Column] = []
    blocks: list[Block] = []
    for stage in order:
        lanes: list[int] = []  # the end row of the last block in each lane of this stage
        stage_sets = sorted((p for p in sets if p.stage == stage),
                            key=lambda p: (spans[p.key], p.performer))
        for p in stage_sets:
            first, end = spans[p.key]
            lane = next((i for i, last in enumerate(lanes) if last <= first), len(lanes))
            if lane == len(lanes):
                lanes.append(end)
                columns.append(Column(stage, lane))
            lanes[lane] = end
            column = len(columns) - len(lanes) + lane
            blocks.append(Block(p, column, first - top, end - top, p.key in highlighted_keys))
        if len(lanes) > 1:
            log.info("sets overlap on stage %s: drawn in %d lanes", stage, len(lanes))

    return Timetable(
        date=day,
        day_starts=day_starts,
        step=step,
        first_offset=top * step,
        row_count=bottom - top,
        columns=tuple(columns),
        blocks=tuple(blocks),
        clashes=tuple(find_clashes(highlighted)),
        highlights_not_found=tuple(h for h in dict.fromkeys(highlight)
                                   if h.casefold() not in found),
        stages_not_found=tuple(s for s in wanted if s not in present),
    )


def find_clashes(performances: Iterable[Performance]) -> list[Clash]:
    """Every pair of sets that overlap in time, earliest first."""
    ordered = sorted(performances, key=lambda p: (p.starts_at, p.stage, p.performer))
    clashes = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.starts_at >= a.ends_at:
                break  # sorted by start: no later set can overlap a
            overlap = min(a.ends_at, b.ends_at) - b.starts_at
            clashes.append(Clash(a, b, int(overlap.total_seconds()) // 60))
    return clashes


def _row_span(p: Performance, day: str, day_starts: str, step: int) -> tuple[int, int]:
    """(first row, end row) of a set, each boundary rounded to the nearest row; at least one row."""
    start = day_offset(p, day, day_starts)
    first = _nearest_row(start, step)
    end = _nearest_row(start + p.duration_minutes, step)
    return first, max(end, first + 1)


def _nearest_row(offset: int, step: int) -> int:
    """The row boundary nearest to `offset` minutes (half-way rounds down the page)."""
    return (2 * offset + step) // (2 * step)


def load_timetable(
    store: Store,
    day: str,
    *,
    day_starts: str = DEFAULT_DAY_STARTS,
    step: int = DEFAULT_STEP,
    stages: Sequence[str] = (),
    highlight: Sequence[str] = (),
) -> Timetable:
    """The timetable of festival day `day` from what `store` holds (see `build_timetable`)."""
    check_step(step)  # before reading the store: a bad option costs no read
    Query(date=day).check()
    sets = festival_day_sets(store, day, day_starts, stages)
    return build_timetable(sets, day, day_starts=day_starts, step=step, stages=stages,
                           highlight=highlight)
