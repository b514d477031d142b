"""`Store.export`: what `festival export` writes, the same from every backend."""

from __future__ import annotations

import pytest

from festival_cli.core.model import Performance
from festival_cli.core.query import Query
from festival_cli.core.store import Store
from tests.factories import lineup, perf

EARLY = perf("Aurora Fields", "Main", "2026-07-10", "18:00", "19:15", 87)
LATE = perf("Brass Tide", "Tent", "2026-07-10", "20:00", "21:00", None)
NEXT_DAY = perf("Aurora Fields", "Main", "2026-07-11", "17:00", "18:00", 60)


def test_export_merges_overlapping_selections_once_each_in_order(store: Store) -> None:
    store.apply_lineup(lineup(LATE, EARLY, NEXT_DAY))
    exported = store.export([Query(date="2026-07-11"), Query(performer="Aurora Fields"),
                             Query(date="2026-07-10")])
    assert exported.performances == (EARLY, LATE, NEXT_DAY)


LONDON = ("Riverside Sounds 2026", "Europe/London")
NEW_YORK = ("Hudson Nights", "America/New_York")


def _origins(sets: tuple[Performance, ...] | list[Performance]) -> list[tuple[str | None, ...]]:
    return [(p.performer, p.date, p.festival, p.timezone) for p in sets]


def test_each_set_keeps_the_festival_and_zone_of_the_file_that_wrote_it(store: Store) -> None:
    """Two festivals in one store: each exports in its own zone, whichever was uploaded last."""
    store.apply_lineup(lineup(EARLY, LATE, festival=LONDON[0], timezone=LONDON[1]))
    store.apply_lineup(lineup(NEXT_DAY, festival=NEW_YORK[0], timezone=NEW_YORK[1]))
    london = store.export([Query(date="2026-07-10")])
    assert (london.festival, london.timezone) == LONDON
    assert {p.origin for p in london.performances} == {LONDON}
    new_york = store.export([Query(date="2026-07-11")])
    assert (new_york.festival, new_york.timezone) == NEW_YORK
    both = store.export(None)
    assert (both.festival, both.timezone) == (None, None)  # one name would be a lie
    assert both.origins() == [NEW_YORK, LONDON]
    assert _origins(both.performances) == [
        ("Aurora Fields", "2026-07-10", *LONDON), ("Brass Tide", "2026-07-10", *LONDON),
        ("Aurora Fields", "2026-07-11", *NEW_YORK)]


def test_a_file_that_changes_only_its_zone_revises_its_sets(store: Store) -> None:
    store.apply_lineup(lineup(EARLY, LATE, festival=LONDON[0], timezone=LONDON[1]))
    plan = store.apply_lineup(lineup(EARLY, LATE, festival=LONDON[0], timezone="Europe/Dublin"))
    assert plan.counts()["updated"] == 2
    assert {p.timezone for p in store.stored_on(["2026-07-10"])} == {"Europe/Dublin"}
    unchanged = store.apply_lineup(lineup(EARLY, LATE, festival=LONDON[0],
                                          timezone="Europe/Dublin"))
    assert unchanged.counts()["unchanged"] == 2


def test_a_merged_set_of_another_festival_keeps_its_own(store: Store) -> None:
    store.apply_lineup(lineup(EARLY, festival=LONDON[0], timezone=LONDON[1]))
    store.apply_lineup(lineup(LATE, festival=NEW_YORK[0], timezone=NEW_YORK[1]), merge=True)
    assert _origins(store.export([Query(date="2026-07-10")]).performances) == [
        ("Aurora Fields", "2026-07-10", *LONDON), ("Brass Tide", "2026-07-10", *NEW_YORK)]


def test_a_selection_of_whole_dates_is_a_whole_lineup(store: Store) -> None:
    store.apply_lineup(lineup(EARLY, LATE, NEXT_DAY))
    assert not store.export([Query(date="2026-07-10"), Query(date="2026-07-11")]).merge
    assert not store.export(None).merge


@pytest.mark.parametrize("query", [
    Query(performer="Aurora Fields"), Query(performer="Aurora Fields", date="2026-07-10"),
    Query(stage="Main", start="2026-07-10T00:00", end="2026-07-12T00:00"),
    Query(stage="Main", date="2026-07-10"), Query(date="2026-07-10", at="18:30"),
    Query(date="2026-07-10", min_popularity=50)], ids=lambda q: "+".join(sorted(q.given)))
def test_a_selection_of_some_sets_of_its_dates_is_marked_to_merge(store: Store,
                                                                   query: Query) -> None:
    """Uploaded back, it must not remove the sets of its dates it did not select."""
    store.apply_lineup(lineup(EARLY, LATE, NEXT_DAY))
    exported = store.export([query])
    assert exported.merge and exported.to_document()["merge"] is True
    # Uploaded back: every set of the date stays (a plain upload would remove LATE).
    assert store.plan(exported).counts()["removed"] == 0


def test_export_of_nothing_selected_is_an_empty_lineup(store: Store) -> None:
    store.apply_lineup(lineup(EARLY))
    assert store.export([Query(date="2026-07-12")]).performances == ()
