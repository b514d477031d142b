"""Hostile conditions for the local store: failures at every write, reads of a store that is not
there, read-only places and full disks. What it says happened is what happened.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from festival_cli.core.errors import StoreError, TransientStoreError
from festival_cli.stores.sqlite import SqliteStore
from festival_cli.targets.local import LocalTarget
from tests.factories import big_lineup, document, record
from tests.local_process import as_unprivileged, run_festival, snapshot

Cli = Callable[..., Result]
FIRST = document(record(), record(performer="Bo", start="20:00", end="21:00"))
SECOND = document(record(), record(performer="Cy", start="21:00", end="22:00"))
WRITES = ("INSERT", "DELETE", "UPDATE", "DROP", "CREATE", "COMMIT")
FULL = "database or disk is full"  # SQLITE_FULL
BUSY = "database is locked"  # SQLITE_BUSY: another writer took the lock


class FailingConnection:
    """A sqlite3 connection whose `fail_at`-th write statement fails with `error` (counting
    from 0; None: never), to inject SQLITE_FULL or SQLITE_BUSY at each write of an upload."""

    def __init__(self, db: sqlite3.Connection, fail_at: int | None, error: str) -> None:
        self._db = db
        self.fail_at = fail_at
        self.error = error
        self.writes = 0

    def _statement(self, sql: str) -> None:
        if sql.lstrip().upper().startswith(WRITES):
            if self.writes == self.fail_at:
                raise sqlite3.OperationalError(self.error)
            self.writes += 1

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._statement(sql)
        return self._db.execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._statement(sql)
        return self._db.executemany(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


@pytest.fixture(scope="module")
def first_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("first") / "festival.db"
    target = LocalTarget.open(db, write=True)
    target.upload(FIRST, "first.json")
    target.close()
    return db


def _upload_second(db: Path, fail_at: int | None, error: str) -> tuple[int, StoreError | None]:
    target = LocalTarget.open(db, write=True)
    store = target._sqlite
    failing = FailingConnection(store._db, fail_at, error)
    store._db = failing  # type: ignore[assignment]
    try:
        target.upload(SECOND, "second.json")
    except StoreError as exc:
        return failing.writes, exc
    finally:
        store._db = failing._db
        target.close()
    return failing.writes, None


# -- 1. the record is committed with the data ------------------------------------------------
@pytest.mark.parametrize("error", [FULL, BUSY], ids=["SQLITE_FULL", "SQLITE_BUSY"])
def test_a_failure_at_any_write_of_an_upload_leaves_all_or_nothing(
        first_store: Path, tmp_path: Path, error: str) -> None:
    """Whichever write of an upload fails (the sets, the date versions, the record, the memo,
    the commit), either everything of it is stored with a `succeeded` record, or nothing is
    and no record either; an error never comes after the sets are stored."""
    db = tmp_path / "festival.db"
    shutil.copy(first_store, db)
    writes, failure = _upload_second(db, None, error)
    assert failure is None and writes >= 4
    after = snapshot(db)
    for fail_at in range(writes):
        shutil.copy(first_store, db)
        before = snapshot(db)
        _, failure = _upload_second(db, fail_at, error)
        assert failure is not None, fail_at
        assert snapshot(db) == before, f"write {fail_at} failed but something stayed"
        assert "nothing was written" in str(failure) or "try again" in str(failure)
    assert snapshot(db)[0] != after[0]


def test_a_writer_that_gives_up_waiting_for_the_lock_leaves_no_record(
        first_store: Path, tmp_path: Path) -> None:
    db = tmp_path / "festival.db"
    shutil.copy(first_store, db)
    before = snapshot(db)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process is writing
    try:
        target = LocalTarget(SqliteStore(db, timeout=0.05), db)
        with pytest.raises(TransientStoreError, match="busy"):
            target.upload(SECOND, "second.json")
        target.close()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert snapshot(db) == before


def test_a_real_sqlite_full_while_writing_leaves_no_sets_and_no_record(
        first_store: Path, tmp_path: Path) -> None:
    db = tmp_path / "festival.db"
    shutil.copy(first_store, db)
    before = snapshot(db)
    sets = big_lineup(2_000)
    data = document(*(record(performer=p.performer, stage=p.stage, date=p.date, start=p.start,
                             end=p.end) for p in sets))
    target = LocalTarget.open(db, write=True)
    pages = target._sqlite._db.execute("PRAGMA page_count").fetchone()[0]
    target._sqlite._db.execute(f"PRAGMA max_page_count = {pages + 2}")  # the disk is full
    with pytest.raises(StoreError, match="the disk is full; nothing was written"):
        target.upload(data, "big.json")
    target.close()
    assert snapshot(db) == before


# -- 3. reading creates nothing --------------------------------------------------------------
READS = {
    "query": ["query", "--date", "2026-07-10"],
    "status": ["status"],
    "timetable": ["timetable", "--date", "2026-07-10"],
    "export": ["export", "--date", "2026-07-10"],
    "diff": ["diff", "LINEUP"],
}


@pytest.fixture
def lineup_file(tmp_path: Path) -> Path:
    path = tmp_path / "lineup.json"
    path.write_bytes(FIRST)
    return path


def _args(name: str, lineup_file: Path) -> list[str]:
    return [str(lineup_file) if a == "LINEUP" else a for a in READS[name]]


@pytest.mark.parametrize("name", sorted(READS))
def test_reading_a_missing_store_fails_and_creates_nothing(
        cli: Cli, tmp_path: Path, lineup_file: Path, name: str) -> None:
    db = tmp_path / "typo.db"
    result = cli(*_args(name, lineup_file), "--db", db)
    assert result.exit_code == 1, result.output
    assert result.stderr == f"error: no local store at {db} (festival upload creates it)\n"
    assert sorted(os.listdir(tmp_path)) == ["lineup.json"]


@pytest.mark.parametrize("name", sorted(READS))
def test_reading_the_default_store_before_the_first_upload_creates_nothing(
        cli: Cli, tmp_path: Path, lineup_file: Path, name: str) -> None:
    data_home = Path(os.environ["XDG_DATA_HOME"])
    result = cli(*_args(name, lineup_file))
    assert result.exit_code == 1, result.output
    default = data_home / "festival" / "festival.db"
    assert result.stderr == f"error: no local store at {default} (festival upload creates it)\n"
    assert not data_home.exists()


# -- 4. a read-only store can be read ----------------------------------------------------------
@pytest.fixture
def read_only_store(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """A store holding FIRST, made read-only: its directory (`dir`) or the file itself."""
    place = tmp_path / "place"
    place.mkdir()
    db = place / "festival.db"
    lineup = tmp_path / "first.json"
    lineup.write_bytes(FIRST)
    assert run_festival("upload", "--db", db, lineup).returncode == 0
    read_only = place if request.param == "dir" else db
    mode = read_only.stat().st_mode
    read_only.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    yield db
    read_only.chmod(mode)


@pytest.mark.parametrize("read_only_store", ["dir", "file"], indirect=True)
@pytest.mark.parametrize("args", [["query", "--date", "2026-07-10", "--output", "json"],
                                  ["status"], ["export", "--date", "2026-07-10"],
                                  ["timetable", "--date", "2026-07-10"]],
                         ids=lambda a: a[0])
def test_a_read_only_store_is_read_leaving_no_file_behind(
        read_only_store: Path, args: list[str]) -> None:
    files = sorted(os.listdir(read_only_store.parent))
    result = run_festival(*args, "--db", read_only_store, preexec=as_unprivileged)
    assert result.returncode == 0, result.stderr
    assert "Bo" in result.stdout or args == ["status"]
    assert sorted(os.listdir(read_only_store.parent)) == files  # no stray -shm or -wal


@pytest.mark.parametrize("read_only_store", ["dir", "file"], indirect=True)
def test_only_a_write_to_a_read_only_store_says_it_is_read_only(
        read_only_store: Path, tmp_path: Path) -> None:
    files = sorted(os.listdir(read_only_store.parent))
    second = tmp_path / "second.json"
    second.write_bytes(SECOND)
    result = run_festival("upload", "--db", read_only_store, second, preexec=as_unprivileged)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {read_only_store}: the local store is read-only")
    assert "change its permissions or give another --db" in result.stderr
    assert sorted(os.listdir(read_only_store.parent)) == files


# -- 10. a full disk ---------------------------------------------------------------------------
def _disk_full_at(size: int) -> Callable[[], None]:
    """preexec_fn: no file may grow past `size` bytes (what a full disk does to a writer)."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return limit


def test_a_first_upload_on_a_full_disk_leaves_no_store_file(tmp_path: Path) -> None:
    place = tmp_path / "place"
    place.mkdir()
    sets = big_lineup(3_000)
    lineup = tmp_path / "big.json"
    lineup.write_bytes(document(*(record(performer=p.performer, stage=p.stage, date=p.date,
                                         start=p.start, end=p.end) for p in sets)))
    result = run_festival("upload", "--db", place / "festival.db", lineup,
                          preexec=_disk_full_at(64 * 1024))
    assert result.returncode == 1, result.stdout
    assert "nothing was written" in result.stderr and "Traceback" not in result.stderr
    assert os.listdir(place) == []


def test_an_upload_on_a_full_disk_leaves_the_store_as_it_was(first_store: Path,
                                                             tmp_path: Path) -> None:
    db = tmp_path / "festival.db"
    shutil.copy(first_store, db)
    before = snapshot(db)
    sets = big_lineup(3_000)
    lineup = tmp_path / "big.json"
    lineup.write_bytes(document(*(record(performer=p.performer, stage=p.stage, date=p.date,
                                         start=p.start, end=p.end) for p in sets)))
    result = run_festival("upload", "--db", db, lineup,
                          preexec=_disk_full_at(db.stat().st_size + 40 * 1024))
    assert result.returncode == 1, result.stdout
    assert "nothing was written" in result.stderr
    assert snapshot(db) == before


def test_reads_keep_working_on_a_full_disk(first_store: Path, tmp_path: Path) -> None:
    db = tmp_path / "festival.db"
    shutil.copy(first_store, db)
    result = run_festival("query", "--db", db, "--date", "2026-07-10", "--output", "json",
                          preexec=_disk_full_at(0))
    assert result.returncode == 0, result.stderr
    assert [s["performer"] for s in json.loads(result.stdout)] == [
        "Aurora Fields", "Bo"]
    assert os.listdir(tmp_path) == ["festival.db"]


def test_reading_a_store_never_writes_to_it(first_store: Path) -> None:
    with SqliteStore(first_store, write=False) as store, \
            pytest.raises(sqlite3.OperationalError, match="readonly"):
        store._db.execute("DELETE FROM performances")  # query_only: even a bug cannot write
