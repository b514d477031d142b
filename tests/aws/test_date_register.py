"""The register of stored dates on a stack: one item, no Scan, never missing a date with sets."""

from __future__ import annotations

from typing import Any

import pytest

from festival_cli.core.errors import StoreError
from festival_cli.stores.dynamodb_register import REGISTER_ID
from tests.aws.moto_world import RequestCounter, World
from tests.factories import big_lineup, lineup, perf


def test_exporting_everything_reads_the_register_then_one_query_per_date(world: World) -> None:
    store = world.store()
    store.apply_lineup(lineup(*big_lineup(60, days=3)))
    counter = RequestCounter(world.dynamodb)
    exported = store.export()
    assert len(exported.performances) == 60
    assert "Scan" not in counter.calls
    assert counter.calls["GetItem"] == 1
    assert counter.calls["Query"] >= 3  # one per date (+ the ingestion records' names)


def test_the_register_is_one_item_that_is_not_an_ingestion(world: World) -> None:
    store = world.store()
    store.apply_lineup(lineup(perf(date="2026-07-10"), perf(date="2026-07-12")))
    item = world.dynamodb.get_item(TableName=world.ingestions_table,
                                   Key={"IngestionId": {"S": REGISTER_ID}})["Item"]
    assert sorted(item["Dates"]["SS"]) == ["2026-07-10", "2026-07-12"]
    assert store.get_ingestion(REGISTER_ID) is None
    assert store.recent_ingestions() == []


def test_an_interrupted_write_leaves_its_dates_registered(world: World) -> None:
    store = world.store(max_attempts=1)

    def failing(**kwargs: Any) -> dict[str, Any]:
        raise StoreError("the table went away")

    world.dynamodb.batch_write_item = failing
    with pytest.raises(StoreError):
        store.apply_lineup(lineup(perf(date="2026-07-10")))
    assert store.stored_dates() == ["2026-07-10"]  # a date too many reads as no sets: safe


def test_register_updates_are_atomic_set_additions(world: World) -> None:
    # ADD on a string set: two ingestions of different dates never overwrite each other's.
    store = world.store()
    counter = RequestCounter(world.dynamodb)
    seen: list[dict[str, Any]] = []
    world.dynamodb.meta.events.register(
        "before-parameter-build.dynamodb.UpdateItem",
        lambda params, **_: seen.append(params))
    store.apply_lineup(lineup(perf(date="2026-07-10")))
    registering = [p for p in seen if p["Key"]["IngestionId"]["S"] == REGISTER_ID]
    assert counter.calls["UpdateItem"] == 2  # the register, and the counter of set ids
    assert len(registering) == 1
    assert registering[0]["UpdateExpression"].startswith("ADD ")
