"""Contract: the register of stored dates (`Store.stored_dates`) and the export of everything."""

from __future__ import annotations

from festival_cli.core.plan import Plan
from festival_cli.core.store import Store
from tests.factories import lineup, perf

EARLY = perf("Aurora Fields", "Main", "2026-07-10", "18:00", "19:15", 87)
LATE = perf("Brass Tide", "Tent", "2026-07-10", "20:00", "21:00", None)
NEXT_DAY = perf("Aurora Fields", "Main", "2026-07-11", "17:00", "18:00", 60)
EARLIER_DAY = perf("Cobalt", "Main", "2026-07-09", "12:00", "13:00", 10)


def test_a_new_store_has_no_stored_dates(store: Store) -> None:
    assert store.stored_dates() == []


def test_every_uploaded_date_is_registered_once_in_order(store: Store) -> None:
    store.apply_lineup(lineup(NEXT_DAY, EARLY))
    store.apply_lineup(lineup(EARLIER_DAY))
    store.apply_lineup(lineup(LATE))  # revises the 10th: still one entry
    assert store.stored_dates() == ["2026-07-09", "2026-07-10", "2026-07-11"]


def test_a_merge_registers_its_dates(store: Store) -> None:
    store.apply_lineup(lineup(EARLY))
    store.apply_lineup(lineup(NEXT_DAY), merge=True)
    assert store.stored_dates() == ["2026-07-10", "2026-07-11"]


def test_a_plan_deleting_a_date_s_last_sets_takes_it_off(store: Store) -> None:
    store.apply_lineup(lineup(EARLY, LATE, NEXT_DAY))
    store._apply(Plan(dates=("2026-07-10",), removed=(EARLY, LATE), purged=(EARLY, LATE)))
    assert store.stored_dates() == ["2026-07-11"]


def test_a_plan_deleting_some_sets_of_a_date_keeps_it(store: Store) -> None:
    store.apply_lineup(lineup(EARLY, LATE))
    store.apply_lineup(lineup(LATE))
    assert store.stored_dates() == ["2026-07-10"]


def test_exporting_with_no_selection_gives_every_stored_set_in_order(store: Store) -> None:
    store.apply_lineup(lineup(NEXT_DAY, LATE, EARLY))
    store.apply_lineup(lineup(EARLIER_DAY))
    assert store.export().performances == (EARLIER_DAY, EARLY, LATE, NEXT_DAY)


def test_exporting_everything_of_an_empty_store_is_an_empty_lineup(store: Store) -> None:
    assert store.export().performances == ()
