"""Contract, as a property: applying lineup B over stored lineup A leaves exactly B for B's dates
and A elsewhere (with --merge: A's sets of those dates that B does not list stay too)."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from festival_cli.core.model import Performance
from festival_cli.core.store import Store
from festival_cli.stores.dynamodb import DynamoStore
from tests.aws.moto_world import REGION, create_tables, empty_tables, fake_aws
from tests.contract.backends import STORE_FACTORIES
from tests.factories import lineup

DATES = ["2026-07-10", "2026-07-11", "2026-07-12"]
TIMES = ["18:00", "19:00", "23:30", "01:00"]

performances = st.builds(
    Performance,
    performer=st.sampled_from(["A", "B", "Ç"]),
    stage=st.sampled_from(["Main", "Tent"]),
    date=st.sampled_from(DATES),
    start=st.sampled_from(TIMES),
    end=st.sampled_from(["18:30", "20:00", "00:15"]),
    popularity=st.one_of(st.none(), st.sampled_from([0, 50, 100])),
).filter(lambda p: p.start != p.end)


def unique(sets: list[Performance]) -> list[Performance]:
    """One set per key, as a valid lineup file has."""
    return list({p.key: p for p in sets}.values())


TABLE, INGESTIONS_TABLE = "property-Performances", "property-Ingestions"


@pytest.fixture(scope="module")
def moto_tables() -> Iterator[Any]:
    """One moto and one pair of tables for the module's DynamoDB examples (starting moto and
    creating tables per example dominated the run); `fresh_store` empties them each time."""
    with pytest.MonkeyPatch.context() as env, fake_aws(env):
        client = boto3.client("dynamodb", region_name=REGION)
        create_tables(client, TABLE, INGESTIONS_TABLE)
        yield client


@contextlib.contextmanager
def fresh_store(backend: str, request: pytest.FixtureRequest,
                directory: Path) -> Iterator[Store]:
    """An empty store of `backend`: DynamoDB on the module's emptied tables (moto is started
    only when a DynamoDB example runs), any other backend from its contract factory."""
    if backend != "dynamodb":
        with STORE_FACTORIES[backend](directory) as store:
            yield store
        return
    client = request.getfixturevalue("moto_tables")
    empty_tables(client, TABLE, INGESTIONS_TABLE)
    with DynamoStore(client, TABLE, INGESTIONS_TABLE, sleep=lambda _s: None) as dynamo:
        assert dynamo.count() == 0
        yield dynamo


lineups = st.lists(performances, min_size=1, max_size=8).map(unique)


@pytest.mark.parametrize("backend", sorted(STORE_FACTORIES))
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=lineups, b=lineups, merge=st.booleans())
def test_applying_b_over_a(request: pytest.FixtureRequest, backend: str,
                           a: list[Performance], b: list[Performance], merge: bool) -> None:
    b_dates = {p.date for p in b}
    expected = {p for p in a if p.date not in b_dates} | set(b)
    if merge:
        b_keys = {p.key for p in b}
        expected |= {p for p in a if p.date in b_dates and p.key not in b_keys}
    with tempfile.TemporaryDirectory() as directory, \
            fresh_store(backend, request, Path(directory)) as store:
        store.apply_lineup(lineup(*a))
        store.apply_lineup(lineup(*b), merge=merge)
        assert set(store.stored_on(DATES)) == expected
