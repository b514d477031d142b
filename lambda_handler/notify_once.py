"""Notifying once per ingestion: a claim and a mark on the ingestion's record item.

SQS delivers at least once, and a run can die between publishing and saying so. So a run first
claims the right to notify (a conditional update: the record exists, is not marked notified,
and holds no claim younger than CLAIM_SECONDS), publishes, then marks the record notified; if
publishing fails it gives the claim back and the message is retried. A claim older than
CLAIM_SECONDS belongs to a run that died before publishing, and a retry takes it over.

Only the function does this, so it lives here and not in the store: the store's part is that
saving a record is an update that keeps these two attributes (DynamoStore.save_ingestion).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from festival_cli.aws_errors import store_errors
from festival_cli.stores.dynamodb import conditional_write
from festival_cli.stores.dynamodb_schema import ATTR_INGESTION_ID

if TYPE_CHECKING:  # pragma: no cover - stubs (types-boto3) for mypy only
    from types_boto3_dynamodb.client import DynamoDBClient

    from festival_cli.stores.dynamodb import DynamoStore

# A claim older than this is taken to belong to a run that died before publishing.
CLAIM_SECONDS = 120
ATTR_NOTIFYING = "Notifying"  # when the current claim was taken (epoch seconds)
ATTR_NOTIFIED = "Notified"  # when the notification was published (epoch seconds)

Claim = Literal["claimed", "notified", "busy"]


class NotifyOnce:
    """The claim and the mark, on the items of the Ingestions table."""

    def __init__(self, client: DynamoDBClient, table: str, *,
                 clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.table = table
        self.clock = clock

    @classmethod
    def of(cls, store: DynamoStore) -> NotifyOnce:
        """On the same table, client and clock as `store`."""
        return cls(store.client, store.ingestions_table, clock=store.clock)

    def claim(self, ingestion_id: str) -> Claim:
        """Claim the right to notify about an ingestion: `claimed`, or why not.

        `notified`: someone already did (or there is no record). `busy`: another run claimed it
        moments ago (and will publish, or its claim goes stale and a retry takes over). The
        refused update returns the item it met, so telling the two apart reads nothing more.
        """
        now = self.clock()
        claim = conditional_write(
            self.client.update_item,
            f"claim the notification of {ingestion_id}",
            TableName=self.table,
            Key={ATTR_INGESTION_ID: {"S": ingestion_id}},
            UpdateExpression="SET #claim = :now",
            ConditionExpression="attribute_exists(#id) AND attribute_not_exists(#done) "
            "AND (attribute_not_exists(#claim) OR #claim < :stale)",
            ExpressionAttributeNames={
                "#id": ATTR_INGESTION_ID,
                "#claim": ATTR_NOTIFYING,
                "#done": ATTR_NOTIFIED,
            },
            ExpressionAttributeValues={
                ":now": {"N": f"{now:.3f}"},
                ":stale": {"N": f"{now - CLAIM_SECONDS:.3f}"},
            },
        )
        if claim.written:
            return "claimed"
        return "notified" if claim.met is None or ATTR_NOTIFIED in claim.met else "busy"

    def finish(self, ingestion_id: str) -> None:
        """Mark the ingestion as notified (after the message was published)."""
        self._update(ingestion_id, "SET #done = :now REMOVE #claim")

    def release(self, ingestion_id: str) -> None:
        """Give a claim back (publishing failed): the retry will claim and publish."""
        self._update(ingestion_id, "REMOVE #claim")

    def notified(self, ingestion_id: str) -> bool:
        with store_errors(f"read ingestion {ingestion_id}"):
            item = self.client.get_item(
                TableName=self.table, Key={ATTR_INGESTION_ID: {"S": ingestion_id}},
                ConsistentRead=True, ProjectionExpression="#done",
                ExpressionAttributeNames={"#done": ATTR_NOTIFIED},
            ).get("Item")
        return ATTR_NOTIFIED in (item or {})

    def _update(self, ingestion_id: str, expression: str) -> None:
        request: dict[str, Any] = {
            "TableName": self.table,
            "Key": {ATTR_INGESTION_ID: {"S": ingestion_id}},
            "UpdateExpression": expression,
            "ExpressionAttributeNames": {"#claim": ATTR_NOTIFYING},
        }
        if "#done" in expression:
            request["ExpressionAttributeNames"]["#done"] = ATTR_NOTIFIED
            request["ExpressionAttributeValues"] = {":now": {"N": f"{self.clock():.3f}"}}
        with store_errors(f"mark the notification of {ingestion_id}"):
            self.client.update_item(**request)
