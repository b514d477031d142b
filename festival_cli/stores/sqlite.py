"""The embedded local store: one SQLite file (stdlib `sqlite3`) whose schema mirrors DynamoDB.

The table `performances` has the primary key and one index per secondary index of `core.schema`
(the sparse one partial, `WHERE popularity IS NOT NULL`, like its GSI), so every read of
`core.query` is a key-range search on the table or one index, never a scan (tests check
`EXPLAIN QUERY PLAN`). The SQL itself, schema and upgrades, is in stores/sqlite_schema.py.

A revision is one write transaction (`BEGIN IMMEDIATE`) around reading the stored sets, computing
the plan and applying it, so two uploads of the same dates cannot interleave and a failure leaves
nothing half-written. Loading into an empty table drops the secondary indexes, inserts in primary
key order and rebuilds them once: several times faster than maintaining them row by row.

Each date also has a version (table `date_versions`), bumped by every write to it, and each file
ingested whole is remembered by content digest with the versions it left: the same bytes again,
while those versions stand, are known to change nothing (`remember_file` / `recall_file`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from festival_cli.core.errors import StoreError, TransientStoreError
from festival_cli.core.model import Performance
from festival_cli.core.plan import Plan, new_guid_prefix
from festival_cli.core.query import KeyRead
from festival_cli.core.records import Ingestion
from festival_cli.core.store import Progress, Store
from festival_cli.stores.sqlite_schema import (
    APPLICATION_ID,
    COLUMNS,
    DELETE,
    DISTINCT_DATES,
    INDEXES_SQL,
    MIGRATIONS,
    PUT,
    SCHEMA,
    SCHEMA_VERSION,
    key_columns,
    performance_of,
    row_of,
)

log = logging.getLogger(__name__)

BUSY_TIMEOUT_SECONDS = 5.0
# Below this many puts into an empty table, dropping and rebuilding the indexes is not worth it.
BULK_LOAD_MIN = 1_000
PROGRESS_STEP = 5_000
# The most parameters one statement is given: under the smallest limit any SQLite has had.
PARAMETERS_MAX = 500

def _record_json(record: Ingestion) -> str:
    # ASCII escapes keep any text a record quotes (even a lone surrogate from a hostile file)
    # storable, and json.loads gives back the very same string.
    return json.dumps(record.to_dict())


class SqliteStore(Store):
    """Performances and ingestion records in one SQLite file."""

    def __init__(self, path: Path | str, *, timeout: float = BUSY_TIMEOUT_SECONDS) -> None:
        self.path = str(path)
        self._in_revision = False
        # The dates of the latest revision and their versions as it committed them.
        self._revised: tuple[tuple[str, ...], dict[str, int]] | None = None
        try:
            # Autocommit mode: every transaction below is explicit (BEGIN ... COMMIT).
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        try:
            with self._translated():
                self._prepare()
        except BaseException:
            self._db.close()
            raise

    # -- opening --------------------------------------------------------------------------
    def _prepare(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            self._create_schema()
        elif self._db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise StoreError(
                f"{self.path}: not a festival local store (another program's SQLite database); "
                "give another --db"
            )
        elif version in MIGRATIONS:
            self._migrate()
        elif version != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: local store schema version {version}, but this festival knows "
                f"version {SCHEMA_VERSION}; upgrade festival or use another --db"
            )
        # WAL: readers never block the writer and a commit is one append. With
        # synchronous=NORMAL a power cut may lose the last commits but never corrupts the file.
        with contextlib.suppress(sqlite3.OperationalError):  # a read-only file: reads still work
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA cache_size=-65536")  # 64 MiB: index builds sort in memory
        self._db.execute("PRAGMA temp_store=MEMORY")

    def _create_schema(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            # Re-check inside the write lock: another process may have just created it.
            if self._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
                self._db.execute("ROLLBACK")
                return
            tables = [
                name
                for (name,) in self._db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
            ]
            if tables:
                raise StoreError(
                    f"{self.path}: not a festival local store (it holds the tables "
                    f"{', '.join(tables)}); give another --db"
                )
            for statement in SCHEMA:
                self._db.execute(statement)
            self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        log.info("created local store %s", self.path)

    def _migrate(self) -> None:
        """Bring a store of an older schema version to this one, in one transaction."""
        with self._transaction():
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            start = version
            while version in MIGRATIONS:
                for statement in MIGRATIONS[version]:
                    self._db.execute(statement)
                version += 1
            if start < 2 <= version:
                self._identify_existing()
            self._db.execute(f"PRAGMA user_version = {version}")
        log.info("upgraded local store %s from schema version %d to %d", self.path, start,
                 version)

    def _identify_existing(self) -> None:
        """Give the sets stored before identity existed their guid and id."""
        keys = self._db.execute(
            "SELECT performer, date_start_time FROM performances ORDER BY date_start_time, "
            "performer").fetchall()
        if not keys:
            return
        first, prefix = self._allocate_ids(len(keys)), new_guid_prefix()
        self._db.executemany(
            "UPDATE performances SET guid = ?, set_id = ? "
            "WHERE performer = ? AND date_start_time = ?",
            [(f"{prefix}{first + i:012x}", first + i, *key) for i, key in enumerate(keys)])

    # -- errors ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        """sqlite3 errors become the core's StoreError / TransientStoreError, with the path."""
        try:
            yield
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        except UnicodeEncodeError:
            raise StoreError(
                f"{self.path}: text that is not valid Unicode (a lone surrogate) cannot be stored"
            ) from None

    def _error(self, exc: sqlite3.Error) -> StoreError:
        text = str(exc)
        lowered = text.lower()
        if "locked" in lowered or "busy" in lowered:
            return TransientStoreError(
                f"{self.path}: the local store is busy (another festival process is writing "
                "it); try again in a moment"
            )
        if "readonly" in lowered or "read-only" in lowered:
            return StoreError(f"{self.path}: the local store is read-only; check its permissions")
        if "disk is full" in lowered or "disk full" in lowered:
            return StoreError(f"{self.path}: the disk is full; nothing was written")
        if "unable to open" in lowered:
            return StoreError(
                f"{self.path}: cannot open the local store (missing directory or no permission)"
            )
        if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
            return StoreError(
                f"{self.path}: not a festival local store, or a corrupt one ({text}); "
                "give another --db or delete the file"
            )
        return StoreError(f"{self.path}: local store error: {text}")

    # -- reads ----------------------------------------------------------------------------
    def sql_for(self, read: KeyRead) -> tuple[str, list[object]]:
        """The one SELECT that serves `read` through its index (inclusive low/high)."""
        partition_column, sort_column = key_columns(read.index)
        clauses = [f"{partition_column} = ?"]
        params: list[object] = [read.partition]
        if read.low is not None:
            clauses.append(f"{sort_column} >= ?")
            params.append(read.low)
        if read.high is not None:
            clauses.append(f"{sort_column} <= ?")
            params.append(read.high)
        if read.index.sparse:
            # Only the partial index's rows: the sparse GSI holds no set without a score.
            clauses.append(f"{sort_column} IS NOT NULL")
        sql = f"SELECT {COLUMNS} FROM performances WHERE {' AND '.join(clauses)}"
        return sql, params

    def _read(self, read: KeyRead) -> list[Performance]:
        sql, params = self.sql_for(read)
        with self._translated():
            return [performance_of(row) for row in self._db.execute(sql, params)]

    def _dates(self) -> list[str]:
        # One index seek per distinct date (a skip-scan by hand), not a walk of every row.
        with self._translated():
            return [day for (day,) in self._db.execute(DISTINCT_DATES)]

    def _count(self) -> int:
        """How many sets are stored (tombstones of removed sets are not counted)."""
        with self._translated():
            return int(self._db.execute(
                "SELECT count(*) FROM performances WHERE NOT cancelled").fetchone()[0])

    def _versions(self, dates: Sequence[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        with self._translated():
            # In chunks: a statement may hold only so many parameters (999 before SQLite
            # 3.32, 32,766 since, more in some builds), and a valid file may list more dates.
            for at in range(0, len(dates), PARAMETERS_MAX):
                chunk = list(dates[at:at + PARAMETERS_MAX])
                found.update(self._db.execute(
                    f"SELECT date, version FROM date_versions WHERE date IN "
                    f"({', '.join('?' * len(chunk))})", chunk))
        return found

    # -- files already ingested -----------------------------------------------------------
    def remember_file(self, digest: str, plan: Plan, memo: dict[str, Any]) -> None:
        """Note that the file `digest` was ingested whole by `plan` (never a merge): its dates
        now hold exactly its sets. `memo` is what to tell the next upload of the same bytes."""
        if plan.merge or self._revised is None or self._revised[0] != tuple(plan.dates):
            return  # a merge keeps other sets; or not the revision just committed here
        memo = {**memo, "dates": self._revised[1]}
        with self._translated():
            self._db.execute("INSERT OR REPLACE INTO file_memos (digest, memo) VALUES (?, ?)",
                             (digest, json.dumps(memo)))

    def recall_file(self, digest: str) -> dict[str, Any] | None:
        """The memo of the file `digest` if its dates still hold exactly what it left there."""
        with self._translated():
            row = self._db.execute("SELECT memo FROM file_memos WHERE digest = ?",
                                   (digest,)).fetchone()
        if row is None:
            return None
        memo: dict[str, Any] = json.loads(row[0])
        left: dict[str, int] = memo["dates"]
        return memo if left and self._versions(list(left)) == left else None

    # -- writes ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def _revision(self, dates: Sequence[str]) -> Iterator[None]:
        self._revised = None
        with self._transaction():
            yield
            # Read inside the transaction: exactly the versions this revision left.
            self._revised = (tuple(dates), self._versions(dates))

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction, taken at once (BEGIN IMMEDIATE); nested uses join it."""
        if self._in_revision:
            yield
            return
        with self._translated():
            self._db.execute("BEGIN IMMEDIATE")
        self._in_revision = True
        try:
            yield
            with self._translated():
                self._db.execute("COMMIT")
        except BaseException:  # the body or the commit failed: nothing of it stays
            if self._db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
            raise
        finally:
            self._in_revision = False

    def _apply(self, plan: Plan, progress: Progress | None = None) -> None:
        # In primary-key order (a B-tree fills fastest so): rows are unique on their first two
        # columns, so plain tuple order is key order, and ~15x faster than a key function.
        puts = sorted(row_of(put) for put in plan.identified_puts())
        deletes = [p.key for p in plan.deletes]
        total = len(puts) + len(deletes)
        with self._transaction(), self._translated():
            if deletes:
                self._db.executemany(DELETE, deletes)
            if progress is not None:
                progress(len(deletes), total)
            bulk = len(puts) >= BULK_LOAD_MIN and self._is_empty()
            if bulk:
                for name in INDEXES_SQL:
                    self._db.execute(f"DROP INDEX {name}")
            done = len(deletes)
            for start in range(0, len(puts), PROGRESS_STEP):
                chunk = puts[start : start + PROGRESS_STEP]
                self._db.executemany(PUT, chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
            if bulk:
                for statement in INDEXES_SQL.values():
                    self._db.execute(statement)
            self._db.executemany(
                "INSERT INTO date_versions (date, version) VALUES (?, 1) "
                "ON CONFLICT (date) DO UPDATE SET version = version + 1",
                [(day,) for day in plan.dates],
            )
        log.info("applied %d puts and %d deletes to %s", len(puts), len(deletes), self.path)

    def _allocate_ids(self, count: int) -> int:
        with self._transaction(), self._translated():
            self._db.execute(
                "INSERT INTO counters (name, value) VALUES ('set_id', ?) "
                "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value", (count,))
            last = self._db.execute("SELECT value FROM counters WHERE name = 'set_id'")
            return int(last.fetchone()[0]) - count + 1

    def _is_empty(self) -> bool:
        return self._db.execute("SELECT 1 FROM performances LIMIT 1").fetchone() is None

    # -- ingestion records ----------------------------------------------------------------
    def _put_record(self, record: Ingestion) -> None:
        with self._translated():
            self._db.execute(
                "INSERT OR REPLACE INTO ingestions (id, started, record) VALUES (?, ?, ?)",
                (record.id, record.started, _record_json(record)),
            )

    def _insert_record(self, record: Ingestion) -> Ingestion | None:
        with self._translated():
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO ingestions (id, started, record) VALUES (?, ?, ?)",
                (record.id, record.started, _record_json(record)),
            )
        return None if cursor.rowcount == 1 else self._get_record(record.id) or record

    def _get_record(self, ingestion_id: str) -> Ingestion | None:
        with self._translated():
            row = self._db.execute(
                "SELECT record FROM ingestions WHERE id = ?", (ingestion_id,)
            ).fetchone()
        return None if row is None else Ingestion.from_dict(json.loads(row[0]))

    def _latest_records(self, limit: int) -> list[Ingestion]:
        with self._translated():
            rows = self._db.execute(
                "SELECT record FROM ingestions ORDER BY started DESC, id DESC LIMIT ?", (limit,)
            ).fetchall()
        return [Ingestion.from_dict(json.loads(record)) for (record,) in rows]

    def close(self) -> None:
        self._db.close()
