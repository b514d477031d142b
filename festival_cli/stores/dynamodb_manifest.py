"""Per-date manifests: what a revision's diff reads is exactly what the table holds.

The diff of a revision reads a date's sets through the `Date-Time` index, and DynamoDB's global
secondary indexes are eventually consistent: read right after an earlier ingestion's writes,
the index may miss a set just added (a ghost would stay) or show one just deleted or its old
version (an update would be skipped). So every date has a manifest, one item of the Ingestions
table (`manifest#<date>`), read with `ConsistentRead`:

- `Count`: how many items the table holds for the date, and `Digest`: the sum, modulo 2**256,
  of a SHA-256 of each item's content (as `from_item` reads it: every field, identity too).
  The sum of hashes is a multiset hash: it can be updated item by item, in any order.
- A revision (holding the date's lease, so alone) reads the index and compares its count and
  digest with the manifest's; on a difference the index is behind, so it waits (backoff) and
  reads again, and after `INDEX_WAIT_SECONDS` gives up with a transient error (SQS retries the
  message later). The plan is computed only from a read equal to the manifest.
- Writing, it journals each window of requests in the manifest first (`Pending`: each key with
  the hash of its item before, or none), then sends the batches, then stores the new count and
  digest and drops the journal. A crash in between leaves the journal: the next revision reads
  those few keys from the table itself (BatchGetItem, ConsistentRead) and recomputes the count
  and digest exactly before it compares.
- `Newest`: the mark (core/upload_order.py) of the newest upload that replaced the date's sets,
  which newest-upload-wins compares an incoming upload with (core/newest.py); kept under the
  date's lease like the rest, and read with the same consistent read.
- A date without a manifest (stored before manifests existed, or never) is read as before, once,
  and its manifest starts from that read (`Verified` false until an index read matched it). An
  unverified manifest that never matches is rebuilt from the index rather than blocking.

docs/consistency.md gives the argument in full. Pure functions here; DynamoStore sends them.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from festival_cli.core.model import Performance
from festival_cli.stores.dynamodb_schema import ATTR_INGESTION_ID

MANIFEST_PREFIX = "manifest#"  # ingestion ids are hex, leases `lock#`: never this
MODULUS = 2**256
JOURNAL_WINDOW = 100  # requests journaled at once (4 batches; at most ~30 KB of journal)
INDEX_WAIT_SECONDS = 20.0  # then the revision is retried through the queue

ATTR_COUNT = "Count"
ATTR_DIGEST = "Digest"
ATTR_PENDING = "Pending"
ATTR_VERIFIED = "Verified"
ATTR_NEWEST = "Newest"  # the mark of the newest upload that replaced the date (core/newest.py)

Key = tuple[str, str]  # (performer, date#start)


def set_hash(p: Performance) -> int:
    """The hash of one stored item's content, as an integer below MODULUS. An item without
    an `Upload` mark hashes as it did before marks existed (manifests kept before stay valid)."""
    fields = dataclasses.astuple(p)
    if p.upload is None:
        fields = fields[:-1]
    text = repr(fields).encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.sha256(text).digest(), "big")


def digest_of(sets: Iterable[Performance]) -> tuple[int, int]:
    """(count, digest) of a collection of stored items."""
    return digest_of_hashes([set_hash(p) for p in sets])


def digest_of_hashes(hashes: Sequence[int]) -> tuple[int, int]:
    """(count, digest) of the items whose `set_hash`es these are."""
    return len(hashes), sum(hashes) % MODULUS


@dataclass
class Manifest:
    """One date's manifest as read (or as it will be written)."""

    date: str
    count: int = 0
    digest: int = 0
    verified: bool = False
    exists: bool = False
    pending: list[tuple[Key, int | None]] = field(default_factory=list)
    newest: str | None = None  # a core.upload_order Mark token

    def matches(self, count: int, digest: int) -> bool:
        return (self.count, self.digest) == (count, digest)

    def moved(self, before: int | None, after: int | None) -> None:
        """Account for one item going from hash `before` to hash `after` (None: absent)."""
        if before is not None:
            self.count -= 1
            self.digest = (self.digest - before) % MODULUS
        if after is not None:
            self.count += 1
            self.digest = (self.digest + after) % MODULUS


def key_of_manifest(date: str) -> dict[str, Any]:
    return {ATTR_INGESTION_ID: {"S": MANIFEST_PREFIX + date}}


def read_request(table: str, date: str) -> dict[str, Any]:
    return {"TableName": table, "Key": key_of_manifest(date), "ConsistentRead": True}


def manifest_of(date: str, response: dict[str, Any]) -> Manifest:
    item = response.get("Item")
    if not item:
        return Manifest(date)
    pending = [((entry["M"]["p"]["S"], entry["M"]["k"]["S"]),
                int(entry["M"]["h"]["S"], 16) if "h" in entry["M"] else None)
               for entry in item.get(ATTR_PENDING, {}).get("L", [])]
    return Manifest(date, count=int(item[ATTR_COUNT]["N"]), digest=int(item[ATTR_DIGEST]["S"], 16),
                    verified=item.get(ATTR_VERIFIED, {}).get("BOOL", False), exists=True,
                    pending=pending, newest=item.get(ATTR_NEWEST, {}).get("S"))


def write_request(table: str, manifest: Manifest,
                  journal: Iterable[tuple[Key, int | None]] = ()) -> dict[str, Any]:
    """The PutItem storing `manifest`, with `journal` as its pending requests (if any)."""
    item: dict[str, Any] = {
        **key_of_manifest(manifest.date),
        ATTR_COUNT: {"N": str(manifest.count)},
        ATTR_DIGEST: {"S": f"{manifest.digest:064x}"},
        ATTR_VERIFIED: {"BOOL": manifest.verified},
    }
    if manifest.newest:
        item[ATTR_NEWEST] = {"S": manifest.newest}
    entries = [{"M": {"p": {"S": key[0]}, "k": {"S": key[1]},
                      **({"h": {"S": f"{before:064x}"}} if before is not None else {})}}
               for key, before in journal]
    if entries:
        item[ATTR_PENDING] = {"L": entries}
    return {"TableName": table, "Item": item}
