"""Contract: every query selector at its edges, served by the store's key-range reads."""

from __future__ import annotations

import pytest

from festival_cli.core.model import Performance
from festival_cli.core.query import Query
from festival_cli.core.store import Store
from tests.factories import lineup, perf


def seed(store: Store, *sets: Performance) -> None:
    # One lineup per date, so that seeding one date never revises another.
    for day in sorted({p.date for p in sets}):
        store.apply_lineup(lineup(*(p for p in sets if p.date == day)))


def names(store: Store, query: Query) -> list[str]:
    return [p.performer for p in store.query(query)]


# -- performer -----------------------------------------------------------------------------


def test_performer_finds_every_set_chronologically(store: Store) -> None:
    seed(store, perf("A", date="2026-07-11", start="12:00", end="13:00"),
         perf("A", date="2026-07-10", start="20:00", end="21:00"),
         perf("B", date="2026-07-10", start="10:00", end="11:00"))
    found = store.query(Query(performer="A"))
    assert [(p.date, p.start) for p in found] == [("2026-07-10", "20:00"), ("2026-07-11", "12:00")]


def test_performer_with_date_keeps_that_date_only(store: Store) -> None:
    seed(store, perf("A", date="2026-07-10", start="23:59", end="00:30"),
         perf("A", date="2026-07-11", start="00:00", end="01:00"))
    found = store.query(Query(performer="A", date="2026-07-10"))
    assert [(p.date, p.start) for p in found] == [("2026-07-10", "23:59")]


def test_performer_is_an_exact_match(store: Store) -> None:
    seed(store, perf("Aurora"), perf("Aurora Fields", start="20:00", end="21:00"))
    assert names(store, Query(performer="Aurora")) == ["Aurora"]


# -- stage and time range ------------------------------------------------------------------

WINDOW = {"stage": "Main", "start": "2026-07-10T18:00", "end": "2026-07-10T23:00"}


@pytest.mark.parametrize(
    ("start", "end", "matches"),
    [
        ("17:00", "18:00", False),  # ends exactly at --from
        ("17:00", "18:01", True),  # still on one minute into the window
        ("23:00", "23:30", False),  # starts exactly at --to
        ("22:59", "23:30", True),  # starts one minute before --to
        ("19:00", "20:00", True),  # inside
        ("17:00", "23:30", True),  # spans the whole window
    ],
)
def test_stage_window_edges(store: Store, start: str, end: str, matches: bool) -> None:
    seed(store, perf("A", start=start, end=end))
    assert names(store, Query(**WINDOW)) == (["A"] if matches else [])


def test_stage_window_keeps_other_stages_out(store: Store) -> None:
    seed(store, perf("A", stage="Tent", start="19:00", end="20:00"))
    assert names(store, Query(**WINDOW)) == []


def test_stage_window_after_midnight_finds_the_set_begun_the_evening_before(store: Store) -> None:
    seed(store, perf("Late", date="2026-07-10", start="23:00", end="02:00"))
    query = Query(stage="Main", start="2026-07-11T01:00", end="2026-07-11T03:00")
    assert names(store, query) == ["Late"]


def test_stage_with_date_covers_that_calendar_day(store: Store) -> None:
    seed(store, perf("Before", date="2026-07-09", start="23:00", end="00:30"),
         perf("Day", date="2026-07-10", start="12:00", end="13:00"),
         perf("After", date="2026-07-11", start="00:00", end="01:00"))
    assert names(store, Query(stage="Main", date="2026-07-10")) == ["Before", "Day"]


# -- date ----------------------------------------------------------------------------------


def test_date_orders_by_start_stage_performer(store: Store) -> None:
    seed(store, perf("Z", stage="Main", start="18:00", end="19:00"),
         perf("Y", stage="Main", start="18:00", end="19:00"),
         perf("X", stage="Arena", start="18:00", end="19:00"),
         perf("W", stage="Main", start="12:00", end="13:00"))
    assert names(store, Query(date="2026-07-10")) == ["W", "X", "Y", "Z"]


def test_date_is_the_date_the_set_starts_on(store: Store) -> None:
    seed(store, perf("Late", date="2026-07-09", start="23:00", end="01:00"),
         perf("Day", date="2026-07-10", start="12:00", end="13:00"))
    assert names(store, Query(date="2026-07-10")) == ["Day"]


def test_date_with_nothing_stored_is_empty(store: Store) -> None:
    seed(store, perf("A", date="2026-07-10"))
    assert names(store, Query(date="2026-07-12")) == []


# -- date and time -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "matches"),
    [("17:59", False), ("18:00", True), ("19:14", True), ("19:15", False)],
)
def test_at_includes_the_start_and_excludes_the_end(store: Store, at: str, matches: bool) -> None:
    seed(store, perf("A", start="18:00", end="19:15"))
    assert names(store, Query(date="2026-07-10", at=at)) == (["A"] if matches else [])


def test_at_after_midnight_finds_the_set_begun_the_evening_before(store: Store) -> None:
    seed(store, perf("Late", date="2026-07-09", start="23:00", end="02:00"),
         perf("Ended", date="2026-07-09", start="23:00", end="00:30", stage="Tent"))
    assert names(store, Query(date="2026-07-10", at="01:00")) == ["Late"]


def test_at_orders_chronologically(store: Store) -> None:
    seed(store, perf("Early", date="2026-07-09", start="22:00", end="02:00"),
         perf("Now", date="2026-07-10", start="00:30", end="01:30", stage="Tent"))
    assert names(store, Query(date="2026-07-10", at="01:00")) == ["Early", "Now"]


# -- popularity ----------------------------------------------------------------------------


def test_min_popularity_is_inclusive_and_most_popular_first(store: Store) -> None:
    seed(store, perf("Low", start="12:00", end="13:00", popularity=79),
         perf("Edge", start="13:00", end="14:00", popularity=80),
         perf("Top", start="14:00", end="15:00", popularity=99))
    assert names(store, Query(date="2026-07-10", min_popularity=80)) == ["Top", "Edge"]


def test_min_popularity_ties_stay_chronological(store: Store) -> None:
    seed(store, perf("Later", start="20:00", end="21:00", popularity=90),
         perf("Sooner", start="12:00", end="13:00", popularity=90))
    assert names(store, Query(date="2026-07-10", min_popularity=90)) == ["Sooner", "Later"]


def test_min_popularity_never_returns_sets_without_a_score(store: Store) -> None:
    seed(store, perf("Unscored", start="12:00", end="13:00", popularity=None),
         perf("Zero", start="13:00", end="14:00", popularity=0))
    assert names(store, Query(date="2026-07-10", min_popularity=0)) == ["Zero"]


def test_min_popularity_keeps_other_dates_out(store: Store) -> None:
    seed(store, perf("Other", date="2026-07-11", popularity=100))
    assert names(store, Query(date="2026-07-10", min_popularity=0)) == []
