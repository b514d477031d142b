"""`Store.export`: what `festival export` writes, the same from every backend."""

from __future__ import annotations

from festival_cli.core.query import Query
from festival_cli.core.records import Ingestion
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


def test_export_is_named_after_the_latest_succeeded_ingestion(store: Store) -> None:
    store.apply_lineup(lineup(EARLY))
    store.save_ingestion(Ingestion(id="a", file="l.json").finish(
        "succeeded", festival="Riverside Sounds 2026", timezone="Europe/London"))
    exported = store.export([Query(date="2026-07-10")])
    assert (exported.festival, exported.timezone) == ("Riverside Sounds 2026", "Europe/London")


def test_export_of_nothing_selected_is_an_empty_lineup(store: Store) -> None:
    store.apply_lineup(lineup(EARLY))
    assert store.export([Query(date="2026-07-12")]).performances == ()
