"""The store of a deployed stack: DynamoDB tables `Performances` and `Ingestions`.

Reads are Queries on the table or one index, page by page (never a Scan); the dates that hold
sets are kept in a register item (stores.dynamodb_register), so the whole lineup is one Query
per date. A plan is written
with BatchWriteItem, 25 requests each, one request per key; `UnprocessedItems` and throttling
are retried with exponential backoff and full jitter, up to a bound, then `TransientStoreError`
says how many items are still unwritten (nothing is dropped silently). Unlike SQLite a plan is
not applied atomically: an interrupted write leaves part of it, and re-running the ingestion
(SQS redelivers it) computes the rest from what is stored, so the end state is the file's.

Two revisions of the same dates never interleave: `_revision` holds a lease per date, an item
`lock#<date>` in the Ingestions table written with a conditional put. A second ingestion of
those dates gets `ConcurrentRevisionError` (transient: SQS retries it later).
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from festival_cli.aws_errors import (
    AWS_ERRORS,
    condition_item,
    error_code,
    is_condition_failed,
    is_transient,
    store_error,
    store_errors,
)
from festival_cli.core.errors import ConcurrentRevisionError, TransientStoreError
from festival_cli.core.model import (
    Performance,
)
from festival_cli.core.overlap import Meanwhile
from festival_cli.core.plan import Plan
from festival_cli.core.query import KeyRead
from festival_cli.core.records import Ingestion
from festival_cli.core.schema import DATE_TIME
from festival_cli.core.store import Progress, Store
from festival_cli.stores import dynamodb_register as register
from festival_cli.stores.dynamodb_consistent import DateManifests, Write
from festival_cli.stores.dynamodb_items import (
    Item,
    from_item,
    key_of,
    record_attributes,
    record_item,
    record_of,
    to_item,
)
from festival_cli.stores.dynamodb_manifest import set_hash
from festival_cli.stores.dynamodb_schema import (
    ATTR_EXPIRES_AT,
    ATTR_INGESTION_ID,
    ATTR_KIND,
    INDEX_RECENT,
    KIND_INGESTION,
)

if TYPE_CHECKING:  # pragma: no cover - stubs (types-boto3) for mypy only
    from types_boto3_dynamodb.client import DynamoDBClient
    from types_boto3_dynamodb.type_defs import (
        AttributeValueTypeDef,
        WriteRequestOutputTypeDef,
        WriteRequestTypeDef,
    )

log = logging.getLogger(__name__)

BATCH_SIZE = 25  # the most requests one BatchWriteItem may carry
MAX_ATTEMPTS = 8  # per batch, counting the first
BASE_DELAY = 0.05  # seconds; the n-th retry waits uniform(0, min(MAX_DELAY, BASE * 2**n))
MAX_DELAY = 5.0
# A revision lease outlives the longest possible run of the function (Lambda's 900 s limit),
# so a lease is never taken over while its holder may still be writing.
LEASE_SECONDS = 960

_ATTR_OWNER = "Owner"
_LOCK_PREFIX = "lock#"
_SET_ID_COUNTER = "counter#set-id"  # an item without Kind: never listed as an ingestion
_ATTR_LAST_ID = "LastId"


# -- conditional writes (festival_cli.aws_errors reads every error) ----------------------------
@dataclass(frozen=True)
class Conditional:
    """What a conditional write did: written, or refused with the item its condition met."""

    written: bool
    met: Item | None = None  # refused: the item as it stood (None when there was none)


def conditional_write(write: Callable[..., Any], doing: str, **request: Any) -> Conditional:
    """Send one conditional write; other failures translated (aws_errors.store_errors).

    A refused write returns the item it met (`ReturnValuesOnConditionCheckFailure=ALL_OLD`:
    DynamoDB puts it in the error), so the caller decides why without reading it again.
    """
    with store_errors(doing):
        try:
            write(**request, ReturnValuesOnConditionCheckFailure="ALL_OLD")
        except AWS_ERRORS as exc:
            if is_condition_failed(exc):
                return Conditional(False, condition_item(exc))
            raise
    return Conditional(True)


class DynamoStore(Store):
    """Performances and ingestion records in the two DynamoDB tables of a stack."""

    def __init__(
        self,
        client: DynamoDBClient,
        table: str,
        ingestions_table: str,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_attempts: int = MAX_ATTEMPTS,
        lease_seconds: int = LEASE_SECONDS,
        rng: random.Random | None = None,
    ) -> None:
        self.client = client
        self.table = table
        self.ingestions_table = ingestions_table
        self.sleep = sleep
        self.clock = clock
        self.max_attempts = max_attempts
        self.lease_seconds = lease_seconds
        self._rng = rng or random.Random()
        self._manifests = DateManifests(client, table, ingestions_table, sleep=sleep,
                                        clock=clock)
        self._revising = False

    # -- reading ---------------------------------------------------------------------------
    def _read(self, read: KeyRead) -> Iterator[Performance]:
        partition_attr, sort_attr = read.index.attributes
        names = {"#p": partition_attr}
        values: Item = {":p": {"S": read.partition}}
        condition = "#p = :p"
        if read.low is not None or read.high is not None:
            names["#s"] = sort_attr
            if read.low is not None:
                values[":lo"] = _value(read.low)
            if read.high is not None:
                values[":hi"] = _value(read.high)
            if read.low is not None and read.high is not None:
                condition += " AND #s BETWEEN :lo AND :hi"
            elif read.low is not None:
                condition += " AND #s >= :lo"
            else:
                condition += " AND #s <= :hi"
        request: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        if not read.index.is_table:
            request["IndexName"] = read.index.name
        while True:
            with store_errors(f"query {read.index.name} for {read.partition!r}"):
                page = self.client.query(**request)
            for item in page.get("Items", []):
                yield from_item(item)
            last = page.get("LastEvaluatedKey")
            if not last:
                return
            request["ExclusiveStartKey"] = last

    def _plan_input(self, dates: Sequence[str]) -> list[Performance]:
        """The stored items of `dates` through the index, once the read equals each date's
        manifest (read with ConsistentRead): never a lagging index's view."""
        return self._manifests.plan_input(
            dates, lambda date: list(self._read(KeyRead(DATE_TIME, date))),
            revising=self._revising)

    def _newest(self, dates: Sequence[str]) -> dict[str, str]:
        # From the manifests _plan_input has just read (ConsistentRead, the leases held).
        wanted = set(dates)
        return {d: mark for d, mark in self._manifests.newest().items() if d in wanted}

    def _set_newest(self, dates: Sequence[str], mark: str) -> None:
        self._manifests.set_newest(dates, mark)

    def _dates(self) -> list[str]:
        with store_errors("read the register of stored dates"):
            return register.dates_of(self.client.get_item(
                **register.read_request(self.ingestions_table)))

    # -- writing ---------------------------------------------------------------------------
    def _note_dates(self, dates: set[str], *, add: bool) -> None:
        request = register.change_request(self.ingestions_table, dates, add=add)
        if request is not None:
            with store_errors("update the register of stored dates"):
                self.client.update_item(**request)

    def _apply(self, plan: Plan, progress: Progress | None = None,
               meanwhile: Meanwhile | None = None) -> None:
        # `meanwhile` is left to apply_lineup: in moto the requests are Python, not waits.
        # The register never misses a date with sets: add before writing, remove after.
        filled, emptied = self._dates_touched(plan)
        self._note_dates(filled, add=True)
        self._write_plan(plan, progress)
        self._note_dates(emptied, add=False)

    def _write_plan(self, plan: Plan, progress: Progress | None) -> None:
        # One request per key: DynamoDB refuses a batch naming a key twice, so fold first.
        requests: dict[tuple[str, str], Write] = {}
        for p in plan.deletes:
            requests[p.key] = (p.date, p.key, None, {"DeleteRequest": {"Key": key_of(p)}})
        for put in plan.identified_puts():
            item = to_item(put[0], put)
            requests[put[0].key] = (put[0].date, put[0].key, set_hash(from_item(item)),
                                    {"PutRequest": {"Item": item}})
        total, done = len(requests), 0

        def send(window: list[WriteRequestTypeDef]) -> None:
            nonlocal done
            for start in range(0, len(window), BATCH_SIZE):
                self._write_batch(window[start : start + BATCH_SIZE])
                done += len(window[start : start + BATCH_SIZE])
                if progress is not None:
                    progress(done, total)

        self._manifests.write(list(requests.values()), send)

    def _write_batch(self, batch: Sequence[WriteRequestTypeDef]) -> None:
        """One BatchWriteItem, its leftovers retried with backoff; never drops an item."""
        pending: Sequence[WriteRequestTypeDef | WriteRequestOutputTypeDef] = batch
        last_error: Exception | None = None
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = self.client.batch_write_item(RequestItems={self.table: pending})
            except AWS_ERRORS as exc:
                if not is_transient(exc):
                    raise store_error(exc, "write a batch of sets") from exc
                last_error = exc  # nothing of this request was written: send it all again
            else:
                pending = response.get("UnprocessedItems", {}).get(self.table, [])
                if not pending:
                    return
            if attempt < self.max_attempts:
                self.sleep(self._backoff(attempt))
        code = error_code(last_error)
        reason = f" (last error: {code})" if code else ""
        raise TransientStoreError(
            f"DynamoDB left {len(pending)} of {len(batch)} items of a batch unwritten after "
            f"{self.max_attempts} attempts{reason}; the table is throttled, retry later "
            "(re-running the ingestion is safe)"
        )

    def _backoff(self, attempt: int) -> float:
        """Full jitter: uniform(0, min(cap, base * 2**attempt))."""
        return self._rng.uniform(0, min(MAX_DELAY, BASE_DELAY * 2**attempt))

    def _allocate_ids(self, count: int) -> int:
        """One atomic counter (`UpdateItem ADD`) in the Ingestions table hands each ingestion
        a block of ids: concurrent functions never get the same one."""
        with store_errors(f"allocate {count} set ids"):
            response = self.client.update_item(
                TableName=self.ingestions_table,
                Key={ATTR_INGESTION_ID: {"S": _SET_ID_COUNTER}},
                UpdateExpression="ADD #last :n",
                ExpressionAttributeNames={"#last": _ATTR_LAST_ID},
                ExpressionAttributeValues={":n": {"N": str(count)}},
                ReturnValues="UPDATED_NEW",
            )
        return int(response["Attributes"][_ATTR_LAST_ID]["N"]) - count + 1

    # -- revisions: one lease per date -----------------------------------------------------
    @contextlib.contextmanager
    def _revision(self, dates: Sequence[str]) -> Iterator[None]:
        owner = uuid.uuid4().hex
        held: list[str] = []
        try:
            for day in sorted(set(dates)):  # one order for everyone: no lock-order surprises
                self._acquire(day, owner)
                held.append(day)
            self._manifests.forget()  # only what this revision reads may guide its writes
            self._revising = True
            yield
        finally:
            self._revising = False
            self._manifests.forget()
            for day in held:
                self._release(day, owner)

    def _acquire(self, day: str, owner: str) -> None:
        now = int(self.clock())
        lease = conditional_write(
            self.client.put_item,
            f"take the revision lease of {day}",
            TableName=self.ingestions_table,
            Item={
                ATTR_INGESTION_ID: {"S": _LOCK_PREFIX + day},
                _ATTR_OWNER: {"S": owner},
                ATTR_EXPIRES_AT: {"N": str(now + self.lease_seconds)},
            },
            ConditionExpression="attribute_not_exists(#id) OR #exp < :now",
            ExpressionAttributeNames={"#id": ATTR_INGESTION_ID, "#exp": ATTR_EXPIRES_AT},
            ExpressionAttributeValues={":now": {"N": str(now)}},
        )
        if not lease.written:
            raise ConcurrentRevisionError(
                f"the sets of {day} are being revised by another ingestion right now; "
                "this one will be retried when it is done"
            )

    def _release(self, day: str, owner: str) -> None:
        try:
            self.client.delete_item(
                TableName=self.ingestions_table,
                Key={ATTR_INGESTION_ID: {"S": _LOCK_PREFIX + day}},
                ConditionExpression="#owner = :owner",
                ExpressionAttributeNames={"#owner": _ATTR_OWNER},
                ExpressionAttributeValues={":owner": {"S": owner}},
            )
        except AWS_ERRORS as exc:
            # Expired and taken over, or unreachable: the lease then ends by itself (ExpiresAt).
            log.warning("could not release the revision lease of %s: %s", day, exc)

    # -- ingestion records -----------------------------------------------------------------
    def _put_record(self, record: Ingestion) -> None:
        # An update, not a put: the function's notification marks on the item
        # (lambda_handler/notify_once.py) must survive.
        attributes = record_attributes(record)
        names = {f"#a{i}": name for i, name in enumerate(attributes)}
        values = {f":v{i}": value for i, value in enumerate(attributes.values())}
        with store_errors(f"save ingestion {record.id}"):
            self.client.update_item(
                TableName=self.ingestions_table,
                Key={ATTR_INGESTION_ID: {"S": record.id}},
                UpdateExpression="SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(names))),
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )

    def _insert_record(self, record: Ingestion) -> Ingestion | None:
        put = conditional_write(
            self.client.put_item,
            f"create ingestion {record.id}",
            TableName=self.ingestions_table,
            Item=record_item(record),
            ConditionExpression="attribute_not_exists(#id)",
            ExpressionAttributeNames={"#id": ATTR_INGESTION_ID},
        )
        if put.written:
            return None
        # Met: the record (or, were ALL_OLD ever ignored, nothing: then it is read).
        met = put.met if put.met is not None else self._get_item(record.id)
        # No record on the item (only the function's notification marks): as good as none.
        return record_of(met) if met is not None and ATTR_KIND in met else record

    def _get_item(self, ingestion_id: str) -> Item | None:
        with store_errors(f"read ingestion {ingestion_id}"):
            response = self.client.get_item(
                TableName=self.ingestions_table,
                Key={ATTR_INGESTION_ID: {"S": ingestion_id}},
                ConsistentRead=True,
            )
        item: Item | None = response.get("Item")
        if item is None or ATTR_KIND not in item:  # absent, or a lease rather than a record
            return None
        return item

    def _get_record(self, ingestion_id: str) -> Ingestion | None:
        item = self._get_item(ingestion_id)
        return None if item is None else record_of(item)

    def _latest_records(self, limit: int) -> list[Ingestion]:
        with store_errors("list recent ingestions"):
            response = self.client.query(
                TableName=self.ingestions_table,
                IndexName=INDEX_RECENT,
                KeyConditionExpression="#kind = :kind",
                ExpressionAttributeNames={"#kind": ATTR_KIND},
                ExpressionAttributeValues={":kind": {"S": KIND_INGESTION}},
                ScanIndexForward=False,
                Limit=limit,
            )
        return [record_of(item) for item in response.get("Items", [])]

    def _count(self) -> int:
        """The table's ItemCount: approximate (DynamoDB refreshes it about every six hours), and
        counting the tombstones of removed sets, which SQLite leaves out."""
        with store_errors(f"describe table {self.table}"):
            response = self.client.describe_table(TableName=self.table)
        return int(response["Table"].get("ItemCount", 0))


def _value(value: str | int) -> AttributeValueTypeDef:
    return {"N": str(value)} if isinstance(value, int) else {"S": value}
