"""The embedded local store: one SQLite file (stdlib `sqlite3`) whose schema mirrors DynamoDB.

The table `performances` has the DynamoDB primary key (performer, `date#start`) and one index per
GSI, the `Date-Popularity` one sparse (partial) like the GSI, so every read of `core.query` is a
key-range search on the table or one index, never a scan (tests check `EXPLAIN QUERY PLAN`).

A revision is one write transaction (`BEGIN IMMEDIATE`) around reading the stored sets, computing
the plan and applying it, so two uploads of the same dates cannot interleave and a failure leaves
nothing half-written. Loading into an empty table drops the secondary indexes, inserts in primary
key order and rebuilds them once: several times faster than maintaining them row by row.

Each date's stored sets also have a fingerprint (table `date_fingerprints`, kept by `_apply`, the
only writer), so re-uploading an unchanged lineup finds "all unchanged" without reading its sets
back: the dates whose fingerprint matches are unchanged, and only the others are diffed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import operator
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from festival_cli.core.errors import StoreError, TransientStoreError
from festival_cli.core.ingestion import Ingestion
from festival_cli.core.model import Lineup, Performance
from festival_cli.core.plan import Plan, compute_plan
from festival_cli.core.query import KeyRead
from festival_cli.core.store import Progress, Store

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
# Stamped into the file header (PRAGMA application_id) so a festival db is recognisable: "FSTV".
APPLICATION_ID = 0x46535456
BUSY_TIMEOUT_SECONDS = 5.0
# Below this many puts into an empty table, dropping and rebuilding the indexes is not worth it.
BULK_LOAD_MIN = 1_000
PROGRESS_STEP = 5_000

_COLUMNS = "performer, stage, date, start_time, end_time, popularity"

_INDEXES = {
    "stage_date_start": "CREATE INDEX stage_date_start ON performances (stage, date_start_time)",
    "date_time": "CREATE INDEX date_time ON performances (date, start_time)",
    "date_popularity": (
        "CREATE INDEX date_popularity ON performances (date, popularity) "
        "WHERE popularity IS NOT NULL"
    ),
}

_SCHEMA = [
    """CREATE TABLE performances (
        performer TEXT NOT NULL,
        date_start_time TEXT NOT NULL,
        stage TEXT NOT NULL,
        date TEXT NOT NULL,
        start_time TEXT NOT NULL,
        end_time TEXT NOT NULL,
        popularity INTEGER,
        PRIMARY KEY (performer, date_start_time)
    ) WITHOUT ROWID""",
    *_INDEXES.values(),
    """CREATE TABLE ingestions (
        id TEXT PRIMARY KEY NOT NULL,
        started TEXT NOT NULL,
        record TEXT NOT NULL
    ) WITHOUT ROWID""",
    "CREATE INDEX ingestions_started ON ingestions (started)",
    # One row per date that has sets: how many, and a digest of exactly what they are.
    """CREATE TABLE date_fingerprints (
        date TEXT PRIMARY KEY NOT NULL,
        sets INTEGER NOT NULL,
        digest TEXT NOT NULL
    ) WITHOUT ROWID""",
    # What a file (by content digest) left in its dates when it was last ingested whole.
    """CREATE TABLE file_memos (
        digest TEXT PRIMARY KEY NOT NULL,
        memo TEXT NOT NULL
    ) WITHOUT ROWID""",
]

# The column holding each index's partition and sort key (core.query's index names).
_KEY_COLUMNS = {
    "table": ("performer", "date_start_time"),
    "Stage-Date-Start": ("stage", "date_start_time"),
    "Date-Time": ("date", "start_time"),
    "Date-Popularity": ("date", "popularity"),
}

_PUT = (
    "INSERT OR REPLACE INTO performances "
    "(performer, date_start_time, stage, date, start_time, end_time, popularity) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_DELETE = "DELETE FROM performances WHERE performer = ? AND date_start_time = ?"


def _row(p: Performance) -> tuple[str, str, str, str, str, str, int | None]:
    return (p.performer, p.sort_key, p.stage, p.date, p.start, p.end, p.popularity)


# What a set is within its date, in the order fingerprints hash it.
_Identity = tuple[str, str, str, str, int | None]  # performer, start, stage, end, popularity


_identity = operator.attrgetter("performer", "start", "stage", "end", "popularity")
Fingerprint = tuple[int, str]  # how many sets a date has, and a digest of exactly what they are


def fingerprint(sets: Iterable[_Identity]) -> Fingerprint:
    """The fingerprint of one date's sets, independent of their order."""
    # (performer, start) is unique within a date, so sorting never compares a popularity;
    # repr() of str/int/None tuples is unambiguous and fast.
    rows = sorted(sets)
    return len(rows), hashlib.sha256(repr(rows).encode("utf-8", "surrogatepass")).hexdigest()


def fingerprints_by_date(performances: Iterable[Performance]) -> dict[str, Fingerprint]:
    by_date: dict[str, list[_Identity]] = {}
    for p in performances:
        by_date.setdefault(p.date, []).append(_identity(p))
    return {day: fingerprint(sets) for day, sets in by_date.items()}


class SqliteStore(Store):
    """Performances and ingestion records in one SQLite file."""

    def __init__(self, path: Path | str, *, timeout: float = BUSY_TIMEOUT_SECONDS) -> None:
        self.path = str(path)
        self._in_revision = False
        self._planned: tuple[Plan, dict[str, Fingerprint]] | None = None  # the latest plan()
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
            for statement in _SCHEMA:
                self._db.execute(statement)
            self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        log.info("created local store %s", self.path)

    # -- errors ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        """sqlite3 errors become the core's StoreError / TransientStoreError, with the path."""
        try:
            yield
        except sqlite3.Error as exc:
            raise self._error(exc) from None

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
        partition_column, sort_column = _KEY_COLUMNS[read.index]
        clauses = [f"{partition_column} = ?"]
        params: list[object] = [read.partition]
        if read.low is not None:
            clauses.append(f"{sort_column} >= ?")
            params.append(read.low)
        if read.high is not None:
            clauses.append(f"{sort_column} <= ?")
            params.append(read.high)
        if read.index == "Date-Popularity":
            # Only the partial index's rows: the sparse GSI holds no set without a score.
            clauses.append("popularity IS NOT NULL")
        sql = f"SELECT {_COLUMNS} FROM performances WHERE {' AND '.join(clauses)}"
        return sql, params

    def _read(self, read: KeyRead) -> list[Performance]:
        sql, params = self.sql_for(read)
        with self._translated():
            return [Performance(*row) for row in self._db.execute(sql, params)]

    def count(self) -> int:
        with self._translated():
            return int(self._db.execute("SELECT count(*) FROM performances").fetchone()[0])

    def plan(self, lineup: Lineup, *, merge: bool = False) -> Plan:
        """The core's plan; the dates whose fingerprint matches are known unchanged unread."""
        incoming = fingerprints_by_date(lineup.performances)
        stored = self._fingerprints(list(incoming))
        same = {day for day, print_ in incoming.items() if stored.get(day) == print_}
        if not same:
            plan = super().plan(lineup, merge=merge)
            self._planned = (plan, incoming)
            return plan
        different = [p for p in lineup.performances if p.date not in same]
        diff = compute_plan(
            different, self.stored_on(sorted({p.date for p in different})), merge=merge
        )
        plan = Plan(
            dates=tuple(lineup.dates),
            added=diff.added,
            updated=diff.updated,
            removed=diff.removed,
            unchanged=(*diff.unchanged, *(p for p in lineup.performances if p.date in same)),
            merge=merge,
        )
        self._planned = (plan, incoming)
        return plan

    def _fingerprints(self, dates: Sequence[str]) -> dict[str, Fingerprint]:
        with self._translated():
            return {
                day: (sets, digest)
                for day, sets, digest in self._db.execute(
                    "SELECT date, sets, digest FROM date_fingerprints WHERE date IN "
                    f"({', '.join('?' * len(dates))})",
                    list(dates),
                )
            }

    def _refresh_fingerprints(self, plan: Plan) -> None:
        """After applying `plan`, record what each of its dates now holds."""
        if plan.merge:
            # The date keeps the sets the file did not list: read back what it holds now.
            prints = {
                day: fingerprint(
                    self._db.execute(
                        "SELECT performer, start_time, stage, end_time, popularity "
                        "FROM performances WHERE date = ?",
                        (day,),
                    )
                )
                for day in plan.dates
            }
        elif self._planned is not None and self._planned[0] is plan:
            # The file is the whole lineup of its dates: they now hold exactly its sets,
            # whose fingerprints `plan()` just computed.
            prints = self._planned[1]
        else:
            prints = fingerprints_by_date([*plan.unchanged, *plan.puts])
        self._db.execute(
            f"DELETE FROM date_fingerprints WHERE date IN ({', '.join('?' * len(plan.dates))})",
            plan.dates,
        )
        self._db.executemany(
            "INSERT INTO date_fingerprints (date, sets, digest) VALUES (?, ?, ?)",
            [(day, sets, digest) for day, (sets, digest) in prints.items() if sets],
        )

    # -- files already ingested -----------------------------------------------------------
    def remember_file(self, digest: str, plan: Plan, memo: dict[str, Any]) -> None:
        """Note that the file `digest` was ingested whole by `plan` (never a merge): its dates
        now hold exactly its sets. `memo` is what to tell the next upload of the same bytes."""
        if plan.merge:
            return
        known = self._planned[1] if self._planned and self._planned[0] is plan else None
        prints = known if known is not None else fingerprints_by_date(
            [*plan.unchanged, *plan.puts])
        memo = {**memo, "dates": {day: list(print_) for day, print_ in prints.items()}}
        with self._translated():
            self._db.execute("INSERT OR REPLACE INTO file_memos (digest, memo) VALUES (?, ?)",
                             (digest, json.dumps(memo, ensure_ascii=False)))

    def recall_file(self, digest: str) -> dict[str, Any] | None:
        """The memo of the file `digest` if its dates still hold exactly what it left there."""
        with self._translated():
            row = self._db.execute("SELECT memo FROM file_memos WHERE digest = ?",
                                   (digest,)).fetchone()
        if row is None:
            return None
        memo: dict[str, Any] = json.loads(row[0])
        left = {day: (sets, digest_) for day, (sets, digest_) in memo["dates"].items()}
        return memo if left and self._fingerprints(list(left)) == left else None

    # -- writes ---------------------------------------------------------------------------
    def _revision(self, dates: Sequence[str]) -> contextlib.AbstractContextManager[None]:
        return self._transaction()

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
        except BaseException:
            self._in_revision = False
            if self._db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
            raise
        self._in_revision = False
        try:
            with self._translated():
                self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
            raise

    def _apply(self, plan: Plan, progress: Progress | None = None) -> None:
        puts = sorted((_row(p) for p in plan.puts), key=lambda row: (row[0], row[1]))
        deletes = [p.key for p in plan.deletes]
        total = len(puts) + len(deletes)
        with self._transaction(), self._translated():
            if deletes:
                self._db.executemany(_DELETE, deletes)
            if progress is not None:
                progress(len(deletes), total)
            bulk = len(puts) >= BULK_LOAD_MIN and self._is_empty()
            if bulk:
                for name in _INDEXES:
                    self._db.execute(f"DROP INDEX {name}")
            done = len(deletes)
            for start in range(0, len(puts), PROGRESS_STEP):
                chunk = puts[start : start + PROGRESS_STEP]
                self._db.executemany(_PUT, chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
            if bulk:
                for statement in _INDEXES.values():
                    self._db.execute(statement)
            self._refresh_fingerprints(plan)
        log.info("applied %d puts and %d deletes to %s", len(puts), len(deletes), self.path)

    def _is_empty(self) -> bool:
        return self._db.execute("SELECT 1 FROM performances LIMIT 1").fetchone() is None

    # -- ingestion records ----------------------------------------------------------------
    def save_ingestion(self, record: Ingestion) -> None:
        with self._translated():
            self._db.execute(
                "INSERT OR REPLACE INTO ingestions (id, started, record) VALUES (?, ?, ?)",
                (record.id, record.started, json.dumps(record.to_dict(), ensure_ascii=False)),
            )

    def create_ingestion(self, record: Ingestion) -> bool:
        with self._translated():
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO ingestions (id, started, record) VALUES (?, ?, ?)",
                (record.id, record.started, json.dumps(record.to_dict(), ensure_ascii=False)),
            )
            return cursor.rowcount == 1

    def get_ingestion(self, ingestion_id: str) -> Ingestion | None:
        with self._translated():
            row = self._db.execute(
                "SELECT record FROM ingestions WHERE id = ?", (ingestion_id,)
            ).fetchone()
        return None if row is None else Ingestion.from_dict(json.loads(row[0]))

    def recent_ingestions(self, limit: int = 10) -> list[Ingestion]:
        with self._translated():
            rows = self._db.execute(
                "SELECT record FROM ingestions ORDER BY started DESC, id DESC LIMIT ?", (limit,)
            ).fetchall()
        return [Ingestion.from_dict(json.loads(record)) for (record,) in rows]

    def close(self) -> None:
        self._db.close()
