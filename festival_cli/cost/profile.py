"""What one stored set costs in DynamoDB: capacity units, index entries and storage, measured.

Rules applied (DynamoDB developer guide, "Read/write capacity mode", "Global secondary indexes",
2026), to item sizes from `stores.dynamodb_items.item_size`:
- one write request unit per 1 KB of item (rounded up) per write, on the table AND on every
  global secondary index the item projects into: an index holds only items that carry its key
  attributes (sparse: `Date-Popularity` holds only the sets with a popularity score);
- one read request unit per 4 KB read strongly consistent, half of it eventually consistent
  (a GSI Query always is), the size being the sum of the items a Query returns;
- storage: every item's size + 100 bytes, and the same again for each index entry.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from festival_cli.core.model import Performance
from festival_cli.core.records import Ingestion
from festival_cli.core.schema import INDEXES, IndexSpec
from festival_cli.stores.dynamodb_items import ingestion_item_size, item_size, to_item

KB = 1024
GB = 1024**3
MILLION = 1_000_000
WRITE_UNIT_BYTES = 1 * KB
READ_UNIT_BYTES = 4 * KB
ITEM_OVERHEAD_BYTES = 100  # per stored item, and per index entry (storage only)
BATCH_WRITE_LIMIT = 25
QUERY_PAGE_BYTES = 1024 * KB  # a Query returns at most 1 MB per page

# DynamoDB's limits that bound this design (docs/design.md "Scale", AWS documentation 2026).
PARTITION_WRITES_PER_SECOND = 1_000  # write units a second into one partition (of a table or GSI)
NEW_TABLE_WRITES_PER_SECOND = 4_000  # what a new on-demand table serves at once


def write_units(size: int) -> int:
    """Write request units of one write of an item of `size` bytes: 1 per KB, rounded up."""
    return max(1, math.ceil(size / WRITE_UNIT_BYTES))


def read_units(size: int, *, consistent: bool = False) -> float:
    """Read request units of reading `size` bytes in one request: 1 per 4 KB, half if eventual."""
    units = max(1, math.ceil(size / READ_UNIT_BYTES))
    return float(units) if consistent else units / 2


def index_entry(item: Mapping[str, Any], index: IndexSpec) -> dict[str, Any] | None:
    """What `index` holds of `item` (projection ALL: all of it), or None when the item lacks a
    key attribute (a sparse index)."""
    if index.partition not in item or index.sort not in item:
        return None
    return dict(item)


# -- what one stored set costs --------------------------------------------------------------
@dataclass(frozen=True)
class ItemProfile:
    """Per stored set, averaged over the measured items: bytes, write units, index presence."""

    items: int  # how many items were measured
    table_bytes: float  # mean item size
    table_write_units: float  # mean write units of one put on the table
    index_write_units: dict[str, float]  # mean write units of one put on each index (0 if absent)
    index_share: dict[str, float]  # share of the items each index holds
    stored_bytes: float  # mean storage: item + 100, and each index entry + 100
    file_bytes: float  # mean bytes of the set in a lineup file (format 1 JSON)

    @property
    def write_units_per_put(self) -> float:
        return self.table_write_units + sum(self.index_write_units.values())

    @property
    def index_entry_bytes(self) -> float:
        """Mean bytes a Query of an index (projection ALL) returns per set."""
        return self.table_bytes


def measure_items(
    items: Sequence[Mapping[str, Any]],
    performances: Sequence[Performance],
    indexes: Sequence[IndexSpec] = INDEXES,
) -> ItemProfile:
    """Profile the items the store writes for `performances` (same order, same length)."""
    if not items or len(items) != len(performances):
        raise ValueError("measure_items needs one item per performance, and at least one")
    n = len(items)
    sizes = [item_size(i) for i in items]
    table_wcu = sum(write_units(s) for s in sizes) / n
    index_wcu: dict[str, float] = {}
    share: dict[str, float] = {}
    stored = float(sum(sizes) + ITEM_OVERHEAD_BYTES * n)
    for index in indexes:
        entries = [e for e in (index_entry(i, index) for i in items) if e is not None]
        entry_sizes = [item_size(e) for e in entries]
        index_wcu[index.name] = sum(write_units(s) for s in entry_sizes) / n
        share[index.name] = len(entries) / n
        stored += sum(entry_sizes) + ITEM_OVERHEAD_BYTES * len(entries)
    file_bytes = sum(len(json.dumps(p.to_record(), ensure_ascii=False).encode()) + 2
                     for p in performances) / n
    return ItemProfile(
        items=n,
        table_bytes=sum(sizes) / n,
        table_write_units=table_wcu,
        index_write_units=index_wcu,
        index_share=share,
        stored_bytes=stored / n,
        file_bytes=file_bytes,
    )


def mix_profiles(scored: ItemProfile, unscored: ItemProfile, scored_share: float) -> ItemProfile:
    """The profile of a lineup where `scored_share` of the sets have a popularity score."""

    def mix(a: float, b: float) -> float:
        return a * scored_share + b * (1 - scored_share)

    return ItemProfile(
        items=scored.items + unscored.items,
        table_bytes=mix(scored.table_bytes, unscored.table_bytes),
        table_write_units=mix(scored.table_write_units, unscored.table_write_units),
        index_write_units={
            k: mix(scored.index_write_units[k], unscored.index_write_units.get(k, 0.0))
            for k in scored.index_write_units
        },
        index_share={
            k: mix(scored.index_share[k], unscored.index_share.get(k, 0.0))
            for k in scored.index_share
        },
        stored_bytes=mix(scored.stored_bytes, unscored.stored_bytes),
        file_bytes=mix(scored.file_bytes, unscored.file_bytes),
    )


# Typical sets of a lineup, measured through the store's own encoding by the caller: name
# lengths of real festival lineups, some non-ASCII, popularity of 1-3 digits.
SAMPLE_SETS: tuple[Performance, ...] = (
    Performance("Aurora Fields", "Main", "2026-07-10", "18:00", "19:15", 87),
    Performance("The Midnight Cartographers", "Riverside Tent", "2026-07-10", "23:30", "01:00", 64),
    Performance("Sigur Rós Tribute", "Björk Stage", "2026-07-11", "20:00", "21:30", 100),
    Performance("DJ Kōji", "Club Nocturne", "2026-07-11", "01:00", "03:00", 5),
    Performance("Los Hermanos Núñez", "Second Stage", "2026-07-12", "14:15", "15:00", 42),
)


def measured_profile(scored_share: float) -> ItemProfile:
    """The profile of `SAMPLE_SETS` as the DynamoDB store writes them, `scored_share` of the
    sets with a popularity score: each as stored (`as_stored`), with its festival, time zone
    and identity."""
    scored = [as_stored(p, n) for n, p in enumerate(SAMPLE_SETS, start=1)]
    unscored = [(replace(p, popularity=None), guid, set_id, sequence, cancelled)
                for p, guid, set_id, sequence, cancelled in scored]
    return mix_profiles(
        measure_items([to_item(s[0], s) for s in scored], [s[0] for s in scored]),
        measure_items([to_item(s[0], s) for s in unscored], [s[0] for s in unscored]),
        scored_share,
    )


def as_stored(p: Performance, n: int) -> tuple[Performance, str, int, int, bool]:
    """`p` as the store keeps it: the festival and time zone of its file, a guid (a UUID's 36
    characters), an id of five digits and a sequence (a revision or two): ~110 bytes an item
    that the lineup's own fields do not show."""
    return (replace(p, festival="Riverside Sounds 2026", timezone="Europe/London"),
            f"5b0c1f7e-3a52-4f3e-9a55-{n:012x}", 10_000 + n, 1, False)


def measured_ingestion_bytes() -> tuple[int, int]:
    """Item bytes of a pending ingestion record, and of a final one listing the 50 changes a
    record keeps, as the DynamoDB store writes them."""
    pending = Ingestion(id="0123456789abcdef", file="uploads/riverside-sounds-2026.json")
    lines = [f"2026-07-1{i % 3}, Main Stage: The Midnight Cartographers 18:00–19:15 → "
             "19:00–20:15" for i in range(50)]
    final = pending.finish(
        "succeeded",
        counts={"performances": 240, "added": 20, "updated": 20, "removed": 10,
                "unchanged": 190},
        changes=lines,
        festival="Riverside Sounds 2026",
        timezone="Europe/London",
    )
    return ingestion_item_size(pending), ingestion_item_size(final)
