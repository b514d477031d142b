"""The local store's file: opening it for what a command does, checking and creating its
schema (sqlite_schema), and what SQLite's errors mean.

- Writing (`festival upload`) creates the file if it is missing. A file or directory without
  write permission is refused before anything is tried, as read-only, saying what to do.
- Reading (every other command) creates nothing: a missing file is `no local store at PATH`.
  A store this process may write is opened read-write but `query_only` (WAL needs its -shm),
  and the last connection to close removes the -wal and -shm as usual. A store it may not write
  (read-only file or directory) is opened `immutable`: no -wal or -shm is created, none is left
  behind. Only when its -wal holds commits not yet checkpointed (a writer is at work, or died)
  is it opened plainly read-only, since `immutable` would not see them.
- A full disk: WAL reading needs a -shm file, which a full disk cannot hold. When that fails,
  the empty -wal/-shm the attempt created are removed and the store is read `immutable`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

from festival_cli.core.errors import StoreError, TransientStoreError
from festival_cli.stores.sqlite_schema import (
    APPLICATION_ID,
    MIGRATIONS,
    PAGE_SIZE,
    SCHEMA,
    SCHEMA_VERSION,
)

SIDECARS = ("-wal", "-shm", "-journal")


def sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in SIDECARS]


def _uri(path: Path, mode: str) -> str:
    posix = Path(os.path.abspath(path)).as_posix()
    if not posix.startswith("/"):
        posix = "/" + posix  # file:/C:/... on Windows
    return f"file:{quote(posix, safe='/:')}?{mode}"


def _connect(path: Path, mode: str, timeout: float) -> sqlite3.Connection:
    # Autocommit mode: every transaction is explicit (BEGIN ... COMMIT).
    try:
        return sqlite3.connect(_uri(path, mode), uri=True, timeout=timeout,
                               isolation_level=None)
    except sqlite3.Error as exc:
        raise translate(path, exc) from None


def writable(path: Path) -> bool:
    """May this process write the store (its file, and its directory for -wal and -shm)?"""
    directory = path.parent
    return os.access(directory, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def open_for_writing(path: Path, timeout: float) -> tuple[sqlite3.Connection, bool]:
    """A connection that may write `path`, creating the file; and whether it created it."""
    if not path.parent.is_dir():
        raise StoreError(f"{path}: cannot create the local store: the directory "
                         f"{path.parent} does not exist")
    existed = path.exists()
    if not writable(path):
        if not existed:
            raise StoreError(f"{path}: cannot create the local store: no permission to write "
                             f"in {path.parent}; give --db a path in a directory you can write")
        raise read_only(path)
    return _connect(path, "mode=rwc", timeout), not existed


def open_for_reading(path: Path, timeout: float) -> sqlite3.Connection:
    """A connection that reads `path` and can write nothing (see the module docstring)."""
    if not path.exists():
        raise missing(path)
    if writable(path):
        before = {p for p in sidecars(path) if p.exists()}
        db = _connect(path, "mode=rw", timeout)
        try:
            db.execute("PRAGMA query_only = ON")
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the WAL index
            return db
        except sqlite3.OperationalError as exc:
            db.close()
            if not _out_of_space(exc) or _pending_wal(path):
                raise translate(path, exc) from None
            _remove_empty(p for p in sidecars(path) if p not in before)
    mode = "mode=ro" if _pending_wal(path) else "mode=ro&immutable=1"
    return _connect(path, mode, timeout)


def prepare(db: sqlite3.Connection, path: str, *, write: bool) -> int:
    """Check that `db` is a festival store this festival can use (a writer creates the schema
    in an empty file), set the connection up, and return its schema version: an older one in
    MIGRATIONS is for the caller to upgrade."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version == 0 and not write:
        if tables(db):
            raise _foreign(db, path)
        raise missing(path)  # an empty file: no store yet
    if version == 0:
        _create_schema(db, path)
        if write:  # a rollback journal until the first commit: see first_write_done below
            db.execute("PRAGMA synchronous=FULL")
            tune(db)
            return SCHEMA_VERSION
    elif db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        raise StoreError(
            f"{path}: not a festival local store (another program's SQLite database); "
            "give another --db"
        )
    elif version != SCHEMA_VERSION and version not in MIGRATIONS:
        raise StoreError(
            f"{path}: local store schema version {version}, but this festival knows "
            f"version {SCHEMA_VERSION}; upgrade festival or use another --db"
        )
    if write:
        use_wal(db)
    tune(db)
    return version


def tune(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA cache_size=-65536")  # 64 MiB: index builds sort in memory
    db.execute("PRAGMA temp_store=MEMORY")


def use_wal(db: sqlite3.Connection) -> bool:
    """WAL: readers never block the writer and a commit is one append. With
    synchronous=NORMAL a power cut may lose the last commits but never corrupts it.
    False when the store could not turn to WAL now (another connection has it open): it
    keeps its rollback journal, and SQLite's synchronous=FULL with it."""
    if db.execute("PRAGMA journal_mode=WAL").fetchone()[0] != "wal":
        return False
    db.execute("PRAGMA synchronous=NORMAL")
    return True


# -- a new store's first write: a rollback journal, then WAL -----------------------------------
# What it buys: a store this process has just created keeps SQLite's rollback journal (with
# synchronous=FULL) until its first commit, and only then turns to WAL. A first upload writes
# every page of the new file once, straight into it (a new file's pages are not journaled),
# instead of once into the WAL and again when the WAL is checkpointed: 100,000 sets into a new
# store, commit + close 109 -> 45 ms (medians of 3). Its rule: only a store created by this
# connection (nobody else has kept anything in it yet); committed is as safe either way (a
# rollback journal with FULL sync is SQLite's classic atomic commit). When it cannot turn to
# WAL at once (another connection has the file open), the next writer that opens it does.
def is_wal(db: sqlite3.Connection) -> bool:
    return bool(db.execute("PRAGMA journal_mode").fetchone()[0] == "wal")


def first_write_done(db: sqlite3.Connection, timeout: float) -> bool:
    """Turn a new store to WAL after its first commit; False when it must wait (busy)."""
    db.execute("PRAGMA busy_timeout = 0")
    try:
        return use_wal(db)
    except sqlite3.OperationalError:
        return False
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")


def tables(db: sqlite3.Connection) -> list[str]:
    return [name for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]


def _foreign(db: sqlite3.Connection, path: str) -> StoreError:
    return StoreError(f"{path}: not a festival local store (it holds the tables "
                      f"{', '.join(tables(db))}); give another --db")


def _create_schema(db: sqlite3.Connection, path: str) -> None:
    db.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # takes effect with the first table
    db.execute("BEGIN IMMEDIATE")
    try:
        # Re-check inside the write lock: another process may have just created it.
        if db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            db.execute("ROLLBACK")
            return
        if tables(db):
            raise _foreign(db, path)
        for statement in SCHEMA:
            db.execute(statement)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def discard(path: Path) -> None:
    """Remove a store file and its -wal, -shm and -journal (a new store nothing was kept in)."""
    for file in (path, *sidecars(path)):
        with contextlib.suppress(FileNotFoundError):
            file.unlink()


def _pending_wal(path: Path) -> bool:
    wal = sidecars(path)[0]
    return wal.exists() and wal.stat().st_size > 0


def _out_of_space(exc: sqlite3.Error) -> bool:
    name = str(getattr(exc, "sqlite_errorname", ""))
    return name == "SQLITE_FULL" or name.startswith("SQLITE_IOERR")


def _remove_empty(files: Iterable[Path]) -> None:
    for file in files:
        with contextlib.suppress(OSError):
            if file.stat().st_size == 0:
                file.unlink()


def missing(path: Path | str) -> StoreError:
    return StoreError(f"no local store at {path} (festival upload creates it)")


def read_only(path: Path) -> StoreError:
    what = "its directory" if path.exists() and os.access(path, os.W_OK) else "the file"
    return StoreError(
        f"{path}: the local store is read-only (no write permission on {what}); it can be "
        "queried and exported, but to upload into it change its permissions or give another "
        "--db")


def is_busy(exc: sqlite3.Error) -> bool:
    lowered = str(exc).lower()
    return "locked" in lowered or "busy" in lowered


def translate(path: Path | str, exc: sqlite3.Error) -> StoreError:
    """The core's StoreError / TransientStoreError for a sqlite3 error, naming the file."""
    text = str(exc)
    lowered = text.lower()
    if is_busy(exc):
        return TransientStoreError(
            f"{path}: the local store is busy (another festival process is writing "
            "it); try again in a moment"
        )
    if "readonly" in lowered or "read-only" in lowered:
        return read_only(Path(path))
    if "disk is full" in lowered or "disk full" in lowered:
        return StoreError(f"{path}: the disk is full; nothing was written")
    if "disk i/o error" in lowered:
        return StoreError(f"{path}: the disk failed to read or write ({text}); nothing was "
                          "written")
    if "unable to open" in lowered:
        return StoreError(
            f"{path}: cannot open the local store (missing directory or no permission)"
        )
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return StoreError(
            f"{path}: not a festival local store, or a corrupt one ({text}); "
            "give another --db or delete the file"
        )
    return StoreError(f"{path}: local store error: {text}")
