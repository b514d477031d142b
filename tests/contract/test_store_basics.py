"""Contract: writing sets and reading them back, counting them, keeping ingestion records."""

from __future__ import annotations

import pytest

from festival_cli.core.errors import NotFoundError
from festival_cli.core.query import Query
from festival_cli.core.records import Ingestion
from festival_cli.core.store import Store
from tests.factories import lineup, perf


def test_a_new_store_is_empty(store: Store) -> None:
    assert store.count() == 0
    assert store.stored_on(["2026-07-10"]) == []
    assert store.recent_ingestions() == []


def test_written_sets_read_back_identical(store: Store) -> None:
    sets = [
        perf("Aurora Fields", "Main", "2026-07-10", "18:00", "19:15", 87),
        perf("Ødegaard & 東京", "Tent", "2026-07-10", "23:30", "01:00", None),
    ]
    store.apply_lineup(lineup(*sets))
    assert sorted(store.stored_on(["2026-07-10"]), key=lambda p: p.key) == sorted(
        sets, key=lambda p: p.key
    )


def test_count_follows_adds_and_removals(store: Store) -> None:
    store.apply_lineup(lineup(perf("A"), perf("B"), perf("C")))
    assert store.count() == 3
    store.apply_lineup(lineup(perf("A")))
    assert store.count() == 1


def test_apply_returns_the_plan_it_applied(store: Store) -> None:
    plan = store.apply_lineup(lineup(perf("A"), perf("B")))
    assert plan.counts() == {"added": 2, "updated": 0, "removed": 0, "unchanged": 0}


def test_progress_reaches_the_total(store: Store) -> None:
    calls: list[tuple[int, int]] = []
    store.apply_lineup(lineup(perf("A"), perf("B")), progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (2, 2)


def test_progress_reaches_the_total_when_nothing_changes(store: Store) -> None:
    store.apply_lineup(lineup(perf("A")))
    calls: list[tuple[int, int]] = []
    store.apply_lineup(lineup(perf("A")), progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (1, 1)


def test_query_through_the_store_uses_core_semantics(store: Store) -> None:
    store.apply_lineup(lineup(perf("A", start="20:00", end="21:00"), perf("B")))
    assert [p.performer for p in store.query(Query(date="2026-07-10"))] == ["B", "A"]


# -- ingestion records ---------------------------------------------------------------------


def test_saved_ingestion_reads_back_equal(store: Store) -> None:
    record = Ingestion(id="abc", file="lineup.json", counts={"performances": 3},
                       errors=["x: bad"], warnings=["y: odd"], changes=["added: A"],
                       festival="Fest", timezone="Europe/London", merge=True)
    store.save_ingestion(record)
    assert store.get_ingestion("abc") == record


def test_unknown_ingestion_is_none(store: Store) -> None:
    assert store.get_ingestion("nope") is None


def test_save_ingestion_replaces_the_record(store: Store) -> None:
    record = Ingestion(id="abc", file="lineup.json")
    store.save_ingestion(record)
    done = record.finish("succeeded", counts={"performances": 1})
    store.save_ingestion(done)
    assert store.get_ingestion("abc") == done


def test_create_ingestion_is_none_for_a_new_id(store: Store) -> None:
    record = Ingestion(id="abc", file="a.json")
    assert store.create_ingestion(record) is None
    assert store.get_ingestion("abc") == record


def test_create_ingestion_returns_and_keeps_the_record_of_an_existing_id(store: Store) -> None:
    first = Ingestion(id="abc", file="a.json").finish("succeeded")
    store.save_ingestion(first)
    assert store.create_ingestion(Ingestion(id="abc", file="b.json")) == first
    assert store.get_ingestion("abc") == first


def test_recent_ingestions_newest_first(store: Store) -> None:
    for i, started in enumerate(["2026-01-01T10:00:00+00:00", "2026-01-03T10:00:00+00:00",
                                 "2026-01-02T10:00:00+00:00"]):
        store.save_ingestion(Ingestion(id=f"id{i}", file=f"{i}.json", started=started))
    assert [r.id for r in store.recent_ingestions()] == ["id1", "id2", "id0"]


@pytest.mark.parametrize("limit", [0, 1, 2])
def test_recent_ingestions_honours_the_limit(store: Store, limit: int) -> None:
    for i in range(3):
        store.save_ingestion(Ingestion(id=f"id{i}", file="x.json",
                                       started=f"2026-01-0{i + 1}T00:00:00+00:00"))
    assert [r.id for r in store.recent_ingestions(limit)] == ["id2", "id1"][:limit]


def test_ingestions_gives_one_record_by_id_or_the_latest(store: Store) -> None:
    first = Ingestion(id="first", file="a.json", started="2026-11-25T10:00:00+00:00")
    second = Ingestion(id="second", file="b.json", started="2026-11-25T11:00:00+00:00")
    store.save_ingestion(first)
    store.save_ingestion(second)
    assert [r.id for r in store.ingestions("first")] == ["first"]
    assert [r.id for r in store.ingestions(limit=1)] == ["second"]


def test_ingestions_of_an_unknown_id_says_where_it_looked(store: Store) -> None:
    with pytest.raises(NotFoundError) as raised:
        store.ingestions("nope", where=" in stack riverside")
    assert str(raised.value) == "no ingestion with id 'nope' in stack riverside"
