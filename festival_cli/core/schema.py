"""The storage schema of the sets, declared once: the table's key and its three indexes.

Every store derives its layout from these declarations: the DynamoDB key schema and global
secondary indexes (`stores/dynamodb_schema.py`, and through it the CloudFormation template's
test), the SQLite primary key and indexes (`stores/sqlite.py`), the key reads a query plans
(`core.query.KeyRead` names one of these specs) and the cost model's index writes.

Keys are named by the attribute names of the stored item (`core.model.ATTR_*`); a store whose
columns are named otherwise maps those names in one place of its own.

- `TABLE`: one item per set, keyed by performer and `date#start` (`Performance.sort_key`).
- `STAGE_DATE_START`: a stage's sets in time order (stage queries, with a time window).
- `DATE_TIME`: a date's sets by start time (date queries, `at` queries and the diff's reads).
- `DATE_POPULARITY`: a date's sets by popularity score. Sparse: a set without a score is not
  in it (DynamoDB leaves out an item lacking a key attribute; SQLite uses a partial index).
"""

from __future__ import annotations

from dataclasses import dataclass

from festival_cli.core.model import (
    ATTR_DATE,
    ATTR_PERFORMER,
    ATTR_POPULARITY,
    ATTR_SORT_KEY,
    ATTR_STAGE,
    ATTR_START,
)

TABLE_NAME = "table"  # the name a KeyRead of the table itself carries; not an index


@dataclass(frozen=True, slots=True)
class IndexSpec:
    """A key the stored sets can be read by: the table's primary key or a secondary index.

    `partition` and `sort` are attribute names. `sparse`: only sets that have the sort attribute
    are in the index. Every index projects the whole item (DynamoDB projection ALL).
    """

    name: str
    partition: str
    sort: str
    sparse: bool = False

    @property
    def is_table(self) -> bool:
        return self.name == TABLE_NAME

    @property
    def attributes(self) -> tuple[str, str]:
        return self.partition, self.sort


TABLE = IndexSpec(TABLE_NAME, ATTR_PERFORMER, ATTR_SORT_KEY)
STAGE_DATE_START = IndexSpec("Stage-Date-Start", ATTR_STAGE, ATTR_SORT_KEY)
DATE_TIME = IndexSpec("Date-Time", ATTR_DATE, ATTR_START)
DATE_POPULARITY = IndexSpec("Date-Popularity", ATTR_DATE, ATTR_POPULARITY, sparse=True)

INDEXES: tuple[IndexSpec, ...] = (STAGE_DATE_START, DATE_TIME, DATE_POPULARITY)
"""The secondary indexes, in the order the stores declare them."""

KEYED_ATTRIBUTES: tuple[str, ...] = tuple(
    dict.fromkeys(a for spec in (TABLE, *INDEXES) for a in spec.attributes)
)
"""Every attribute that is part of a key of the table or an index, each once."""


def date_keyed() -> tuple[IndexSpec, ...]:
    """The indexes partitioned by the date: one date is one partition of each of them."""
    return tuple(i for i in INDEXES if i.partition == ATTR_DATE)
