"""What only the SQLite store promises: index-only reads, its file, its transactions, its errors."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from festival_cli.core.errors import StoreError, TransientStoreError
from festival_cli.core.ingest import ingest
from festival_cli.core.query import KeyRead, Query
from festival_cli.core.records import Ingestion
from festival_cli.core.schema import DATE_POPULARITY, DATE_TIME, STAGE_DATE_START, TABLE
from festival_cli.stores import sqlite_files
from festival_cli.stores.sqlite import BULK_LOAD_MIN, SqliteStore
from festival_cli.stores.sqlite_schema import APPLICATION_ID, PAGE_SIZE, SCHEMA_VERSION
from tests.factories import big_lineup, document, lineup, perf, record

# The schema as festival 0.1 wrote it (version 1): kept here to test the upgrade.
VERSION_1_SCHEMA = [
    """CREATE TABLE performances (performer TEXT NOT NULL, date_start_time TEXT NOT NULL,
       stage TEXT NOT NULL, date TEXT NOT NULL, start_time TEXT NOT NULL,
       end_time TEXT NOT NULL, popularity INTEGER, PRIMARY KEY (performer, date_start_time)
       ) WITHOUT ROWID""",
    "CREATE INDEX stage_date_start ON performances (stage, date_start_time)",
    "CREATE INDEX date_time ON performances (date, start_time)",
    "CREATE INDEX date_popularity ON performances (date, popularity) "
    "WHERE popularity IS NOT NULL",
    "CREATE TABLE ingestions (id TEXT PRIMARY KEY NOT NULL, started TEXT NOT NULL, "
    "record TEXT NOT NULL) WITHOUT ROWID",
    "CREATE INDEX ingestions_started ON ingestions (started)",
    "CREATE TABLE date_versions (date TEXT PRIMARY KEY NOT NULL, version INTEGER NOT NULL) "
    "WITHOUT ROWID",
    "CREATE TABLE file_memos (digest TEXT PRIMARY KEY NOT NULL, memo TEXT NOT NULL) "
    "WITHOUT ROWID",
]

EVERY_READ = [
    KeyRead(TABLE, "A"),
    KeyRead(TABLE, "A", "2026-07-10#00:00", "2026-07-10#23:59"),
    KeyRead(STAGE_DATE_START, "Main", "2026-07-09#18:00", "2026-07-10#23:00"),
    KeyRead(DATE_TIME, "2026-07-10"),
    KeyRead(DATE_TIME, "2026-07-10", "00:00", "21:30"),
    KeyRead(DATE_POPULARITY, "2026-07-10", 80, 100),
    KeyRead(DATE_POPULARITY, "2026-07-10"),
]
EVERY_QUERY = [
    Query(performer="A"),
    Query(performer="A", date="2026-07-10"),
    Query(stage="Main", start="2026-07-10T18:00", end="2026-07-10T23:00"),
    Query(stage="Main", date="2026-07-10"),
    Query(date="2026-07-10"),
    Query(date="2026-07-10", at="21:30"),
    Query(date="2026-07-10", min_popularity=80),
]


def query_plan(store: SqliteStore, read: KeyRead) -> list[str]:
    sql, params = store.sql_for(read)
    return [row[3] for row in store._db.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


@pytest.mark.parametrize("read", EVERY_READ + [r for q in EVERY_QUERY for r in q.reads()],
                         ids=repr)
def test_every_read_searches_an_index_and_never_scans(sqlite_store: SqliteStore,
                                                      read: KeyRead) -> None:
    sqlite_store.apply_lineup(lineup(*big_lineup(200)))
    sqlite_store._db.execute("ANALYZE")  # statistics must not tempt the planner into a scan
    [step] = query_plan(sqlite_store, read)
    assert step.startswith("SEARCH performances USING "), step
    assert "INDEX" in step or "PRIMARY KEY" in step, step


@pytest.mark.parametrize(
    ("read", "index"),
    [(KeyRead(TABLE, "A"), "PRIMARY KEY"),
     (KeyRead(STAGE_DATE_START, "Main", "a", "b"), "stage_date_start"),
     (KeyRead(DATE_TIME, "2026-07-10"), "date_time"),
     (KeyRead(DATE_POPULARITY, "2026-07-10", 0, 100), "date_popularity")],
)
def test_each_index_serves_its_reads(sqlite_store: SqliteStore, read: KeyRead,
                                     index: str) -> None:
    assert index in query_plan(sqlite_store, read)[0]


def test_the_popularity_index_is_sparse(sqlite_store: SqliteStore) -> None:
    sqlite_store.apply_lineup(lineup(perf("A", popularity=None), perf("B", popularity=5)))
    indexed = sqlite_store._db.execute(
        "SELECT count(*) FROM performances INDEXED BY date_popularity "
        "WHERE date = '2026-07-10' AND popularity IS NOT NULL").fetchone()[0]
    assert indexed == 1


def test_sort_keys_are_the_model_s(sqlite_store: SqliteStore) -> None:
    sqlite_store.apply_lineup(lineup(perf("A")))
    [(key,)] = sqlite_store._db.execute("SELECT date_start_time FROM performances")
    assert key == perf("A").sort_key


def test_what_is_missing_is_stored_as_null_and_flags_as_integers(
        sqlite_store: SqliteStore) -> None:
    """Rows are bound without None or bool (sqlite_puts' stand-ins): what lands is NULL."""
    named = replace(perf("B", popularity=0), festival="Riverside", timezone="Europe/London")
    sqlite_store.apply_lineup(lineup(perf("A", popularity=None), named))
    before = datetime(2026, 7, 1, tzinfo=UTC)  # its day to come: A's removal is a tombstone
    sqlite_store.apply_lineup(lineup(named), now=before)
    rows = sqlite_store._db.execute(
        "SELECT performer, popularity, festival, timezone, upload, typeof(cancelled), cancelled "
        "FROM performances ORDER BY performer").fetchall()
    assert rows == [("A", None, None, None, None, "integer", 1),
                    ("B", 0, "Riverside", "Europe/London", None, "integer", 0)]
    [a] = [p for p in sqlite_store.stored_on(["2026-07-10"], cancelled=True)
           if p.performer == "A"]
    assert (a.popularity, a.festival, a.timezone, a.cancelled) == (None, None, None, True)


# -- the file ------------------------------------------------------------------------------


def test_a_new_file_gets_the_schema_version_and_wal(db_path: Path) -> None:
    SqliteStore(db_path).close()
    db = sqlite3.connect(db_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE == 16384


def journal(path: Path) -> str:
    """The store's journal mode, as a new connection finds it."""
    with sqlite3.connect(path) as db:
        return str(db.execute("PRAGMA journal_mode").fetchone()[0])


def test_a_new_store_takes_its_first_write_straight_into_the_file_then_turns_to_wal(
        db_path: Path) -> None:
    # The first upload's pages go into the file once (a rollback journal), not into a WAL and
    # again at its checkpoint: sqlite_files.first_write_done.
    store = SqliteStore(db_path)
    during: list[tuple[bool, bool]] = []
    wal, rollback = Path(f"{db_path}-wal"), Path(f"{db_path}-journal")
    store.apply_lineup(lineup(perf("A")),
                       then=lambda plan: during.append((wal.exists(), rollback.exists())))
    assert during == [(False, True)]
    assert journal(db_path) == "wal"
    store.apply_lineup(lineup(perf("B")), merge=True,
                       then=lambda plan: during.append((wal.exists(), rollback.exists())))
    assert during[1] == (True, False)
    store.close()
    assert [p.performer for p in SqliteStore(db_path, write=False).stored_on(
        ["2026-07-10"])] == ["A", "B"]


def test_a_new_store_that_cannot_turn_to_wal_at_once_does_when_it_can(db_path: Path) -> None:
    store = SqliteStore(db_path)
    reader = sqlite3.connect(db_path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM performances").fetchone()  # a read lock held
    assert not sqlite_files.first_write_done(store._db, 5.0)  # busy: it waits, never fails
    assert journal(db_path) == "delete"
    reader.rollback()
    store.apply_lineup(lineup(perf("A")))  # the first commit turns it
    assert journal(db_path) == "wal"
    store.close()


def test_loading_an_empty_store_runs_the_caller_s_work_beside_the_index_builds(
        sqlite_store: SqliteStore) -> None:
    # core/overlap.py: SQLite builds the indexes with the GIL released, so the warnings and the
    # change list (ingest's `meanwhile`) are found on a second core meanwhile.
    threads: list[bool] = []
    sqlite_store.apply_lineup(lineup(*big_lineup(BULK_LOAD_MIN)), meanwhile=lambda plan:
                              threads.append(threading.current_thread() is threading.main_thread()))
    assert threads == [False]
    assert len(sqlite_store.stored_on(["2026-07-10", "2026-07-11", "2026-07-12"])) == BULK_LOAD_MIN


def test_a_version_1_store_is_upgraded_and_its_sets_get_identities(db_path: Path) -> None:
    db = sqlite3.connect(db_path)
    for statement in VERSION_1_SCHEMA:
        db.execute(statement)
    db.executemany("INSERT INTO performances VALUES (?, ?, ?, ?, ?, ?, ?)", [
        ("A", "2026-07-10#18:00", "Main", "2026-07-10", "18:00", "19:00", 87),
        ("B", "2026-07-10#20:00", "Main", "2026-07-10", "20:00", "21:00", None)])
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with SqliteStore(db_path) as store:
        sets = store.stored_on(["2026-07-10"])
        assert sorted(p.performer for p in sets) == ["A", "B"]
        assert sorted(p.set_id or 0 for p in sets) == [1, 2]
        assert all(p.guid and uuid.UUID(p.guid).version == 4 for p in sets)
        store.apply_lineup(lineup(perf("C")))
        assert [p.set_id for p in store.stored_on(["2026-07-10"]) if p.performer == "C"] == [3]


def test_a_version_3_store_is_upgraded_to_keep_upload_marks(db_path: Path) -> None:
    """Version 4 adds the newest-upload marks; what version 3 stored stays, without marks."""
    with SqliteStore(db_path) as store:
        store.apply_lineup(lineup(perf("A")))
        store._db.execute("ALTER TABLE performances DROP COLUMN upload")
        store._db.execute("ALTER TABLE date_versions DROP COLUMN newest")
        store._db.execute("PRAGMA user_version = 3")
    with SqliteStore(db_path) as store:
        assert store.stored_on(["2026-07-10"]) == [perf("A")]
        assert store._newest(["2026-07-10"]) == {}  # no mark: any upload is newer
        ingest(store, document(record(performer="A", end="20:00")), "later.json")
        assert store.stored_on(["2026-07-10"]) == [perf("A", end="20:00")]
        assert list(store._newest(["2026-07-10"])) == ["2026-07-10"]
    db = sqlite3.connect(db_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4


def test_reopening_keeps_the_data(db_path: Path) -> None:
    with SqliteStore(db_path) as store:
        store.apply_lineup(lineup(perf("A")))
    with SqliteStore(db_path) as store:
        assert store.stored_on(["2026-07-10"]) == [perf("A")]


def test_a_file_that_is_not_a_database_is_a_clear_error(db_path: Path) -> None:
    db_path.write_text('{"performances": []}')
    with pytest.raises(StoreError, match="not a festival local store, or a corrupt one"):
        SqliteStore(db_path)


def test_another_program_s_database_is_refused(db_path: Path) -> None:
    db = sqlite3.connect(db_path)
    db.execute("CREATE TABLE notes (text)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match=r"not a festival local store \(it holds the tables notes"):
        SqliteStore(db_path)


def test_another_program_s_versioned_database_is_refused(db_path: Path) -> None:
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA user_version = 1")
    db.close()
    with pytest.raises(StoreError, match="another program's SQLite database"):
        SqliteStore(db_path)


def test_a_newer_schema_is_refused(db_path: Path) -> None:
    SqliteStore(db_path).close()
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    known = f"schema version 99, but this festival knows version {SCHEMA_VERSION}"
    with pytest.raises(StoreError, match=known):
        SqliteStore(db_path)


def test_a_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"cannot create the local store: the directory .* does "
                                         r"not exist"):
        SqliteStore(tmp_path / "no" / "such" / "festival.db")


def test_a_read_only_store_can_be_read_but_not_written(sqlite_store: SqliteStore) -> None:
    sqlite_store.apply_lineup(lineup(perf("A")))
    # What a read-only file does to every write (root ignores file modes, so say it directly).
    sqlite_store._db.execute("PRAGMA query_only = ON")
    assert sqlite_store.count() == 1
    with pytest.raises(StoreError, match="the local store is read-only"):
        sqlite_store.apply_lineup(lineup(perf("B")))


# -- transactions --------------------------------------------------------------------------


def test_a_failure_midway_writes_nothing(sqlite_store: SqliteStore) -> None:
    sqlite_store.apply_lineup(lineup(perf("Kept")))

    def fail(done: int, total: int) -> None:
        if done:
            raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        sqlite_store.apply_lineup(lineup(*big_lineup(12_000)), progress=fail)
    assert sqlite_store.stored_on(["2026-07-10", "2026-07-11", "2026-07-12"]) == [perf("Kept")]


def test_a_failed_bulk_load_keeps_the_indexes(sqlite_store: SqliteStore) -> None:
    def fail(done: int, total: int) -> None:
        if done:
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        sqlite_store.apply_lineup(lineup(*big_lineup(6_000)), progress=fail)
    indexes = {name for (name,) in sqlite_store._db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'performances'")}
    assert {"stage_date_start", "date_time", "date_popularity"} <= indexes


def test_a_bulk_load_rebuilds_the_indexes(sqlite_store: SqliteStore) -> None:
    sets = big_lineup(3_000)
    sqlite_store.apply_lineup(lineup(*sets))
    day = sets[0].date
    assert len(sqlite_store.query(Query(date=day))) == sum(p.date == day for p in sets)
    assert sqlite_store._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_writer_holding_the_file_makes_a_revision_transient(db_path: Path) -> None:
    SqliteStore(db_path).close()
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with SqliteStore(db_path, timeout=0.05) as store, \
                pytest.raises(TransientStoreError, match=r"busy .* try again"):
            store.apply_lineup(lineup(perf("A")))
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_revision_holds_the_write_lock_from_plan_to_apply(db_path: Path) -> None:
    with SqliteStore(db_path) as store, store._revision(["2026-07-10"]):
        other = sqlite3.connect(db_path, timeout=0.05, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


# -- date versions and memos ------------------------------------------------------------------


def versions(store: SqliteStore) -> dict[str, int]:
    return store.date_versions(["2026-07-10", "2026-07-11"])


def test_a_write_bumps_the_version_of_each_date_it_revises(sqlite_store: SqliteStore) -> None:
    sqlite_store.apply_lineup(lineup(perf("A"), perf("B", date="2026-07-11")))
    sqlite_store.apply_lineup(lineup(perf("C")))
    assert versions(sqlite_store) == {"2026-07-10": 2, "2026-07-11": 1}


def test_an_unchanged_revision_keeps_the_versions(sqlite_store: SqliteStore) -> None:
    sqlite_store.apply_lineup(lineup(perf("A")))
    sqlite_store.apply_lineup(lineup(perf("A")))
    assert versions(sqlite_store) == {"2026-07-10": 1}


def state(store: SqliteStore) -> str | None:
    with store.reading() as found:
        return found


def test_a_reading_s_state_changes_with_every_write_of_sets_or_records(
        sqlite_store: SqliteStore) -> None:
    sqlite_store.apply_lineup(lineup(perf("A")))
    first = state(sqlite_store)
    assert first is not None and state(sqlite_store) == first  # nothing written: the same
    other = sqlite_store.reopened()
    assert state(other) == first  # read through another connection too
    other.close()
    sqlite_store.apply_lineup(lineup(perf("A"), perf("B")))
    second = state(sqlite_store)
    assert second != first
    sqlite_store.save_ingestion(Ingestion(id="another", file="f.json"))
    assert state(sqlite_store) != second


def test_a_reading_sees_one_state_while_another_connection_writes(
        sqlite_store: SqliteStore) -> None:
    sqlite_store.apply_lineup(lineup(perf("A")))
    with sqlite_store.reading():
        writer = SqliteStore(sqlite_store.path)
        writer.apply_lineup(lineup(perf("A"), perf("B")))
        writer.close()
        assert [p.performer for p in sqlite_store.stored_on(["2026-07-10"])] == ["A"]
    assert [p.performer for p in sqlite_store.stored_on(["2026-07-10"])] == ["A", "B"]


def test_a_date_never_written_has_no_version(sqlite_store: SqliteStore) -> None:
    sqlite_store.apply_lineup(lineup(perf("A")))
    assert versions(sqlite_store) == {"2026-07-10": 1}


def test_a_memo_is_kept_by_key_and_replaced(sqlite_store: SqliteStore) -> None:
    assert sqlite_store.load_memo("key") is None
    sqlite_store.save_memo("key", "first")
    sqlite_store.save_memo("key", "second")
    assert sqlite_store.load_memo("key") == "second"


def test_a_record_quoting_a_lone_surrogate_is_stored_and_read_back(
        sqlite_store: SqliteStore) -> None:
    from festival_cli.core.records import Ingestion

    record = Ingestion(id="x", file="f.json", errors=["performances[0].\ud800: unknown field"])
    sqlite_store.save_ingestion(record)
    assert sqlite_store.get_ingestion("x") == record


def test_a_set_with_a_lone_surrogate_is_a_store_error(sqlite_store: SqliteStore) -> None:
    with pytest.raises(StoreError, match="not valid Unicode"):
        sqlite_store.apply_lineup(lineup(perf("\ud800")))
