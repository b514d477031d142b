"""DynamoDB's item code and retry timing as the pure functions they are: no moto, no table."""

from __future__ import annotations

import random
from typing import Any, cast

import pytest

from festival_cli.stores.dynamodb import DynamoStore
from festival_cli.stores.dynamodb_items import from_item, key_of, to_item
from festival_cli.stores.dynamodb_schema import PERFORMANCES_DEFINITION
from tests.factories import perf


@pytest.mark.parametrize("popularity", [87, 0, None])
def test_an_item_round_trips_to_the_same_performance(popularity: int | None) -> None:
    p = perf(popularity=popularity)
    assert from_item(to_item(p)) == p


def test_an_item_without_a_score_has_no_popularity_attribute() -> None:
    assert "PopularityScore" not in to_item(perf(popularity=None))


def test_an_item_carries_the_key_and_every_index_attribute() -> None:
    item = to_item(perf())
    assert {k: v["S"] for k, v in item.items() if "S" in v} == {
        "Performer": "Aurora Fields", "DateStartTime": "2026-07-10#18:00", "Stage": "Main",
        "Date": "2026-07-10", "StartTime": "18:00", "EndTime": "19:15",
    }


def test_a_key_is_the_items_attributes_of_the_tables_key_schema() -> None:
    key = key_of(perf())
    assert list(key) == [k["AttributeName"] for k in PERFORMANCES_DEFINITION["KeySchema"]]
    assert key.items() <= to_item(perf()).items()


def test_backoff_bounds_grow_exponentially_with_full_jitter() -> None:
    """The delay is drawn, never sent: a store with no client computes it."""
    store = DynamoStore(cast(Any, None), "t", "i", rng=random.Random(7))
    bounds = [max(store._backoff(attempt) for _ in range(300)) for attempt in (1, 2, 3, 4)]
    assert bounds == sorted(bounds) and bounds[0] <= 0.1 and bounds[3] > 0.4
    assert min(store._backoff(1) for _ in range(300)) < 0.01
