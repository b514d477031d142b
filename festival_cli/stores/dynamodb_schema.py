"""The two DynamoDB tables as data: what the tests create in moto and the template must match.

`Performances` holds one item per set, its key and GSIs derived from `core.schema`; `Ingestions`
holds one item per ingestion (`Kind` = "ingestion", listed newest first through the sparse
`Recent` index) and, as items without `Kind` and with a TTL (`ExpiresAt`), the per-date
revision leases. Both are on-demand (PAY_PER_REQUEST). `table_definition(...)` gives
`create_table` keyword arguments; the CloudFormation template declares the same keys, indexes
and projections.
"""

from __future__ import annotations

from typing import Any

from festival_cli.core.model import (
    ATTR_DATE,
    ATTR_PERFORMER,
    ATTR_POPULARITY,
    ATTR_SORT_KEY,
    ATTR_STAGE,
    ATTR_START,
)
from festival_cli.core.schema import INDEXES, KEYED_ATTRIBUTES, TABLE, IndexSpec

PERFORMANCES = "Performances"
INGESTIONS = "Ingestions"

# -- Ingestions -----------------------------------------------------------------------------
ATTR_INGESTION_ID = "IngestionId"
ATTR_KIND = "Kind"  # "ingestion" on records; absent on leases, so they stay out of `Recent`
ATTR_STARTED = "Started"
ATTR_EXPIRES_AT = "ExpiresAt"  # TTL attribute (epoch seconds) of the revision leases
INDEX_RECENT = "Recent"
KIND_INGESTION = "ingestion"

_TYPES = {
    ATTR_PERFORMER: "S",
    ATTR_SORT_KEY: "S",
    ATTR_STAGE: "S",
    ATTR_DATE: "S",
    ATTR_START: "S",
    ATTR_POPULARITY: "N",
    ATTR_INGESTION_ID: "S",
    ATTR_KIND: "S",
    ATTR_STARTED: "S",
}


def _key_schema(partition: str, sort: str | None = None) -> list[dict[str, str]]:
    schema = [{"AttributeName": partition, "KeyType": "HASH"}]
    if sort is not None:
        schema.append({"AttributeName": sort, "KeyType": "RANGE"})
    return schema


def _attributes(*names: str) -> list[dict[str, str]]:
    unique = sorted(set(names))
    return [{"AttributeName": n, "AttributeType": _TYPES[n]} for n in unique]


def _gsi(name: str, partition: str, sort: str) -> dict[str, Any]:
    return {
        "IndexName": name,
        "KeySchema": _key_schema(partition, sort),
        "Projection": {"ProjectionType": "ALL"},
    }


def _index(spec: IndexSpec) -> dict[str, Any]:
    # A sparse index needs nothing more: DynamoDB leaves out items lacking a key attribute.
    return _gsi(spec.name, spec.partition, spec.sort)


# Derived from core.schema, the one declaration of the table's key and its indexes.
PERFORMANCES_DEFINITION: dict[str, Any] = {
    "KeySchema": _key_schema(*TABLE.attributes),
    "AttributeDefinitions": _attributes(*KEYED_ATTRIBUTES),
    "GlobalSecondaryIndexes": [_index(spec) for spec in INDEXES],
    "BillingMode": "PAY_PER_REQUEST",
}

INGESTIONS_DEFINITION: dict[str, Any] = {
    "KeySchema": _key_schema(ATTR_INGESTION_ID),
    "AttributeDefinitions": _attributes(ATTR_INGESTION_ID, ATTR_KIND, ATTR_STARTED),
    "GlobalSecondaryIndexes": [_gsi(INDEX_RECENT, ATTR_KIND, ATTR_STARTED)],
    "BillingMode": "PAY_PER_REQUEST",
}

# The TTL setting of the Ingestions table (expired leases are deleted by DynamoDB itself;
# the lease code never relies on that, it compares ExpiresAt with the clock).
INGESTIONS_TTL: dict[str, Any] = {"AttributeName": ATTR_EXPIRES_AT, "Enabled": True}

DEFINITIONS: dict[str, dict[str, Any]] = {
    PERFORMANCES: PERFORMANCES_DEFINITION,
    INGESTIONS: INGESTIONS_DEFINITION,
}


def table_definition(logical: str, table_name: str) -> dict[str, Any]:
    """`create_table` keyword arguments for `Performances` or `Ingestions` named `table_name`."""
    return {"TableName": table_name, **DEFINITIONS[logical]}
