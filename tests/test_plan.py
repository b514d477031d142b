"""core.plan: the one diff (added / updated / removed / unchanged) and how it reads (moves)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from festival_cli.core.ingest import describe_change, describe_changes
from festival_cli.core.model import Performance
from festival_cli.core.plan import Move, Plan, Update, compute_plan
from tests.factories import identified, perf

A = perf("A", start="18:00", end="19:00")
AFTER_THE_FESTIVAL = datetime(2026, 8, 1)


def test_everything_is_added_to_an_empty_store() -> None:
    plan = compute_plan([A], [])
    assert plan.added == (A,)
    assert plan.counts() == {"added": 1, "updated": 0, "removed": 0, "unchanged": 0}
    assert plan.puts == [A]
    assert plan.deletes == []


def test_an_identical_set_is_unchanged_and_not_written() -> None:
    plan = compute_plan([A], [identified(A)])
    assert plan.unchanged == (A,)
    assert not plan.changed
    assert not plan.writes
    assert plan.puts == []


def test_an_unchanged_set_stored_without_identity_is_written_once_to_get_one() -> None:
    plan = compute_plan([A], [A])  # stored by a version of festival before set ids
    assert (plan.changed, plan.writes, plan.backfilled, plan.fresh_count) == (False, True, (A,), 1)


def test_a_merge_relisting_a_set_rewrites_it_with_its_identity_and_the_new_upload() -> None:
    stored = replace(identified(A), sequence=3, festival="F", timezone="Europe/London",
                     upload="older merge")
    listed = replace(A, festival="F", timezone="Europe/London", upload="newer merge")
    plan = compute_plan([listed], [stored], merge=True)
    (written,) = plan.backfilled
    assert type(written) is Performance and written == A
    assert (written.guid, written.set_id, written.sequence, written.cancelled, written.festival,
            written.timezone, written.upload) == (stored.guid, stored.set_id, 3, False, "F",
                                                  "Europe/London", "newer merge")


def test_a_changed_set_is_one_update_writing_the_new_version() -> None:
    new = perf("A", start="18:00", end="19:30")
    plan = compute_plan([new], [A])
    assert plan.updated == (Update(before=A, after=new),)
    assert plan.puts == [new]


def test_a_stored_set_the_file_no_longer_lists_is_removed() -> None:
    plan = compute_plan([A], [A, perf("B")], clock=AFTER_THE_FESTIVAL)
    assert plan.removed == (perf("B"),)
    assert plan.deletes == [perf("B")]


def test_merge_removes_nothing() -> None:
    plan = compute_plan([A], [perf("B")], merge=True)
    assert plan.removed == ()
    assert plan.merge


def test_stored_sets_of_other_dates_are_never_touched() -> None:
    plan = compute_plan([A], [perf("B", date="2026-07-11")])
    assert plan.removed == ()
    assert plan.dates == ("2026-07-10",)


def test_the_dates_are_those_the_lineup_lists() -> None:
    plan = compute_plan([A, perf("B", date="2026-07-12"), perf("C", date="2026-07-11")], [])
    assert plan.dates == ("2026-07-10", "2026-07-11", "2026-07-12")


def test_a_new_start_time_is_a_move() -> None:
    later = perf("A", start="19:00", end="20:00")
    plan = compute_plan([later], [A])
    assert plan.counts() == {"added": 1, "updated": 0, "removed": 1, "unchanged": 0}
    assert plan.moves() == [Move(before=A, after=later)]


def test_another_stage_at_another_time_on_the_same_festival_day_is_a_move() -> None:
    tent = perf("A", stage="Tent", start="19:00", end="20:00")
    plan = compute_plan([tent], [A])
    assert plan.moves() == [Move(before=A, after=tent)]


def test_the_small_hours_of_the_next_date_are_the_same_festival_day() -> None:
    small_hours = perf("A", date="2026-07-11", start="01:00", end="02:00")
    plan = compute_plan([small_hours, perf("Z")], [A, perf("Z")])  # both dates revised
    assert plan.moves() == [Move(before=A, after=small_hours)]


def test_another_festival_day_is_not_a_move() -> None:
    next_day = perf("A", date="2026-07-11", start="18:00", end="19:00")
    plan = compute_plan([next_day, perf("Z", date="2026-07-10")], [A])
    assert plan.moves() == []


def test_a_move_keeps_to_its_stage_when_it_can() -> None:
    main, tent = perf("A", start="12:00", end="13:00"), perf("A", stage="Tent", start="14:00",
                                                            end="15:00")
    new_main, new_tent = (perf("A", start="20:00", end="21:00"),
                          perf("A", stage="Tent", start="16:00", end="17:00"))
    moves = compute_plan([new_main, new_tent], [main, tent]).moves()
    assert sorted((m.before.stage, m.after.stage) for m in moves) == [("Main", "Main"),
                                                                       ("Tent", "Tent")]


def test_no_moves_without_removals() -> None:
    assert compute_plan([A, perf("A", start="20:00", end="21:00")], []).moves() == []


def test_moves_pair_each_removal_once() -> None:
    earlier, later = perf("A", start="12:00", end="13:00"), perf("A", start="14:00", end="15:00")
    new = perf("A", start="20:00", end="21:00")
    moves = compute_plan([new], [earlier, later]).moves()
    assert moves == [Move(before=earlier, after=new)]


def test_changes_replace_a_move_s_removal_and_addition_and_are_ordered() -> None:
    later = perf("A", start="19:00", end="20:00")
    tent = perf("T", stage="Tent", start="10:00", end="11:00")
    next_day = perf("N", date="2026-07-11", start="09:00", end="10:00")
    gone = perf("G", start="17:00", end="17:30")
    plan = compute_plan([later, tent, next_day], [A, gone])
    assert plan.changes() == [
        ("removed", gone, None),
        ("moved", A, later),
        ("added", None, tent),
        ("added", None, next_day),
    ]


def test_changes_list_updates_as_changed() -> None:
    new = perf("A", start="18:00", end="19:00", popularity=1)
    assert compute_plan([new], [A]).changes() == [("changed", A, new)]


def test_changes_with_a_limit_are_the_first_of_the_full_order() -> None:
    later = perf("A", start="19:00", end="20:00")
    tent = perf("T", stage="Tent", start="10:00", end="11:00")
    next_day = perf("N", date="2026-07-11", start="09:00", end="10:00")
    gone = perf("G", start="17:00", end="17:30")
    plan = compute_plan([later, tent, next_day], [A, gone])
    assert plan.changes(limit=2) == plan.changes()[:2]


SETS = st.lists(st.builds(
    perf, st.sampled_from("ABCD"), st.sampled_from(["Main", "Tent"]),
    st.sampled_from(["2026-07-10", "2026-07-11"]), st.sampled_from(["12:00", "18:00", "23:00"]),
    st.sampled_from(["13:00", "19:30"]), st.sampled_from([None, 50])), max_size=12)


@settings(max_examples=200)
@given(SETS, SETS, st.integers(0, 8))
def test_changes_with_any_limit_are_the_first_of_the_full_order(
        incoming: list[Performance], stored: list[Performance], limit: int) -> None:
    unique = list({p.key: p for p in incoming}.values())
    plan = compute_plan(unique, list({p.key: p for p in stored}.values()))
    assert plan.changes(limit=limit) == plan.changes()[:limit]


def test_change_count_counts_a_move_once() -> None:
    later = perf("A", start="19:00", end="20:00")
    tent = perf("T", stage="Tent", start="10:00", end="11:00")
    gone = perf("G", start="17:00", end="17:30")
    plan = compute_plan([later, tent], [A, gone])
    assert plan.change_count() == len(plan.changes()) == 3


def test_described_changes_are_capped_and_hold_only_changes() -> None:
    many = [perf(f"P{i:02d}", start=f"{10 + i // 6:02d}:{i % 6 * 10:02d}",
                 end=f"{10 + i // 6:02d}:{i % 6 * 10 + 5:02d}") for i in range(12)]
    lines = describe_changes(compute_plan(many, []), cap=5)
    assert lines == [describe_change(*row) for row in compute_plan(many, []).changes()[:5]]


# -- identity: carried over by the diff (stores: tests/contract/test_store_identity.py) ------
def test_an_updated_set_inherits_the_identity_with_one_more_change() -> None:
    new = perf("A", start="18:00", end="19:30")
    [update] = compute_plan([new], [identified(A, set_id=7, sequence=2)]).updated
    assert (update.after.guid, update.after.set_id, update.after.sequence) == (
        identified(A, set_id=7).guid, 7, 3)


def test_a_removed_set_becomes_a_tombstone_unless_its_day_has_passed() -> None:
    b = identified(perf("B"), set_id=2)
    kept = compute_plan([A], [identified(A), b], clock=datetime(2026, 7, 10, 12, 0))
    assert [(p.performer, p.cancelled, p.sequence, p.set_id) for p in kept.cancelled] == [
        ("B", True, 1, 2)]
    assert kept.deletes == []
    gone = compute_plan([A], [identified(A), b], clock=datetime(2026, 7, 11, 6, 0))
    assert (gone.cancelled, gone.deletes) == ((), [b])


def test_tombstones_not_revived_rest_until_their_day_has_passed() -> None:
    tomb = replace(identified(perf("B"), set_id=2, sequence=1), cancelled=True)
    resting = compute_plan([A], [identified(A), tomb], clock=datetime(2026, 7, 10, 12, 0))
    assert (resting.resting, resting.purged, resting.writes) == ((tomb,), (), False)
    passed = compute_plan([A], [identified(A), tomb], clock=datetime(2026, 7, 12))
    assert (passed.resting, passed.purged) == ((), (tomb,))


@pytest.mark.parametrize(("added", "cancelled", "first_id", "fresh"), [
    ((perf("A"), perf("B")), (), 1, True),  # a first upload: every set new
    ((), (), 1, False),  # nothing to put
    ((perf("A"),), (identified(perf("B")),), 2, False),  # a tombstone keeps its identity
    ((perf("A"),), (), None, False),  # no ids allocated yet
])
def test_all_fresh(added: tuple[Performance, ...], cancelled: tuple[Performance, ...],
                   first_id: int | None, fresh: bool) -> None:
    plan = Plan(dates=("2026-07-10",), added=added, cancelled=cancelled, first_id=first_id)
    assert plan.all_fresh is fresh
