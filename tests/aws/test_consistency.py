"""A revision's diff sees every earlier write, even while the Date-Time index lags its table.

moto updates its indexes with the table; DynamoDB does not. `LaggingIndex` is the DynamoDB
client with the index behind: its Date-Time queries answer from a snapshot taken earlier, for a
number of reads, then catch up. (docs/consistency.md gives the argument these tests check.)
"""

from __future__ import annotations

from typing import Any

import pytest

from festival_cli.core.errors import TransientStoreError
from festival_cli.core.model import Performance
from festival_cli.core.store import Store
from festival_cli.stores.dynamodb import DynamoStore
from festival_cli.stores.dynamodb_manifest import INDEX_WAIT_SECONDS, digest_of
from tests.aws.moto_world import World
from tests.factories import lineup, perf

DAY = "2026-07-10"
X = perf("Aurora Fields", start="18:00", end="19:00", popularity=10)
Y = perf("Brass Tide", start="20:00", end="21:00", popularity=10)
Z = perf("Cold Harbour", start="22:00", end="23:00")


class LaggingIndex:
    """The DynamoDB client, its Date-Time index frozen at `freeze()` for `stale_reads` reads."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.snapshot: dict[str, list[dict[str, Any]]] = {}
        self.stale_reads = 0
        self.served_stale = 0

    def freeze(self, table: str, dates: list[str], stale_reads: int) -> None:
        for date in dates:
            self.snapshot[date] = self._client.query(
                TableName=table, IndexName="Date-Time", KeyConditionExpression="#d = :d",
                ExpressionAttributeNames={"#d": "Date"},
                ExpressionAttributeValues={":d": {"S": date}})["Items"]
        self.stale_reads = stale_reads

    def query(self, **request: Any) -> dict[str, Any]:
        date = request.get("ExpressionAttributeValues", {}).get(":p", {}).get("S")
        if request.get("IndexName") == "Date-Time" and self.stale_reads and date in self.snapshot:
            self.stale_reads -= 1
            self.served_stale += 1
            return {"Items": self.snapshot[date]}
        return dict(self._client.query(**request))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


class Clock:
    """Time that passes only when slept."""

    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def lagging_store(world: World) -> tuple[DynamoStore, LaggingIndex, Clock]:
    lagging = LaggingIndex(world.dynamodb)
    clock = Clock()
    store = DynamoStore(lagging, world.table, world.ingestions_table, sleep=clock.sleep,
                        clock=clock)
    return store, lagging, clock


def current(store: Store) -> list[Performance]:
    return sorted(store.stored_on([DAY]), key=Performance.chronological)


def test_the_double_really_lags(world: World) -> None:
    """Read naively, the lagging index misses the last write: the ghost the fix prevents."""
    store, lagging, _ = lagging_store(world)
    store.apply_lineup(lineup(X, Y))
    lagging.freeze(world.table, [DAY], stale_reads=1)
    world.store().apply_lineup(lineup(X, Y, Z))
    assert [p.performer for p in Store.stored_on(store, [DAY])] == ["Aurora Fields",
                                                                    "Brass Tide"]


def test_a_set_the_index_has_not_seen_yet_is_still_removed(world: World) -> None:
    """Z was added by the previous ingestion; the next one, which drops Z, reads the index
    before it shows Z. Without the manifest Z stays: a ghost."""
    store, lagging, clock = lagging_store(world)
    store.apply_lineup(lineup(X, Y))
    lagging.freeze(world.table, [DAY], stale_reads=3)
    world.store().apply_lineup(lineup(X, Y, Z))  # the index has not caught up with this
    plan = store.apply_lineup(lineup(X, Y))
    assert [p.performer for p in plan.removed] == ["Cold Harbour"]
    assert current(store) == [X, Y]
    assert lagging.served_stale == 3 and len(clock.slept) == 3  # waited for the index


def test_an_update_the_index_has_not_seen_yet_is_not_skipped(world: World) -> None:
    """Y's popularity went 10 -> 90; the next file says 10 again, and the lagging index still
    shows 10: without the manifest the change back would be taken for 'unchanged'."""
    store, lagging, _ = lagging_store(world)
    store.apply_lineup(lineup(X, Y))
    lagging.freeze(world.table, [DAY], stale_reads=2)
    world.store().apply_lineup(lineup(X, perf("Brass Tide", start="20:00", end="21:00",
                                               popularity=90)))
    plan = store.apply_lineup(lineup(X, Y))
    assert [(u.before.popularity, u.after.popularity) for u in plan.updated] == [(90, 10)]
    assert current(store) == [X, Y] and current(store)[1].popularity == 10


def test_an_index_that_never_catches_up_fails_the_revision_for_a_retry(world: World) -> None:
    store, lagging, clock = lagging_store(world)
    store.apply_lineup(lineup(X, Y))
    lagging.freeze(world.table, [DAY], stale_reads=10**6)
    world.store().apply_lineup(lineup(X, Y, Z))
    with pytest.raises(TransientStoreError, match="index still lags the table for 2026-07-10"):
        store.apply_lineup(lineup(X))
    assert INDEX_WAIT_SECONDS <= sum(clock.slept) <= INDEX_WAIT_SECONDS + 2
    assert current(world.store()) == [X, Y, Z]  # nothing written from a stale read


class Crash(BaseException):
    """The function killed mid-write (a timeout): nothing of it runs on."""


def test_a_revision_killed_mid_write_leaves_a_journal_the_next_one_repairs(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.factories import big_lineup

    first = big_lineup(40, days=1)
    world.store().apply_lineup(lineup(*first))
    dying = world.store()
    real = world.dynamodb.batch_write_item
    calls = {"n": 0}

    def dies_on_the_second(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise Crash
        return real(**kwargs)

    monkeypatch.setattr(world.dynamodb, "batch_write_item", dies_on_the_second)
    monkeypatch.setattr(dying, "_release", lambda day, owner: None)  # a killed run frees nothing
    moved = [Performance(p.performer, p.stage, p.date, p.end, "23:59") for p in first[:30]]
    with pytest.raises(Crash):
        dying.apply_lineup(lineup(*moved, *first[30:]))
    monkeypatch.setattr(world.dynamodb, "batch_write_item", real)
    assert len(world.store()._manifests._get(first[0].date).pending) == 60  # the journal: 30 moves

    later = world.store(clock=lambda: 10**10)  # after the dead run's lease expired
    later.apply_lineup(lineup(*first))  # back to the first lineup, from a repaired manifest
    assert current(later) == sorted(first, key=Performance.chronological)
    stored = later.stored_on([first[0].date], cancelled=True)
    manifest = later._manifests._get(first[0].date)
    assert (manifest.count, manifest.digest) == digest_of(stored)
    assert manifest.pending == []


def test_manifests_are_not_ingestion_records(world: World) -> None:
    store = world.store()
    store.apply_lineup(lineup(X, Y))
    assert store.recent_ingestions() == []
    assert store.get_ingestion(f"manifest#{DAY}") is None
    assert store.stored_dates() == [DAY]


def test_a_merge_mark_the_index_has_not_seen_yet_still_protects_its_set(world: World) -> None:
    """A newer merge listed Y unchanged, which only marks Y (its `Upload`); an older merge
    processed next reads the index before it shows that mark. The mark is part of the item's
    hash, so the read differs from the manifest, the revision waits, and Y stays as it is."""
    from festival_cli.core.upload_order import Mark, UploadOrder

    def mark(second: int, ingestion: str) -> Mark:
        return Mark(UploadOrder.of(f"2026-11-28T05:00:0{second}Z", f"uploads/{ingestion}.json"),
                    ingestion)

    store, lagging, clock = lagging_store(world)
    store.apply_lineup(lineup(X, Y), mark=mark(0, "base"))
    lagging.freeze(world.table, [DAY], stale_reads=2)
    world.store().apply_lineup(lineup(Y), merge=True, mark=mark(2, "m2"))
    popular = perf("Brass Tide", start="20:00", end="21:00", popularity=90)
    plan = store.apply_lineup(lineup(popular), merge=True, mark=mark(1, "m1"))
    assert (plan.updated, plan.superseded) == ((), ((f"Brass Tide, {DAY} 20:00", "m2"),))
    assert current(store) == [X, Y] and current(store)[1].popularity == 10
    assert lagging.served_stale == 2 and len(clock.slept) == 2  # waited for the index


def test_an_item_without_a_merge_mark_hashes_as_before_marks_existed() -> None:
    """Manifests kept before marks existed stay valid: only a marked item's hash changes."""
    import dataclasses
    import hashlib

    from festival_cli.stores.dynamodb_manifest import set_hash

    before_marks = (X.performer, X.stage, X.date, X.start, X.end, X.popularity, X.guid,
                    X.set_id, X.sequence, X.cancelled, X.festival, X.timezone)
    digest = hashlib.sha256(repr(before_marks).encode()).digest()
    assert set_hash(X) == int.from_bytes(digest, "big")
    assert set_hash(dataclasses.replace(X, upload="a mark")) != set_hash(X)
