"""The timetable layout (core): the festival day window, rows, stage order, lanes and clashes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from festival_cli.core.errors import OptionError, UsageError
from festival_cli.core.ingest import ingest
from festival_cli.core.model import Performance
from festival_cli.core.timetable import (
    Block,
    Column,
    Timetable,
    build_timetable,
    festival_day_sets,
    find_clashes,
    in_festival_day,
    load_timetable,
)
from festival_cli.stores.sqlite import SqliteStore
from tests.factories import perf

DAY_FILE = Path(__file__).parent / "golden" / "timetable_day.json"
DAY = "2026-07-10"


def day_sets() -> list[Performance]:
    """The fixture lineup (tests/golden/timetable_day.json) as performances."""
    return [Performance(**r) for r in json.loads(DAY_FILE.read_text())["performances"]]


def block_of(timetable: Timetable, performer: str) -> Block:
    return next(b for b in timetable.blocks if b.performance.performer == performer)


# -- the festival day window ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("date", "start", "day_starts", "inside"),
    [
        ("2026-07-10", "06:00", "06:00", True),  # the first minute of the day
        ("2026-07-10", "05:59", "06:00", False),  # the night before
        ("2026-07-10", "23:59", "06:00", True),
        ("2026-07-11", "00:00", "06:00", True),  # after midnight: still this night
        ("2026-07-11", "05:59", "06:00", True),
        ("2026-07-11", "06:00", "06:00", False),  # the next festival day
        ("2026-07-10", "00:00", "00:00", True),
        ("2026-07-11", "00:00", "00:00", False),
        ("2026-07-09", "23:00", "06:00", False),
    ],
)
def test_a_set_belongs_to_the_festival_day_it_starts_in(date: str, start: str, day_starts: str,
                                                        inside: bool) -> None:
    assert in_festival_day(perf(date=date, start=start, end="23:59"), DAY, day_starts) is inside


def test_festival_day_sets_reads_the_date_and_the_night_after_it(
        sqlite_store: SqliteStore) -> None:
    ingest(sqlite_store, DAY_FILE.read_bytes(), DAY_FILE.name)

    found = [p.performer for p in festival_day_sets(sqlite_store, DAY, "06:00")]

    assert found == ["Moss & Lichen", "Aurora Fields", "Kōri", "Neon Tide",
                     "Velvet Static and the Long Goodbye", "The Midnight Parade",
                     "Night Owls Collective", "Dawn Patrol"]


def test_a_day_starting_at_midnight_reads_only_its_date(sqlite_store: SqliteStore) -> None:
    ingest(sqlite_store, DAY_FILE.read_bytes(), DAY_FILE.name)

    found = {p.performer for p in festival_day_sets(sqlite_store, DAY, "00:00")}

    assert "Early Bird" in found
    assert "Dawn Patrol" not in found


@pytest.mark.parametrize("day_starts", ["06:00", "00:00", "18:00"])
def test_reading_only_some_stages_finds_what_reading_the_dates_finds(
        sqlite_store: SqliteStore, day_starts: str) -> None:
    ingest(sqlite_store, DAY_FILE.read_bytes(), DAY_FILE.name)

    by_stage = festival_day_sets(sqlite_store, DAY, day_starts, stages=["Club", "Main"])

    everything = festival_day_sets(sqlite_store, DAY, day_starts)
    assert by_stage == [p for p in everything if p.stage in {"Club", "Main"}]
    assert by_stage


def test_load_timetable_lays_out_what_the_store_holds(sqlite_store: SqliteStore) -> None:
    ingest(sqlite_store, DAY_FILE.read_bytes(), DAY_FILE.name)

    timetable = load_timetable(sqlite_store, DAY)

    assert len(timetable.blocks) == 8


# -- rows -------------------------------------------------------------------------------------
def test_rows_run_from_the_first_start_to_the_last_end() -> None:
    timetable = build_timetable(day_sets(), DAY)

    assert timetable.row_time(0) == "17:00"
    assert timetable.row_time(timetable.row_count) == "04:00"  # Dawn Patrol ends


def test_sets_after_midnight_come_after_the_evening() -> None:
    timetable = build_timetable(day_sets(), DAY)

    night = block_of(timetable, "Night Owls Collective")
    dawn = block_of(timetable, "Dawn Patrol")
    assert block_of(timetable, "The Midnight Parade").first_row < night.first_row
    assert dawn.first_row == night.end_row  # 01:30: right after Night Owls, same column


def test_a_set_past_the_end_of_the_day_extends_the_grid() -> None:
    late = perf(date="2026-07-11", start="05:00", end="08:00")

    timetable = build_timetable([late], DAY)

    assert timetable.row_count == 12  # 05:00 to 08:00 in 15-minute rows
    assert timetable.row_time(timetable.row_count) == "08:00"


def test_sets_of_other_festival_days_are_left_out() -> None:
    timetable = build_timetable(day_sets(), DAY)

    shown = {b.performance.performer for b in timetable.blocks}
    assert "Early Bird" not in shown  # 03:00 on the 10th: the night of the 9th
    assert "Saturday Brunch Band" not in shown


@pytest.mark.parametrize(
    ("start", "end", "rows"),
    [
        ("18:00", "19:15", (0, 5)),
        ("18:05", "19:10", (0, 5)),  # boundaries round to the nearest row
        ("18:08", "19:07", (1, 4)),  # half-way and beyond rounds down the page
        ("18:00", "18:05", (0, 1)),  # a short set still gets a row
    ],
)
def test_a_set_covers_the_rows_nearest_its_start_and_end(start: str, end: str,
                                                         rows: tuple[int, int]) -> None:
    anchor = perf("Anchor", start="18:00", end="18:05", stage="Other")

    timetable = build_timetable([anchor, perf(start=start, end=end)], DAY)

    block = block_of(timetable, "Aurora Fields")
    assert (block.first_row, block.end_row) == rows


def test_back_to_back_sets_off_the_step_never_share_a_row() -> None:
    sets = [perf("First", start="18:00", end="19:10"), perf("Second", start="19:10", end="20:00")]

    timetable = build_timetable(sets, DAY)

    assert block_of(timetable, "First").end_row == block_of(timetable, "Second").first_row
    assert len(timetable.columns) == 1


def test_the_step_sets_the_row_height() -> None:
    timetable = build_timetable([perf(start="18:00", end="19:00")], DAY, step=30)

    assert timetable.row_count == 2


# -- columns ----------------------------------------------------------------------------------
def test_stages_are_alphabetical_ignoring_case_by_default() -> None:
    sets = [perf("A", stage="tent"), perf("B", stage="Main"), perf("C", stage="Arena")]

    timetable = build_timetable(sets, DAY)

    assert [c.stage for c in timetable.columns] == ["Arena", "Main", "tent"]


def test_stages_given_are_shown_in_the_order_given() -> None:
    timetable = build_timetable(day_sets(), DAY, stages=["Main", "Club", "Nowhere"])

    assert [c.stage for c in timetable.columns] == ["Main", "Club"]
    assert timetable.stages_not_found == ("Nowhere",)
    assert {b.performance.stage for b in timetable.blocks} == {"Main", "Club"}


def test_overlapping_sets_on_one_stage_get_a_lane_each() -> None:
    sets = [perf("A", start="18:00", end="20:00"), perf("B", start="19:00", end="21:00"),
            perf("C", start="20:00", end="21:00")]

    timetable = build_timetable(sets, DAY)

    assert timetable.columns == (Column("Main", 0), Column("Main", 1))
    assert [block_of(timetable, n).column for n in "ABC"] == [0, 1, 0]
    assert timetable.columns[1].label == "Main #2"


# -- highlights and clashes -------------------------------------------------------------------
def test_highlight_matches_performers_ignoring_case() -> None:
    timetable = build_timetable(day_sets(), DAY, highlight=["aurora FIELDS", "Nobody"])

    assert [b.performance.performer for b in timetable.blocks if b.highlighted] == [
        "Aurora Fields"]
    assert timetable.highlights_not_found == ("Nobody",)


def test_overlapping_highlighted_sets_clash() -> None:
    timetable = build_timetable(day_sets(), DAY,
                                highlight=["Aurora Fields", "Kōri", "Neon Tide"])

    described = [(c.first.performer, c.second.performer, c.overlap_minutes)
                 for c in timetable.clashes]
    # Aurora 18:00-19:15 / Kōri 18:15-19:30: 60 min; Kōri / Neon Tide 19:30: touching, no clash
    assert described == [("Aurora Fields", "Kōri", 60)]


def test_sets_that_are_not_highlighted_never_clash() -> None:
    timetable = build_timetable(day_sets(), DAY, highlight=["Aurora Fields"])

    assert timetable.clashes == ()


def test_a_clash_across_midnight_is_found() -> None:
    sets = [perf("Late", start="23:00", end="02:00"),
            perf("Later", stage="Club", date="2026-07-11", start="01:00", end="03:00")]

    clashes = find_clashes(sets)

    assert [(c.first.performer, c.second.performer, c.overlap_minutes) for c in clashes] == [
        ("Late", "Later", 60)]


# -- bad options ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"step": 4}, "step: 4 is not between 5 and 120 minutes"),
        ({"step": 121}, "step: 121 is not between 5 and 120 minutes"),
        ({"day_starts": "6:00"}, "day_starts: '6:00' is not a time (HH:MM)"),
        ({"day_starts": "24:00"}, "day_starts: '24:00' is not a time (HH:MM)"),
    ],
)
def test_bad_options_are_usage_errors_naming_the_field(options: dict[str, object],
                                                       message: str) -> None:
    # The CLI spells the field as its option (tests/test_cli_timetable.py).
    with pytest.raises(OptionError) as raised:
        build_timetable(day_sets(), DAY, **options)  # type: ignore[arg-type]

    assert str(raised.value) == message


def test_a_bad_date_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"^date: '2026-02-30' is not a date"):
        build_timetable([], "2026-02-30")
