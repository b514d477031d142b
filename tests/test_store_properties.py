"""Properties (hypothesis) over both stores: any valid lineup file round-trips unchanged, and the
local store and DynamoDB (moto) answer every query identically.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from festival_cli.core.ingest import ingest
from festival_cli.core.lineup import check_lineup
from festival_cli.core.model import Lineup, Performance, hhmm, shift_date
from festival_cli.core.query import Query
from festival_cli.core.store import Store
from festival_cli.stores.dynamodb import DynamoStore
from tests.aws.moto_world import REGION, create_tables, empty_tables, fake_aws
from tests.contract.backends import STORE_FACTORIES

FIRST_DATE = "2026-07-10"

# Valid names: no surrogate, control or bidirectional control character; in NFC, trimmed.
names = (
    st.text(st.characters(exclude_categories=["Cs", "Cc"],
                          exclude_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067"
                                             "\u2068\u2069"), min_size=1, max_size=40)
    .map(lambda text: unicodedata.normalize("NFC", text).strip())
    .filter(bool)
)
times = st.integers(0, 24 * 60 - 1).map(hhmm)


@st.composite
def performances(draw: st.DrawFn, performers: list[str], stages: list[str]) -> Performance:
    start = draw(times)
    end = draw(times.filter(lambda t: t != start))
    return Performance(
        performer=draw(st.sampled_from(performers)),
        stage=draw(st.sampled_from(stages)),
        date=shift_date(FIRST_DATE, draw(st.integers(0, 3))),
        start=start,
        end=end,
        popularity=draw(st.none() | st.integers(0, 100)),
    )


@st.composite
def lineups(draw: st.DrawFn) -> Lineup:
    performers = draw(st.lists(names, min_size=1, max_size=5, unique=True))
    stages = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    sets = draw(st.lists(performances(performers, stages), min_size=1, max_size=25))
    unique = list({p.key: p for p in sets}.values())  # one set per key, as a valid file has
    return Lineup(tuple(unique), festival=draw(st.none() | names))


TABLE, INGESTIONS_TABLE = "p-properties", "i-properties"


@pytest.fixture(scope="module")
def aws() -> Iterator[Any]:
    """One moto and one pair of tables for the module (creating tables per example would
    dominate the run); `both_stores` empties them before each example."""
    with pytest.MonkeyPatch.context() as env, fake_aws(env):
        client = boto3.client("dynamodb", region_name=REGION)
        create_tables(client, TABLE, INGESTIONS_TABLE)
        yield client


@contextlib.contextmanager
def both_stores(client: Any) -> Iterator[tuple[Store, Store]]:
    """A fresh local store and a DynamoDB store on the module's tables, emptied first."""
    empty_tables(client, TABLE, INGESTIONS_TABLE)
    with tempfile.TemporaryDirectory() as directory, \
            STORE_FACTORIES["sqlite"](Path(directory)) as local, \
            DynamoStore(client, TABLE, INGESTIONS_TABLE, sleep=lambda _s: None) as dynamodb:
        assert dynamodb.count() == 0
        yield local, dynamodb


def _file(lineup: Lineup) -> bytes:
    return json.dumps(lineup.to_document(), ensure_ascii=False).encode()


def _questions(lineup: Lineup, draw: st.DataObject) -> list[Query]:
    """One question of each selector (docs/design.md "Queries"), aimed at a set the lineup holds."""
    p = draw.draw(st.sampled_from(lineup.performances))
    day = draw.draw(st.sampled_from(sorted({q.date for q in lineup.performances})))
    until = p.ends_at.isoformat(timespec="minutes")
    return [
        Query(performer=p.performer),
        Query(performer=p.performer, date=p.date),
        Query(stage=p.stage, start=f"{p.date}T{p.start}", end=until),
        Query(stage=p.stage, date=day),
        Query(date=day),
        Query(date=p.end_date, at=p.end),  # the moment it ends: not playing any more
        Query(date=day, at=draw.draw(times)),
        Query(date=day, min_popularity=draw.draw(st.integers(0, 100))),
    ]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lineup=lineups())
def test_a_valid_lineup_round_trips_through_both_stores_unchanged(aws: Any,
                                                                  lineup: Lineup) -> None:
    data = _file(lineup)
    report = check_lineup(data, "lineup.json")
    assert report.ok, [p.describe() for p in report.errors]
    assert set(report.accepted().performances) == set(lineup.performances)
    with both_stores(aws) as stores:
        for store in stores:
            ingest(store, data, "lineup.json")
            stored = store.stored_on(lineup.dates)
            assert sorted(stored, key=Performance.chronological) == sorted(
                lineup.performances, key=Performance.chronological)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lineup=lineups(), data=st.data())
def test_both_stores_answer_every_query_identically(aws: Any, lineup: Lineup,
                                                     data: st.DataObject) -> None:
    with both_stores(aws) as (local, dynamodb):
        local.apply_lineup(lineup)
        dynamodb.apply_lineup(lineup)
        for question in _questions(lineup, data):
            assert local.query(question) == dynamodb.query(question), question
