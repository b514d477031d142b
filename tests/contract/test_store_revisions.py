"""Contract: a lineup file is the whole lineup of its dates (docs/design.md "Revisions")."""

from __future__ import annotations

import pytest

from festival_cli.core.errors import LineupError
from festival_cli.core.ingest import ingest
from festival_cli.core.model import Performance
from festival_cli.core.store import Store
from tests.factories import document, lineup, perf, record

DAY = "2026-07-10"
OTHER_DAY = "2026-07-11"


def stored(store: Store, *dates: str) -> set[Performance]:
    return set(store.stored_on(dates or (DAY, OTHER_DAY)))


def test_reapplying_the_same_lineup_writes_nothing(store: Store) -> None:
    sets = lineup(perf("A"), perf("B", popularity=None), perf("C", date=OTHER_DAY))
    store.apply_lineup(sets)
    plan = store.apply_lineup(sets)
    assert not plan.changed
    assert set(plan.unchanged) == set(sets.performances)


def test_reapplying_the_same_lineup_keeps_the_items_identical(store: Store) -> None:
    sets = lineup(perf("A"), perf("B", popularity=None), perf("C", date=OTHER_DAY))
    store.apply_lineup(sets)
    store.apply_lineup(sets)
    assert stored(store) == set(sets.performances)


def test_a_moved_set_leaves_no_ghost(store: Store) -> None:
    store.apply_lineup(lineup(perf("A", start="18:00", end="19:15")))
    moved = perf("A", start="19:00", end="20:15")
    plan = store.apply_lineup(lineup(moved))
    assert stored(store) == {moved}
    assert [(m.before.start, m.after.start) for m in plan.moves()] == [("18:00", "19:00")]


def test_a_cancelled_set_is_removed(store: Store) -> None:
    store.apply_lineup(lineup(perf("A"), perf("B", start="20:00", end="21:00")))
    plan = store.apply_lineup(lineup(perf("A")))
    assert stored(store) == {perf("A")}
    assert [p.performer for p in plan.removed] == ["B"]


@pytest.mark.parametrize(
    "change",
    [{"stage": "Tent"}, {"end": "19:45"}, {"popularity": 12}, {"popularity": None}],
    ids=["stage", "end", "popularity", "popularity-dropped"],
)
def test_a_changed_set_is_updated_in_place(store: Store, change: dict[str, object]) -> None:
    store.apply_lineup(lineup(perf("A")))
    changed = perf("A", **change)  # type: ignore[arg-type]
    plan = store.apply_lineup(lineup(changed))
    assert stored(store) == {changed}
    assert plan.counts() == {"added": 0, "updated": 1, "removed": 0, "unchanged": 0}


def test_a_dropped_score_leaves_the_sparse_popularity_index(store: Store) -> None:
    from festival_cli.core.query import Query

    store.apply_lineup(lineup(perf("A", popularity=90)))
    store.apply_lineup(lineup(perf("A", popularity=None)))
    assert store.query(Query(date=DAY, min_popularity=0)) == []


def test_a_date_not_in_the_file_is_left_alone(store: Store) -> None:
    store.apply_lineup(lineup(perf("A"), perf("B", date=OTHER_DAY)))
    store.apply_lineup(lineup(perf("C")))
    assert stored(store) == {perf("C"), perf("B", date=OTHER_DAY)}


def test_merge_adds_and_updates_but_never_deletes(store: Store) -> None:
    store.apply_lineup(lineup(perf("A"), perf("B", start="20:00", end="21:00")))
    plan = store.apply_lineup(lineup(perf("A", popularity=1), perf("C")), merge=True)
    assert stored(store) == {perf("A", popularity=1), perf("B", start="20:00", end="21:00"),
                             perf("C")}
    assert plan.counts() == {"added": 1, "updated": 1, "removed": 0, "unchanged": 0}


def test_merge_of_a_moved_set_keeps_the_old_one(store: Store) -> None:
    store.apply_lineup(lineup(perf("A", start="18:00", end="19:00")))
    store.apply_lineup(lineup(perf("A", start="19:00", end="20:00")), merge=True)
    assert {p.start for p in stored(store)} == {"18:00", "19:00"}


def test_a_full_revision_after_a_merge_removes_what_the_merge_kept(store: Store) -> None:
    store.apply_lineup(lineup(perf("A")))
    store.apply_lineup(lineup(perf("B")), merge=True)
    plan = store.apply_lineup(lineup(perf("B")))
    assert stored(store) == {perf("B")}
    assert [p.performer for p in plan.removed] == ["A"]


def test_plan_writes_nothing(store: Store) -> None:
    store.apply_lineup(lineup(perf("A")))
    plan = store.plan(lineup(perf("B")))
    assert plan.counts() == {"added": 1, "updated": 0, "removed": 1, "unchanged": 0}
    assert stored(store) == {perf("A")}


def test_an_invalid_revision_changes_nothing(store: Store) -> None:
    store.apply_lineup(lineup(perf("A"), perf("B", start="20:00", end="21:00")))
    invalid = document(record(performer="A"), record(performer="C", start="25:00"))
    with pytest.raises(LineupError):
        ingest(store, invalid, "lineup.json")
    assert stored(store) == {perf("A"), perf("B", start="20:00", end="21:00")}


def test_an_invalid_revision_is_recorded_as_rejected(store: Store) -> None:
    invalid = document(record(start="25:00"))
    with pytest.raises(LineupError):
        ingest(store, invalid, "lineup.json")
    [rejected] = store.recent_ingestions()
    assert rejected.state == "rejected"
    assert store.count() == 0


@pytest.mark.parametrize("again", [False, True], ids=["writing", "unchanged"])
def test_the_caller_s_meanwhile_work_runs_once_with_the_plan_before_then(
        store: Store, again: bool) -> None:
    sets = lineup(perf("A"), perf("C", date=OTHER_DAY))
    if again:
        store.apply_lineup(sets)
    calls: list[tuple[str, object]] = []
    plan = store.apply_lineup(sets, meanwhile=lambda p: calls.append(("meanwhile", p)),
                              then=lambda p: calls.append(("then", p)))
    assert calls == [("meanwhile", plan), ("then", plan)]
    assert plan.changed is not again
