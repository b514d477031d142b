"""The embedded local store: one SQLite file (stdlib `sqlite3`) whose schema mirrors DynamoDB.

The table `performances` has the primary key and one index per secondary index of `core.schema`
(the sparse one partial, `WHERE popularity IS NOT NULL`, like its GSI), so every read of
`core.query` is a key-range search on the table or one index, never a scan (tests check
`EXPLAIN QUERY PLAN`). The SQL itself, schema and upgrades, is in stores/sqlite_schema.py; how
the file is opened to read or to write, and what SQLite's errors mean, in stores/sqlite_files.py.

A revision is one write transaction (`BEGIN IMMEDIATE`) around reading the stored sets, computing
the plan and applying it, so two uploads of the same dates cannot interleave and a failure leaves
nothing half-written. Loading into an empty table drops the secondary indexes, inserts in primary
key order and rebuilds them once: several times faster than maintaining them row by row.

Each date also has a version (table `date_versions`), bumped by every write to it, so an equal
version means untouched since; and the store keeps memos of uploaded files (table `file_memos`)
by key. What a memo says and when it still holds is core/memo.py's.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from festival_cli.core import interrupts, logs
from festival_cli.core.errors import StoreError
from festival_cli.core.model import Performance
from festival_cli.core.overlap import Meanwhile
from festival_cli.core.query import KeyRead
from festival_cli.core.records import Ingestion, named_festival
from festival_cli.core.store import Progress, Store
from festival_cli.stores import sqlite_files
from festival_cli.stores.sqlite_schema import (
    BUMP_VERSION,
    COLUMNS,
    DELETE,
    DISTINCT_DATES,
    INDEXES_SQL,
    LAST_ID,
    LOAD_MEMO,
    MIGRATIONS,
    SAVE_MEMO,
    SCHEMA_VERSION,
    SET_NEWEST,
    STAMP_EXISTING,
    STATE_DATES,
    STATE_RECORDS,
    TAKE_IDS,
    identify_existing,
    key_columns,
    performance_of,
)

if TYPE_CHECKING:  # core.plan and the writing module are imported where a store writes
    from festival_cli.core.plan import Plan


BUSY_TIMEOUT_SECONDS = 5.0
# Below this many puts into an empty table, dropping and rebuilding the indexes is not worth it.
BULK_LOAD_MIN = 1_000
# The most parameters one statement is given: under the smallest limit any SQLite has had.
PARAMETERS_MAX = 500


def _record_json(record: Ingestion) -> str:
    # ASCII escapes keep any text a record quotes (even a lone surrogate from a hostile file)
    # storable, and json.loads gives back the very same string.
    return json.dumps(record.to_dict())


class SqliteStore(Store):
    """Performances and ingestion records in one SQLite file."""

    def __init__(self, path: Path | str, *, timeout: float = BUSY_TIMEOUT_SECONDS,
                 write: bool = True) -> None:
        """Open the store at `path`: to write (creating it if missing), or only to read
        (`write=False`: nothing is ever created; see sqlite_files)."""
        self.path = str(path)
        self._timeout = timeout
        self._in_revision = False
        self._wrote = False  # committed anything since it was opened
        self._wal_pending = False  # a new store, still in its first-write journal
        if write:
            self._db, self._created = sqlite_files.open_for_writing(Path(path), timeout)
        else:
            self._db, self._created = sqlite_files.open_for_reading(Path(path), timeout), False
        try:
            with self._translated():
                version = sqlite_files.prepare(self._db, self.path, write=write)
            if version != SCHEMA_VERSION and write:
                self._migrate()
            # A store just created keeps a rollback journal until its first commit
            # (sqlite_files.first_write_done says why).
            self._wal_pending = write and not sqlite_files.is_wal(self._db)
        except BaseException:
            self.close_discarding_if_unused()
            raise
        if version != SCHEMA_VERSION and not write:
            self._db.close()
            self._db = self._upgraded(Path(path), timeout, version)

    # -- opening --------------------------------------------------------------------------
    @staticmethod
    def _upgraded(path: Path, timeout: float, version: int) -> sqlite3.Connection:
        """A reader of a store of an older schema: upgraded by a writer first, if it may."""
        if not sqlite_files.writable(path):
            raise StoreError(
                f"{path}: a local store of schema version {version}, read-only here, and this "
                f"festival reads version {SCHEMA_VERSION}: open it once where it can be "
                "written (any festival command upgrades it), or use the festival that wrote it")
        SqliteStore(path, timeout=timeout).close()
        return sqlite_files.open_for_reading(path, timeout)

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
                identify_existing(self._db, self._allocate_ids)
            if start < 3 <= version:  # the festival and zone export gave them: the latest's
                self._db.execute(STAMP_EXISTING, named_festival(self._latest_records(50)))
            self._db.execute(f"PRAGMA user_version = {version}")
        logs.info(__name__, "upgraded local store %s from schema version %d to %d", self.path,
                  start, version)

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
        return sqlite_files.translate(self.path, exc)

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

    def date_versions(self, dates: Sequence[str]) -> dict[str, int]:
        """The version of each of `dates` that has one (bumped by every write to the date)."""
        return self._per_date("version", dates)

    def _per_date(self, column: str, dates: Sequence[str]) -> dict[str, Any]:
        """`column` of `date_versions` for each of `dates` that has a value in it."""
        found: dict[str, Any] = {}
        with self._translated():
            # In chunks: a statement may hold only so many parameters (999 before SQLite
            # 3.32, 32,766 since, more in some builds), and a valid file may list more dates.
            for at in range(0, len(dates), PARAMETERS_MAX):
                chunk = list(dates[at:at + PARAMETERS_MAX])
                found.update(self._db.execute(
                    f"SELECT date, {column} FROM date_versions WHERE {column} IS NOT NULL "
                    f"AND date IN ({', '.join('?' * len(chunk))})", chunk))
        return found

    # -- newest upload wins (core/newest.py) ----------------------------------------------
    def _newest(self, dates: Sequence[str]) -> dict[str, str]:
        return self._per_date("newest", dates)

    def _set_newest(self, dates: Sequence[str], mark: str) -> None:
        with self._transaction(), self._translated():
            self._db.executemany(SET_NEWEST, [(day, mark) for day in dates])

    # -- memos of uploaded files (core/memo.py) -------------------------------------------
    def save_memo(self, key: str, memo: str) -> None:
        """Keep `memo` under `key`; inside a revision, it commits with the revision's sets."""
        with self._translated():
            self._db.execute(SAVE_MEMO, (key, memo))

    def load_memo(self, key: str) -> str | None:
        """The memo kept under `key`, if any."""
        with self._translated():
            row = self._db.execute(LOAD_MEMO, (key,)).fetchone()
        return None if row is None else str(row[0])

    # -- writes ---------------------------------------------------------------------------
    def _revision(self, dates: Sequence[str]) -> contextlib.AbstractContextManager[None]:
        return self._transaction()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction, taken at once (BEGIN IMMEDIATE); nested uses join it.

        An interrupt (KeyboardInterrupt) anywhere before the commit rolls it back; from just
        before the commit on, interrupts are held (core.interrupts) until the caller has
        reported what was committed.
        """
        if self._in_revision:
            yield
            return
        self._begin()
        self._in_revision = True
        try:
            yield
            interrupts.hold()
            try:
                with self._translated():
                    self._db.execute("COMMIT")
            except BaseException:
                interrupts.release()
                raise
            self._wrote = True
            if self._wal_pending:
                self._wal_pending = not sqlite_files.first_write_done(self._db, self._timeout)
        except BaseException:  # the body or the commit failed: nothing of it stays
            if self._db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
            raise
        finally:
            self._in_revision = False
        interrupts.pause("committed")

    def _begin(self) -> None:
        """BEGIN IMMEDIATE, waiting up to the timeout while another process writes.

        The wait is a Python loop rather than SQLite's busy handler, so that Ctrl-C ends it at
        once instead of after the timeout.
        """
        deadline = time.monotonic() + self._timeout
        delay = 0.001
        with self._translated():
            self._db.execute("PRAGMA busy_timeout = 0")
            try:
                while True:
                    try:
                        self._db.execute("BEGIN IMMEDIATE")
                        return
                    except sqlite3.OperationalError as exc:
                        if not sqlite_files.is_busy(exc) or time.monotonic() >= deadline:
                            raise
                    interrupts.pause("busy")
                    time.sleep(delay)
                    delay = min(delay * 2, 0.05)
            finally:
                self._db.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")

    def _apply(self, plan: Plan, progress: Progress | None = None,
               meanwhile: Meanwhile | None = None) -> None:
        from festival_cli.stores.sqlite_puts import batches_of, write_batches  # writes only

        batches = batches_of(plan)
        puts = sum(len(batch.rows) for batch in batches)
        deletes = [p.key for p in plan.deletes]
        total = puts + len(deletes)
        with self._transaction(), self._translated():
            if deletes:
                self._db.executemany(DELETE, deletes)
            if progress is not None:
                progress(len(deletes), total)
            bulk = puts >= BULK_LOAD_MIN and self._is_empty()
            if bulk:
                for name in INDEXES_SQL:
                    self._db.execute(f"DROP INDEX {name}")
            write_batches(self._db, batches, len(deletes), total, progress)
            if bulk:  # SQLite builds them with the GIL released: the caller's work meanwhile,
                # and the rows, written, freed on the second thread too (core/overlap.py)
                with (meanwhile or Meanwhile()).alongside(drop=batches):
                    for statement in INDEXES_SQL.values():
                        self._db.execute(statement)
            self._db.executemany(BUMP_VERSION, [(day,) for day in plan.dates])
        logs.info(__name__, "applied %d puts and %d deletes to %s", total - len(deletes),
                  len(deletes), self.path)

    def _allocate_ids(self, count: int) -> int:
        with self._transaction(), self._translated():
            self._db.execute(TAKE_IDS, (count,))
            return int(self._db.execute(LAST_ID).fetchone()[0]) - count + 1

    def _is_empty(self) -> bool:
        return self._db.execute("SELECT 1 FROM performances LIMIT 1").fetchone() is None

    # -- ingestion records ----------------------------------------------------------------
    def _put_record(self, record: Ingestion) -> None:
        # In the revision's transaction when there is one (the record commits with the sets).
        with self._transaction(), self._translated():
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

    # -- reading from two processes (core/store.py) ------------------------------------------
    def reopened(self) -> SqliteStore:
        return SqliteStore(self.path, timeout=self._timeout, write=False)

    @contextlib.contextmanager
    def reading(self) -> Iterator[str | None]:
        """A read transaction; its state: the dates' versions (a write of sets bumps theirs, in
        the same transaction) and the records (each ingestion adds one)."""
        began = not self._db.in_transaction
        with self._translated():
            if began:
                self._db.execute("BEGIN")
            state = repr((self._db.execute(STATE_DATES).fetchall(),
                          self._db.execute(STATE_RECORDS).fetchone()))
        try:
            yield state
        finally:
            if began:
                with self._translated():
                    self._db.execute("ROLLBACK")  # it wrote nothing: ending it cannot fail

    def close(self) -> None:
        if self._wal_pending:  # a new store nothing was written to
            self._wal_pending = not sqlite_files.first_write_done(self._db, self._timeout)
        self._db.close()

    def close_discarding_if_unused(self) -> None:
        """Close; and remove the file if this process created it and kept nothing in it (a
        first upload that failed or was interrupted), so no empty store is left behind."""
        discard = self._created and not self._wrote and self._holds_nothing()
        self._db.close()
        if discard:
            sqlite_files.discard(Path(self.path))
            logs.info(__name__, "removed the empty new local store %s", self.path)

    def _holds_nothing(self) -> bool:
        """Nothing in it, checked under the write lock (another process may have written)."""
        try:
            self._db.execute("PRAGMA busy_timeout = 0")
            self._db.execute("BEGIN IMMEDIATE")
            try:
                tables = set(sqlite_files.tables(self._db))
                return all(self._db.execute(f"SELECT 1 FROM {name} LIMIT 1").fetchone() is None
                           for name in ("performances", "ingestions") if name in tables)
            finally:
                self._db.execute("ROLLBACK")
        except sqlite3.Error:
            return False  # busy or failing: someone else may be using it, keep it
