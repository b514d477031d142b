"""DynamoStore against moto: what the contract suite (tests/contract/, run on both backends)
cannot see. Batching by 25, retries and throttling, request counts, paging, leases, and the
size of the ingestion item. Item code as pure functions: tests/test_dynamodb_items.py."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from festival_cli.core.errors import ConcurrentRevisionError, StoreError, TransientStoreError
from festival_cli.core.model import Performance
from festival_cli.core.plan import Plan, compute_plan, new_guid_prefix
from festival_cli.core.query import KeyRead, Query
from festival_cli.core.records import Ingestion
from festival_cli.core.schema import DATE_TIME
from festival_cli.stores.dynamodb import DynamoStore
from festival_cli.stores.dynamodb_items import ingestion_item_size, item_size
from tests.aws.moto_world import RequestCounter, World
from tests.factories import big_lineup, lineup, perf


def throttled(code: str = "ProvisionedThroughputExceededException") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "slow down"},
                        "ResponseMetadata": {"HTTPStatusCode": 400}}, "BatchWriteItem")


# -- writing -------------------------------------------------------------------------------
@pytest.mark.parametrize(("n", "requests"), [(1, 1), (25, 1), (26, 2), (60, 3)])
def test_n_new_sets_take_ceil_n_over_25_batch_writes(world: World, n: int, requests: int) -> None:
    store = world.store()
    counter = RequestCounter(world.dynamodb)
    sets = big_lineup(n, days=1)
    store.apply_lineup(lineup(*sets))
    assert counter.writes == requests
    assert all(len(batch) <= 25 for batch in counter.batches)
    assert sorted(store.stored_on(["2026-07-10"]), key=str) == sorted(sets, key=str)


def test_reapplying_the_same_lineup_writes_nothing(world: World) -> None:
    store = world.store()
    sets = lineup(*big_lineup(80, days=1))
    store.apply_lineup(sets)
    counter = RequestCounter(world.dynamodb)
    plan = store.apply_lineup(sets)
    assert (counter.writes, plan.counts()["unchanged"]) == (0, 80)


def test_a_revision_touching_k_sets_takes_ceil_k_over_25_writes(world: World) -> None:
    store = world.store()
    sets = big_lineup(200, days=1)
    store.apply_lineup(lineup(*sets))
    revised = [Performance(p.performer, p.stage, p.date, p.start, p.end, 1) if i < 30 else p
               for i, p in enumerate(sets)][:-20]  # 30 changed, 20 cancelled
    counter = RequestCounter(world.dynamodb)
    store.apply_lineup(lineup(*revised))
    assert counter.writes == 2  # 50 writes: two batches of 25


def batch_keys(batch: list[dict[str, Any]]) -> list[tuple[str, str]]:
    keys = []
    for request in batch:
        item = request["PutRequest"]["Item"] if "PutRequest" in request else \
            request["DeleteRequest"]["Key"]
        keys.append((item["Performer"]["S"], item["DateStartTime"]["S"]))
    return keys


def test_a_batch_never_names_the_same_key_twice(world: World) -> None:
    store = world.store()
    twice = perf(popularity=10), perf(popularity=20)  # one key, put twice and deleted once
    plan = Plan(dates=("2026-07-10",), added=(*twice, *big_lineup(30, days=1)),
                purged=(perf(popularity=5),)).with_fresh_ids(1, new_guid_prefix())
    counter = RequestCounter(world.dynamodb)
    store._apply(plan)
    keys = [key for batch in counter.batches for key in batch_keys(batch)]
    assert len(keys) == len(set(keys)) == 31
    assert store.stored_on(["2026-07-10"]).count(perf(popularity=20)) == 1


def test_unprocessed_items_are_retried_until_all_are_written(world: World) -> None:
    sleeps: list[float] = []
    store = world.store(sleep=sleeps.append)
    real = world.dynamodb.batch_write_item
    calls = {"n": 0}

    def flaky(**kwargs: Any) -> dict[str, Any]:
        calls["n"] += 1
        requests = kwargs["RequestItems"][world.table]
        if calls["n"] <= 2:  # write only the first item, give the rest back
            real(RequestItems={world.table: requests[:1]})
            return {"UnprocessedItems": {world.table: requests[1:]}}
        return real(**kwargs)

    world.dynamodb.batch_write_item = flaky
    sets = big_lineup(20, days=1)
    store.apply_lineup(lineup(*sets))
    assert sorted(store.stored_on(["2026-07-10"]), key=str) == sorted(sets, key=str)
    assert (calls["n"], len(sleeps)) == (3, 2)


def test_items_left_unprocessed_after_the_last_attempt_raise_a_transient_error(
    world: World,
) -> None:
    sleeps: list[float] = []
    store = world.store(sleep=sleeps.append, max_attempts=4)

    def stuck(**kwargs: Any) -> dict[str, Any]:  # takes 5 items once, then nothing
        requests = kwargs["RequestItems"][world.table]
        return {"UnprocessedItems": {world.table: requests[5:] if len(requests) > 5 else requests}}

    world.dynamodb.batch_write_item = stuck
    with pytest.raises(TransientStoreError, match=r"left 5 of 10 items .* after 4 attempts"):
        store.apply_lineup(lineup(*big_lineup(10, days=1)))
    assert len(sleeps) == 3


def test_a_throttling_error_is_retried(world: World) -> None:
    store = world.store()
    real = world.dynamodb.batch_write_item
    failures = [throttled(), throttled("ThrottlingException")]

    def throttling(**kwargs: Any) -> dict[str, Any]:
        if failures:
            raise failures.pop()
        return real(**kwargs)

    world.dynamodb.batch_write_item = throttling
    store.apply_lineup(lineup(perf()))
    assert store.stored_on(["2026-07-10"]) == [perf()]


def test_a_validation_error_is_a_permanent_store_error(world: World) -> None:
    store = world.store()

    def invalid(**kwargs: Any) -> dict[str, Any]:
        raise ClientError({"Error": {"Code": "ValidationException", "Message": "bad"}},
                          "BatchWriteItem")

    world.dynamodb.batch_write_item = invalid
    with pytest.raises(StoreError, match="ValidationException: bad") as caught:
        store.apply_lineup(lineup(perf()))
    assert not isinstance(caught.value, TransientStoreError)


def test_a_missing_table_is_a_store_error(world: World) -> None:
    store = DynamoStore(world.dynamodb, "no-such-table", world.ingestions_table)
    with pytest.raises(StoreError, match="ResourceNotFoundException"):
        store.query(Query(performer="Aurora Fields"))


# -- reading -------------------------------------------------------------------------------
def stocked(world: World) -> DynamoStore:
    store = world.store()
    store.apply_lineup(lineup(
        perf(),
        perf("Night Owls", "Club", start="23:30", end="02:00", popularity=None),
        perf("Brass Tide", "Main", "2026-07-11", "20:00", "21:00", 95),
        perf("Aurora Fields", "Tent", "2026-07-11", "16:00", "17:00", 60),
    ))
    return store


def test_queries_issue_query_requests_only(world: World) -> None:
    store = stocked(world)
    counter = RequestCounter(world.dynamodb)
    store.query(Query(date="2026-07-11", at="01:00"))
    store.query(Query(stage="Main", date="2026-07-10"))
    store.query(Query(date="2026-07-11", min_popularity=50))
    store.query(Query(performer="Aurora Fields"))
    assert set(counter.calls) == {"Query"}


def test_a_read_follows_every_page(world: World) -> None:
    store = world.store()
    sets = big_lineup(40, days=1)
    store.apply_lineup(lineup(*sets))
    real = world.dynamodb.query
    pages = []

    def small_pages(**kwargs: Any) -> dict[str, Any]:
        response = real(**kwargs, Limit=7)
        pages.append(response)
        return response

    world.dynamodb.query = small_pages
    assert len(list(store._read(KeyRead(DATE_TIME, "2026-07-10")))) == 40
    assert len(pages) == 6


# -- revisions: one lease per date ---------------------------------------------------------
def test_a_second_revision_of_the_same_date_is_refused_while_one_runs(world: World) -> None:
    first, second = world.store(), world.store()
    with first._revision(["2026-07-10"]), pytest.raises(ConcurrentRevisionError,
                                                        match="2026-07-10"):
        second.apply_lineup(lineup(perf()))
    assert second.stored_on(["2026-07-10"]) == []


def test_a_revision_of_other_dates_runs_alongside(world: World) -> None:
    first, second = world.store(), world.store()
    with first._revision(["2026-07-11"]):
        second.apply_lineup(lineup(perf()))
    assert second.stored_on(["2026-07-10"]) == [perf()]


def test_a_refused_revision_releases_the_dates_it_had_taken(world: World) -> None:
    first, second = world.store(), world.store()
    with first._revision(["2026-07-11"]), pytest.raises(ConcurrentRevisionError):
        second.apply_lineup(lineup(perf(), perf(date="2026-07-11")))
    first.apply_lineup(lineup(perf(popularity=1)))  # 2026-07-10 was given back


def test_a_lease_is_released_after_the_revision(world: World) -> None:
    first, second = world.store(), world.store()
    first.apply_lineup(lineup(perf()))
    second.apply_lineup(lineup(perf(popularity=3)))
    assert second.stored_on(["2026-07-10"]) == [perf(popularity=3)]


def test_an_expired_lease_is_taken_over(world: World) -> None:
    now = [1_000_000.0]
    first = world.store(clock=lambda: now[0])
    second = world.store(clock=lambda: now[0])
    with first._revision(["2026-07-10"]):
        now[0] += first.lease_seconds + 1
        second.apply_lineup(lineup(perf()))
    assert second.stored_on(["2026-07-10"]) == [perf()]


def test_two_functions_ingesting_at_once_never_share_a_set_id(world: World) -> None:
    """Each ingestion takes a block of ids with one atomic `UpdateItem ADD`: however two
    functions interleave, their blocks never overlap."""
    first, second = world.store(), world.store()
    seen: list[dict[str, Any]] = []
    world.dynamodb.meta.events.register(
        "before-parameter-build.dynamodb.UpdateItem", lambda params, **_: seen.append(params))
    blocks = [(first._allocate_ids(30), 30), (second._allocate_ids(7), 7),
              (first._allocate_ids(1), 1)]
    ids = [i for start, count in blocks for i in range(start, start + count)]
    assert len(ids) == len(set(ids)) == 38
    assert all(p["UpdateExpression"].startswith("ADD ") for p in seen)
    first.apply_lineup(lineup(*big_lineup(20, days=1)))
    second.apply_lineup(lineup(*big_lineup(20, first_date="2026-07-12", days=1)))
    stored = first.stored_on(["2026-07-10", "2026-07-12"])
    assert len({p.set_id for p in stored}) == 40
    assert not {p.set_id for p in stored} & set(ids)


def test_interleaved_revisions_leave_exactly_one_of_them(world: World) -> None:
    """Two files revising one date: the second waits for the first, then wins whole."""
    first, second = world.store(), world.store()
    a = lineup(*big_lineup(30, days=1))
    b = lineup(*[Performance(p.performer, "Tent", p.date, p.start, p.end, 5)
                 for p in big_lineup(40, days=1)])
    with first._revision(a.dates):
        with pytest.raises(ConcurrentRevisionError):
            second.apply_lineup(b)
        plan = compute_plan(a.performances, first.stored_on(a.dates))
        first._apply(plan.with_fresh_ids(first._allocate_ids(plan.fresh_count),
                                         new_guid_prefix()))
    second.apply_lineup(b)  # the retry
    assert sorted(first.stored_on(b.dates), key=str) == sorted(b.performances, key=str)


# -- ingestion records ---------------------------------------------------------------------
def test_a_duplicate_create_returns_the_record_it_met_without_reading_it(world: World) -> None:
    """The refused conditional put carries the item (ReturnValuesOnConditionCheckFailure)."""
    store = world.store()
    first = Ingestion(id="abc", file="lineup.json")
    assert store.create_ingestion(first) is None
    counter = RequestCounter(world.dynamodb)
    assert store.create_ingestion(Ingestion(id="abc", file="other.json")) == first
    assert dict(counter.calls) == {"PutItem": 1}


def test_a_duplicate_create_reads_the_record_when_the_error_carries_no_item(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A DynamoDB that ignored ALL_OLD: the record is read instead (moto does return it, so
    the item is taken out of the error here)."""
    store = world.store()
    first = Ingestion(id="abc", file="lineup.json")
    store.create_ingestion(first)
    put = world.dynamodb.put_item

    def put_without_item(**request: Any) -> Any:
        try:
            return put(**request)
        except ClientError as exc:
            exc.response.pop("Item", None)
            raise

    monkeypatch.setattr(world.dynamodb, "put_item", put_without_item)
    counter = RequestCounter(world.dynamodb)
    assert store.create_ingestion(Ingestion(id="abc", file="other.json")) == first
    assert dict(counter.calls) == {"PutItem": 1, "GetItem": 1}


def test_recent_ingestions_are_newest_first_through_a_query(world: World) -> None:
    store = world.store()
    for i in range(5):
        store.save_ingestion(Ingestion(id=f"id{i}", file="f", started=f"2026-01-0{i + 1}"))
    with store._revision(["2026-07-10"]):  # a lease item is not an ingestion
        counter = RequestCounter(world.dynamodb)
        recent = store.recent_ingestions(limit=3)
        assert set(counter.calls) == {"Query"}
    assert [r.id for r in recent] == ["id4", "id3", "id2"]


def test_a_lease_is_not_an_ingestion(world: World) -> None:
    store = world.store()
    with store._revision(["2026-07-10"]):
        assert store.get_ingestion("lock#2026-07-10") is None


def test_long_lists_are_capped_in_the_stored_record(world: World) -> None:
    store = world.store()
    errors = [f"lineup.json:{i}:1: problem {i} " + "x" * 1000 for i in range(5000)]
    store.save_ingestion(Ingestion(id="big", file="f").finish("rejected", errors=errors))
    stored = store.get_ingestion("big")
    assert stored is not None
    assert (len(stored.errors), stored.total("errors"), stored.hidden("errors")) == (
        100, 5000, 4900)
    assert max(len(e) for e in stored.errors) <= 500


def test_a_record_quoting_a_lone_surrogate_is_saved(world: World) -> None:
    store = world.store()
    store.save_ingestion(Ingestion(id="odd", file="f").finish("rejected", errors=["key '\udc80'"]))
    stored = store.get_ingestion("odd")
    assert stored is not None and stored.errors == ["key '\\udc80'"]


def test_a_record_of_long_non_ascii_lines_still_fits_in_an_item(world: World) -> None:
    store = world.store()
    wide = ["𝄞" * 600 for _ in range(300)]  # 4 bytes a character
    store.save_ingestion(Ingestion(id="wide", file="f").finish(
        "rejected", errors=wide, warnings=wide, changes=wide))
    stored = store.get_ingestion("wide")
    assert stored is not None and len(stored.errors) < 100
    assert (stored.total("errors"), stored.total("warnings"), stored.total("changes")) == (
        300, 300, 300)


def test_a_record_cut_twice_keeps_its_first_total_as_a_number(world: World) -> None:
    """Cut to 50 changes by the ingestion, then to fewer to fit an item: still 3,000 changes."""
    store = world.store()
    wide = ["𝄞" * 600 for _ in range(50)]
    record = Ingestion(id="twice", file="f").finish(
        "succeeded", changes=wide, warnings=wide * 6, totals={"changes": 3000})
    store.save_ingestion(record)
    stored = store.get_ingestion("twice")
    assert stored is not None and len(stored.changes) < 50
    assert (stored.total("changes"), stored.total("warnings")) == (3000, 300)
    assert not any("more" in line for line in stored.changes)


def test_the_ingestion_item_size_is_that_of_the_item_the_store_writes(world: World) -> None:
    store = world.store()
    record = Ingestion(id="sized", file="uploads/f.json").finish(
        "succeeded", counts={"added": 2}, changes=["Björk Stage: A 18:00–19:00"])
    store.create_ingestion(record)
    written = world.dynamodb.get_item(TableName=store.ingestions_table,
                                      Key={"IngestionId": {"S": "sized"}})["Item"]
    assert ingestion_item_size(record) == item_size(written) > 100
