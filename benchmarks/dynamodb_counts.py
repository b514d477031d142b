"""DynamoDB requests counted in moto: per ingest, per revision, per query, against the floor.

moto answers but does not throttle or bill, so only request counts are meaningful here, never
times or capacity (see docs/moto-notes.md): the floor of a write is ceil(items / 25) BatchWriteItem
calls, of a read one Query per page of at most 1 MB (per key range read).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from typing import Any

from festival_cli.core.ingest import ingest
from festival_cli.core.model import Lineup, Performance
from festival_cli.core.query import KeyRead, Query
from festival_cli.core.schema import DATE_TIME, TABLE
from festival_cli.stores.dynamodb_items import item_size

# A Query returns at most "1 MB" a page: moto counts 1,000,000 bytes of its own item sizes.
MOTO_PAGE_BYTES = 1_000_000


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

    from festival_cli.stores.dynamodb import DynamoStore
    from festival_cli.stores.dynamodb_items import to_item
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
        # The items as stored (identity attributes and any tombstones included) size the pages.
        stored = store.stored_on(store.stored_dates(), cancelled=True)
        for label, question in (
            ("--date", Query(date=day)),
            ("--performer", Query(performer=performances[0].performer)),
            ("--date --at (reads the date to T, and the evening before)",
             Query(date=day, at="21:30")),
        ):
            counter.reset()
            found = store.query(question)
            pages = sum(_pages(read, stored, to_item) for read in question.reads())
            plural = "s" if len(found) != 1 else ""
            out.append(Count(f"Query, {label}: {len(found):,} set{plural}", counter.calls["Query"],
                             pages))
        out += _publish_counts(store, counter, stored, to_item)
        out.append(Count("Scan, in all of the above", everything.calls["Scan"], 0))
    return out


def _publish_counts(store: Any, counter: Any, stored: list[Performance],
                    to_item: Any) -> list[Count]:
    """A publish of the stack's site, as the function does it: the Queries it reads (a Date-Time
    read per stored date, in pages, and one of the recent ingestions) and the PutObjects it
    writes (one per file), against their floors."""
    import boto3

    from festival_cli.publish.bucket import put_site, remove_gone_calendars
    from festival_cli.publish.layout import stack_site
    from tests.aws.moto_world import REGION, RequestCounter

    s3: Any = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="bench-site", CreateBucketConfiguration={"LocationConstraint": REGION})
    puts = RequestCounter(s3)
    counter.reset()
    files = stack_site(store)
    put_site(s3, "bench-site", files)
    remove_gone_calendars(s3, "bench-site", files)  # none gone: one list, no delete
    dates = store.stored_dates()
    floor = sum(_pages(KeyRead(DATE_TIME, day), stored, to_item) for day in dates) + 1
    return [
        Count(f"Query, publish of the site ({len(dates):,} dates, recent ingestions)",
              counter.calls["Query"], floor),
        Count(f"PutObject, publish of the site ({len(files):,} files)",
              puts.calls["PutObject"], len(files)),
        Count("ListObjectsV2 + DeleteObject, publish of the site (its stage folder; no stage "
              "gone)", puts.calls["ListObjectsV2"] + puts.calls["DeleteObject"], 1),
    ]


def _pages(read: KeyRead, performances: list[Performance], to_item: Any) -> int:
    """Pages of one key-range read: its items' bytes over moto's page size (at least one)."""
    def inside(key: str) -> bool:
        return ((read.low is None or str(read.low) <= key)
                and (read.high is None or key <= str(read.high)))

    if read.index == TABLE:
        items = [p for p in performances if p.performer == read.partition and inside(p.sort_key)]
    elif read.index == DATE_TIME:
        items = [p for p in performances if p.date == read.partition and inside(p.start)]
    else:
        raise ValueError(f"no page count for {read.index.name}")
    size = sum(item_size(to_item(p, (p, p.guid or "", p.set_id or 0, p.sequence, p.cancelled)))
               for p in items)
    return max(1, math.ceil(size / MOTO_PAGE_BYTES))


def _file(lineup: Lineup) -> bytes:
    import json

    return json.dumps(lineup.to_document()).encode()
