"""The consistent plan input of DynamoStore: index reads checked against per-date manifests,
and writes journaled in them (the protocol: stores/dynamodb_manifest.py, docs/consistency.md)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from festival_cli.aws_errors import AWS_ERRORS, store_errors
from festival_cli.core.errors import TransientStoreError
from festival_cli.core.model import Performance
from festival_cli.stores import dynamodb_manifest as manifests
from festival_cli.stores.dynamodb_items import from_item, key_item
from festival_cli.stores.dynamodb_manifest import INDEX_WAIT_SECONDS, Key, Manifest, set_hash

log = logging.getLogger(__name__)

# One request of a plan: its date, key, the hash of the item it leaves (None: deleted), and
# the BatchWriteItem request itself.
Write = tuple[str, Key, int | None, Any]


class DateManifests:
    """The manifests of the dates one revision reads and writes."""

    def __init__(self, client: Any, table: str, ingestions_table: str, *,
                 sleep: Callable[[float], None], clock: Callable[[], float],
                 wait_seconds: float = INDEX_WAIT_SECONDS) -> None:
        self.client = client
        self.table = table
        self.ingestions_table = ingestions_table
        self.sleep = sleep
        self.clock = clock
        self.wait_seconds = wait_seconds
        self.read: dict[str, Manifest] = {}  # as of the verified read, kept up to date
        self.hashes: dict[Key, int] = {}  # the hash of each stored item of those dates

    def forget(self) -> None:
        """Drop what an earlier read found (a revision starts and ends with nothing)."""
        self.read, self.hashes = {}, {}

    # -- reading -----------------------------------------------------------------------------
    def plan_input(self, dates: Sequence[str], read_index: Callable[[str], list[Performance]],
                   *, revising: bool) -> list[Performance]:
        """Every stored item of `dates`, read through the index once the read equals each
        date's manifest. `revising` (the date leases are held): may repair and write manifests;
        otherwise (a `festival diff`) a date being written is read as the index has it."""
        self.read, self.hashes = {}, {}
        found: list[Performance] = []
        for date in sorted(set(dates)):
            manifest = self._get(date)
            if manifest.pending:
                if not revising:
                    found += read_index(date)  # a revision is writing it: best effort
                    continue
                self._recover(manifest)
            sets, hashes = self._verified(manifest, read_index, revising=revising)
            self.read[date] = manifest
            self.hashes.update(zip((p.key for p in sets), hashes, strict=True))
            found += sets
        return found

    def _verified(self, manifest: Manifest, read_index: Callable[[str], list[Performance]],
                  *, revising: bool) -> tuple[list[Performance], list[int]]:
        """The date's sets as the index gives them once they equal its manifest, with each
        set's hash (computed once: the digest and the write journal both need them)."""
        deadline = self.clock() + self.wait_seconds
        delay = 0.1
        while True:
            sets = read_index(manifest.date)
            hashes = [set_hash(p) for p in sets]
            count, digest = manifests.digest_of_hashes(hashes)
            if manifest.matches(count, digest):
                if revising and not manifest.verified:
                    manifest.verified = True
                    self._put(manifest)
                return sets, hashes
            if not manifest.exists or (not manifest.verified and self.clock() >= deadline):
                # No manifest yet (a date stored before manifests, or a new one), or one that
                # was itself taken from an index read and never matched: start from this read.
                if manifest.exists:
                    log.warning("manifest of %s never matched its index; rebuilt from it",
                                manifest.date)
                manifest.count, manifest.digest, manifest.exists = count, digest, True
                if revising:
                    self._put(manifest)
                return sets, hashes
            if self.clock() >= deadline:
                raise TransientStoreError(
                    f"the Date-Time index still lags the table for {manifest.date} after "
                    f"{self.wait_seconds:g} s ({count} sets read, {manifest.count} stored); "
                    "retry later")
            self.sleep(delay)
            delay = min(delay * 2, 2.0)

    def newest(self) -> dict[str, str]:
        """The `Newest` mark of each date read by the last plan_input (core/newest.py)."""
        return {date: m.newest for date, m in self.read.items() if m.newest}

    def set_newest(self, dates: Sequence[str], mark: str) -> None:
        """Keep `mark` as the newest upload that replaced each of `dates` (read by the last
        plan_input, the leases held): one PutItem per date whose mark changes."""
        for date in dates:
            manifest = self.read.get(date)
            if manifest is None:  # not read by this revision: no manifest to keep it in
                continue
            if manifest.newest != mark:
                manifest.newest = mark
                self._put(manifest)

    # -- writing -----------------------------------------------------------------------------
    def write(self, writes: list[Write], send: Callable[[list[Any]], None]) -> None:
        """Send `writes` in windows, each journaled in its dates' manifests first and
        accounted for after. Dates read by no plan_input lose their manifest (rebuilt by the
        next revision's read)."""
        unknown = {date for date, *_ in writes if date not in self.read}
        writes = sorted(writes, key=lambda w: w[0])
        for start in range(0, len(writes), manifests.JOURNAL_WINDOW):
            window = writes[start:start + manifests.JOURNAL_WINDOW]
            dates = sorted({date for date, *_ in window} - unknown)
            for date in dates:
                self._put(self.read[date], [(key, self.hashes.get(key))
                                             for d, key, _, _ in window if d == date])
            send([request for *_, request in window])
            for date, key, after, _ in window:
                if date in unknown:
                    continue
                self.read[date].moved(self.hashes.pop(key, None), after)
                if after is not None:
                    self.hashes[key] = after
            for date in dates:
                self._put(self.read[date])
        for date in sorted(unknown):
            with store_errors(f"reset the manifest of {date}"):
                self.client.delete_item(TableName=self.ingestions_table,
                                        Key=manifests.key_of_manifest(date))

    # -- one manifest ------------------------------------------------------------------------
    def _get(self, date: str) -> Manifest:
        with store_errors(f"read the manifest of {date}"):
            return manifests.manifest_of(date, self.client.get_item(
                **manifests.read_request(self.ingestions_table, date)))

    def _put(self, manifest: Manifest, journal: Iterable[tuple[Key, int | None]] = ()) -> None:
        manifest.exists = True
        with store_errors(f"write the manifest of {manifest.date}"):
            self.client.put_item(**manifests.write_request(self.ingestions_table, manifest,
                                                           journal))

    def _recover(self, manifest: Manifest) -> None:
        """A revision died inside a journaled window: read those keys from the table itself
        (strongly consistent) and account for what they now hold."""
        actual: dict[Key, int] = {}
        keys = [key_item(key) for key, _ in manifest.pending]
        request: dict[str, Any] = {self.table: {"Keys": keys, "ConsistentRead": True}}
        attempts = 0
        while request and attempts < 10:
            attempts += 1
            try:
                response = self.client.batch_get_item(RequestItems=request)
            except AWS_ERRORS as exc:
                raise TransientStoreError(
                    f"could not read the interrupted writes of {manifest.date} ({exc}); "
                    "retry later") from None
            for item in response.get("Responses", {}).get(self.table, []):
                p = from_item(item)
                actual[p.key] = set_hash(p)
            request = response.get("UnprocessedKeys") or {}
            if request:
                self.sleep(0.1 * attempts)
        if request:
            raise TransientStoreError(f"could not read the interrupted writes of "
                                      f"{manifest.date}; retry later")
        for key, before in manifest.pending:
            manifest.moved(before, actual.get(key))
        manifest.pending = []
        self._put(manifest)
        log.info("manifest of %s repaired after an interrupted revision", manifest.date)
