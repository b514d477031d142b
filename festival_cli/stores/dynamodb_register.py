"""The register of stored dates on a stack: one item of the Ingestions table.

Reading "every stored set" must not Scan the Performances table, so the dates that hold sets are
kept in one item (`IngestionId` = `register#dates`, a string set `Dates`), and each date is then
read with one Query of the `Date-Time` index. The item has no `Kind`, so it never shows among the
ingestion records. Every write of sets adds its dates to the set before writing them and takes a
date off only after its last set was deleted, with DynamoDB's atomic `ADD` / `DELETE` set
updates, so concurrent ingestions of different dates never lose each other's dates and an
interrupted write leaves at most a date too many (read as no sets), never one missing.

The functions build the requests; `DynamoStore` sends them (and translates errors).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from festival_cli.stores.dynamodb_schema import ATTR_INGESTION_ID

REGISTER_ID = "register#dates"  # ingestion ids are hex, leases `lock#<date>`: never this
ATTR_DATES = "Dates"


def _key() -> dict[str, Any]:
    return {ATTR_INGESTION_ID: {"S": REGISTER_ID}}


def change_request(table: str, dates: Iterable[str], *, add: bool) -> dict[str, Any] | None:
    """The UpdateItem adding `dates` to the register (or, `add=False`, taking them off);
    None when there is nothing to change (a string set may not be empty)."""
    values = sorted(set(dates))
    if not values:
        return None
    return {
        "TableName": table,
        "Key": _key(),
        "UpdateExpression": f"{'ADD' if add else 'DELETE'} #dates :dates",
        "ExpressionAttributeNames": {"#dates": ATTR_DATES},
        "ExpressionAttributeValues": {":dates": {"SS": values}},
    }


def read_request(table: str) -> dict[str, Any]:
    """The GetItem reading the register (strongly consistent: a date just added is seen)."""
    return {
        "TableName": table,
        "Key": _key(),
        "ConsistentRead": True,
        "ProjectionExpression": "#dates",
        "ExpressionAttributeNames": {"#dates": ATTR_DATES},
    }


def dates_of(response: Mapping[str, Any]) -> list[str]:
    """The dates a GetItem response of the register holds (none before the first write)."""
    item = response.get("Item") or {}
    return sorted(item.get(ATTR_DATES, {}).get("SS", []))
