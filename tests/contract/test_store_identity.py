"""Identity that apps can track: guid, id and sequence stored with every set, in every store.

A set keeps its guid and id through revisions that change or move it; a removed set stays as a
cancelled tombstone until its festival day has passed. (Issue 15, point 3.)
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from festival_cli.core.model import Performance
from festival_cli.core.query import Query
from festival_cli.core.store import Store
from tests.factories import lineup, perf

DAY = "2026-07-10"
BEFORE = datetime(2026, 7, 1, tzinfo=UTC)  # before the festival: tombstones are kept
AFTER = datetime(2026, 8, 1, tzinfo=UTC)  # after it: they are deleted
A = perf("A", start="18:00", end="19:00")
B = perf("B", start="20:00", end="21:00")
C = perf("C", start="22:00", end="23:00")


def everything(store: Store) -> dict[str, Performance]:
    """Every stored row of DAY, tombstones too, by performer."""
    return {p.performer: p for p in store.stored_on([DAY], cancelled=True)}


def test_every_stored_set_gets_a_unique_uuid_and_integer_id(store: Store) -> None:
    store.apply_lineup(lineup(A, B, C), now=BEFORE)
    sets = list(everything(store).values())
    guids = [p.guid for p in sets]
    ids = [p.set_id for p in sets]
    assert all(g is not None and uuid.UUID(g).version == 4 for g in guids)
    assert all(isinstance(i, int) and i >= 1 for i in ids)
    assert len(set(guids)) == len(set(ids)) == 3
    assert all(p.sequence == 0 and not p.cancelled for p in sets)


def test_ids_are_never_handed_out_twice(store: Store) -> None:
    store.apply_lineup(lineup(A), now=BEFORE)
    store.apply_lineup(lineup(perf("D", date="2026-07-11")), now=BEFORE)
    first = everything(store)["A"].set_id
    [other] = store.stored_on(["2026-07-11"])
    assert first != other.set_id
    assert store._allocate_ids(5) + 5 == store._allocate_ids(1)


def test_an_unchanged_upload_keeps_every_identity_and_writes_nothing(store: Store) -> None:
    store.apply_lineup(lineup(A, B), now=BEFORE)
    before = {k: (p.guid, p.set_id, p.sequence) for k, p in everything(store).items()}
    plan = store.apply_lineup(lineup(A, B), now=BEFORE)
    assert not plan.writes
    assert {k: (p.guid, p.set_id, p.sequence) for k, p in everything(store).items()} == before


def test_a_changed_set_keeps_its_identity_and_counts_the_change(store: Store) -> None:
    store.apply_lineup(lineup(A), now=BEFORE)
    old = everything(store)["A"]
    store.apply_lineup(lineup(perf("A", start="18:00", end="19:30", popularity=3)), now=BEFORE)
    new = everything(store)["A"]
    assert (new.guid, new.set_id, new.sequence, new.end) == (old.guid, old.set_id, 1, "19:30")


def test_a_moved_set_keeps_its_guid_and_id(store: Store) -> None:
    store.apply_lineup(lineup(A, B), now=BEFORE)
    old = everything(store)["A"]
    moved = perf("A", stage="Tent", start="23:00", end="23:45")
    plan = store.apply_lineup(lineup(moved, B), now=BEFORE)
    assert [(m.before.start, m.after.start) for m in plan.moves()] == [("18:00", "23:00")]
    rows = store.stored_on([DAY], cancelled=True)
    [now] = [p for p in rows if p.performer == "A"]  # the old key is gone, no tombstone
    assert (now.guid, now.set_id, now.sequence) == (old.guid, old.set_id, 1)
    assert (now.stage, now.start, now.cancelled) == ("Tent", "23:00", False)


def test_a_removed_set_stays_as_a_cancelled_tombstone_until_its_day_has_passed(
        store: Store) -> None:
    store.apply_lineup(lineup(A, B), now=BEFORE)
    old = everything(store)["B"]
    plan = store.apply_lineup(lineup(A), now=BEFORE)
    assert plan.counts()["removed"] == 1
    tomb = everything(store)["B"]
    assert (tomb.cancelled, tomb.guid, tomb.set_id, tomb.sequence) == (
        True, old.guid, old.set_id, 1)
    # Gone from every answer but the feeds'.
    assert store.stored_on([DAY]) == [A]
    assert store.query(Query(performer="B")) == []
    assert store.query(Query(date=DAY)) == [A]
    # Unchanged again: the tombstone is not removed a second time, nothing is written.
    assert not store.apply_lineup(lineup(A), now=BEFORE).writes
    # The next revision after the festival day deletes it.
    store.apply_lineup(lineup(perf("A", end="19:05")), now=AFTER)
    assert set(everything(store)) == {"A"}


def test_a_set_listed_again_comes_back_with_its_identity(store: Store) -> None:
    store.apply_lineup(lineup(A, B), now=BEFORE)
    old = everything(store)["B"]
    store.apply_lineup(lineup(A), now=BEFORE)
    store.apply_lineup(lineup(A, B), now=BEFORE)
    back = everything(store)["B"]
    assert (back.cancelled, back.guid, back.set_id, back.sequence) == (
        False, old.guid, old.set_id, 2)


def test_a_cancelled_performer_back_at_another_time_that_day_keeps_the_identity(
        store: Store) -> None:
    store.apply_lineup(lineup(A, B), now=BEFORE)
    old = everything(store)["B"]
    store.apply_lineup(lineup(A), now=BEFORE)
    store.apply_lineup(lineup(A, perf("B", start="16:00", end="17:00")), now=BEFORE)
    [back] = [p for p in store.stored_on([DAY], cancelled=True) if p.performer == "B"]
    assert (back.start, back.cancelled, back.guid, back.sequence) == ("16:00", False, old.guid, 2)


def test_a_removal_after_the_festival_day_leaves_no_tombstone(store: Store) -> None:
    store.apply_lineup(lineup(A, B), now=BEFORE)
    store.apply_lineup(lineup(A), now=AFTER)
    assert set(everything(store)) == {"A"}
