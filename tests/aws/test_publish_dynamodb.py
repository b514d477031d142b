"""The site of a stack's tables: build_site reads DynamoDB with Queries only, never a Scan."""

from __future__ import annotations

import json
from pathlib import Path

from festival_cli.core.ingest import ingest
from festival_cli.publish.site import build_site
from tests.aws.moto_world import RequestCounter, World

ROOT = Path(__file__).resolve().parents[2]


def test_the_site_of_a_stack_s_tables_is_read_with_queries_only(world: World) -> None:
    store = world.store()
    lineup = (ROOT / "examples/lineup.json").read_bytes()
    ingest(store, lineup, "lineup.json")
    dates = store.stored_dates()
    counter = RequestCounter(world.dynamodb)
    files = {f.path: f for f in build_site(store)}
    assert counter.calls["Scan"] == 0
    # One Query per stored date (a page each here), one for the recent ingestions; the register.
    assert counter.calls["Query"] == len(dates) + 1
    assert counter.calls["GetItem"] == 1
    assert sum(counter.calls.values()) == len(dates) + 2
    schedule = json.loads(files["schedule.json"].body)
    events = [e for day in schedule["schedule"]["conference"]["days"]
              for room in day["rooms"].values() for e in room]
    assert len(events) == len(json.loads(lineup)["performances"])
    stored = {p.guid: p.set_id for p in store.stored_on(dates)}
    assert {e["guid"]: e["id"] for e in events} == stored
