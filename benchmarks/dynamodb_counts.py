"""DynamoDB requests counted in moto: per ingest, per revision, per query, against the floor.

moto answers but does not throttle or bill, so only request counts are meaningful here, never
times or capacity (see MOTO-NOTES.md): the floor of a write is ceil(items / 25) BatchWriteItem
calls, of a read one Query per page of at most 1 MB.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from typing import Any

from festival_cli.core.cost import QUERY_PAGE_BYTES, item_size
from festival_cli.core.ingest import ingest
from festival_cli.core.model import Lineup
from festival_cli.core.query import Query


@dataclass(frozen=True)
class Count:
    """Requests made and the floor for the same work."""

    what: str
    made: int
    floor: int


def counts(sets: int) -> list[Count]:
    """Ingest `sets` sets, re-ingest them unchanged, revise 1 %, and query one date."""
    import boto3
    from moto import mock_aws

    from festival_cli.stores.dynamodb import DynamoStore, to_item
    from tests.aws.moto_world import (
        CLEARED_ENVIRONMENT,
        FAKE_ENVIRONMENT,
        REGION,
        RequestCounter,
        create_tables,
    )
    from tests.factories import big_lineup

    for name in CLEARED_ENVIRONMENT:
        os.environ.pop(name, None)
    os.environ.update(FAKE_ENVIRONMENT)
    performances = big_lineup(sets)
    first = Lineup(tuple(performances), festival="Big Fest")
    changed = max(1, sets // 100)
    # 1 %: the popularity of every 100th set changes (an update, written as one put each).
    revised = Lineup(tuple(
        replace(p, popularity=((p.popularity or 0) + 1) % 101) if i % 100 == 0 else p
        for i, p in enumerate(performances)), festival="Big Fest")
    revised_changed = sum(1 for a, b in zip(first.performances, revised.performances,
                                            strict=True) if a != b)
    assert revised_changed == changed

    out: list[Count] = []
    with mock_aws():
        client: Any = boto3.client("dynamodb", region_name=REGION)
        create_tables(client, "bench-Performances", "bench-Ingestions")
        counter = RequestCounter(client)
        everything = RequestCounter(client)  # never reset
        store = DynamoStore(client, "bench-Performances", "bench-Ingestions",
                            sleep=lambda _s: None)

        ingest(store, _file(first), "big.json", ingestion_id="first")
        out.append(Count(f"BatchWriteItem, ingest of {sets:,} new sets", counter.writes,
                         math.ceil(sets / 25)))
        biggest = max(len(b) for b in counter.batches)
        out.append(Count("items in the largest BatchWriteItem", biggest, 25))

        counter.reset()
        ingest(store, _file(first), "big.json", ingestion_id="again")
        out.append(Count(f"BatchWriteItem, re-ingest of the same {sets:,} sets",
                         counter.writes, 0))

        counter.reset()
        ingest(store, _file(revised), "big.json", ingestion_id="revised")
        out.append(Count(f"BatchWriteItem, revision changing 1 % ({changed:,} sets)",
                         counter.writes, math.ceil(changed / 25)))

        day = performances[0].date
        answer_bytes = sum(item_size(to_item(p)) for p in performances if p.date == day)
        counter.reset()
        found = store.query(Query(date=day))
        pages = max(1, math.ceil(answer_bytes / QUERY_PAGE_BYTES))
        out.append(Count(f"Query, --date ({len(found):,} sets, {answer_bytes / 1e6:.1f} MB)",
                         counter.calls["Query"], pages))
        counter.reset()
        store.query(Query(performer=performances[0].performer))
        out.append(Count("Query, --performer", counter.calls["Query"], 1))
        counter.reset()
        store.query(Query(date=day, at="21:30"))
        out.append(Count("Query, --date --at (the date + the evening before)",
                         counter.calls["Query"], 2))
        out.append(Count("Scan, in all of the above", everything.calls["Scan"], 0))
    return out


def _file(lineup: Lineup) -> bytes:
    import json

    return json.dumps(lineup.to_document()).encode()
