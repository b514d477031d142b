"""The local store's SQL: its schema (version, tables, indexes), upgrades, and statements.

The table `performances` has the primary key and one index per secondary index of `core.schema`
(the sparse one partial, like its GSI), and a set's identity (guid, id, sequence) and tombstone
flag; `counters` hands out set ids. `MIGRATIONS` brings an older file up to `SCHEMA_VERSION`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from festival_cli.core.model import (
    ATTR_DATE,
    ATTR_END,
    ATTR_PERFORMER,
    ATTR_POPULARITY,
    ATTR_SORT_KEY,
    ATTR_STAGE,
    ATTR_START,
    Performance,
    new_performance,
)
from festival_cli.core.schema import INDEXES, TABLE, IndexSpec

SCHEMA_VERSION = 4
# Stamped into the file header (PRAGMA application_id) so a festival db is recognisable: "FSTV".
APPLICATION_ID = 0x46535456

# The page size of a new store (SQLite's default is 4 KiB; an existing file keeps its own).
# What it buys: a bulk load writes, indexes and commits 4x fewer pages (a WAL frame is two
# writes): 100,000 sets into an empty store, insert + index + commit + checkpoint, 596 -> 508 ms
# CPU (medians of 7; 8 KiB 525, 32 and 64 KiB no better). A small upload writes 16 KiB to the
# WAL for each page it changes instead of 4, still a few hundred KiB at most.
PAGE_SIZE = 16384

COLUMNS = ("performer, stage, date, start_time, end_time, popularity, "
           "guid, set_id, sequence, cancelled, festival, timezone, upload")

# The column holding each attribute of the stored item (core.model's names, DynamoDB's too):
# the one place SQLite's names meet the schema's.
COLUMN_OF = {
    ATTR_PERFORMER: "performer",
    ATTR_SORT_KEY: "date_start_time",
    ATTR_STAGE: "stage",
    ATTR_DATE: "date",
    ATTR_START: "start_time",
    ATTR_END: "end_time",
    ATTR_POPULARITY: "popularity",
}


def key_columns(spec: IndexSpec) -> tuple[str, str]:
    return COLUMN_OF[spec.partition], COLUMN_OF[spec.sort]


def index_name(spec: IndexSpec) -> str:
    """`Date-Popularity` -> `date_popularity`."""
    return spec.name.lower().replace("-", "_")


def create_index(spec: IndexSpec) -> str:
    """One index per core.schema index; a sparse one is partial, like the sparse GSI."""
    partition, sort = key_columns(spec)
    where = f" WHERE {sort} IS NOT NULL" if spec.sparse else ""
    return f"CREATE INDEX {index_name(spec)} ON performances ({partition}, {sort}){where}"


INDEXES_SQL = {index_name(spec): create_index(spec) for spec in INDEXES}
PARTITION, SORT = key_columns(TABLE)

# Named counters; `set_id` is the last set id handed out.
COUNTERS = """CREATE TABLE counters (
        name TEXT PRIMARY KEY NOT NULL,
        value INTEGER NOT NULL
    ) WITHOUT ROWID"""

SCHEMA = [
    f"""CREATE TABLE performances (
        performer TEXT NOT NULL,
        date_start_time TEXT NOT NULL,
        stage TEXT NOT NULL,
        date TEXT NOT NULL,
        start_time TEXT NOT NULL,
        end_time TEXT NOT NULL,
        popularity INTEGER,
        guid TEXT,
        set_id INTEGER,
        sequence INTEGER NOT NULL DEFAULT 0,
        cancelled INTEGER NOT NULL DEFAULT 0,
        festival TEXT,
        timezone TEXT,
        upload TEXT,
        PRIMARY KEY ({PARTITION}, {SORT})
    ) WITHOUT ROWID""",
    *INDEXES_SQL.values(),
    """CREATE TABLE ingestions (
        id TEXT PRIMARY KEY NOT NULL,
        started TEXT NOT NULL,
        record TEXT NOT NULL
    ) WITHOUT ROWID""",
    "CREATE INDEX ingestions_started ON ingestions (started)",
    # Bumped by every write to a date: equal versions mean untouched since. `newest`: the mark
    # (core.upload_order) of the newest upload that replaced the date's sets.
    """CREATE TABLE date_versions (
        date TEXT PRIMARY KEY NOT NULL,
        version INTEGER NOT NULL,
        newest TEXT
    ) WITHOUT ROWID""",
    # What a file (by content digest) left in its dates when it was last ingested whole.
    """CREATE TABLE file_memos (
        digest TEXT PRIMARY KEY NOT NULL,
        memo TEXT NOT NULL
    ) WITHOUT ROWID""",
    COUNTERS,
]

# Schema version -> the statements that bring a store of that version to the next one.
MIGRATIONS = {
    # 1 -> 2: identity (guid, id, sequence) and tombstones; existing sets get ids after this.
    1: [
        "ALTER TABLE performances ADD COLUMN guid TEXT",
        "ALTER TABLE performances ADD COLUMN set_id INTEGER",
        "ALTER TABLE performances ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE performances ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0",
        COUNTERS,
    ],
    # 2 -> 3: each set's festival and time zone (those of the file that wrote it); the store
    # stamps the sets already there with the latest ingestion's, as export used to.
    2: [
        "ALTER TABLE performances ADD COLUMN festival TEXT",
        "ALTER TABLE performances ADD COLUMN timezone TEXT",
    ],
    # 3 -> 4: newest upload wins: the merge upload that last wrote each set, and the newest
    # upload that replaced each date (none known for what was stored before).
    3: [
        "ALTER TABLE performances ADD COLUMN upload TEXT",
        "ALTER TABLE date_versions ADD COLUMN newest TEXT",
    ],
}

# The next date after the last one found, through the `date_time` index, until there is none.
DISTINCT_DATES = """
    WITH RECURSIVE found(date) AS (
        SELECT min(date) FROM performances
        UNION ALL
        SELECT (SELECT min(date) FROM performances WHERE date > found.date)
        FROM found WHERE found.date IS NOT NULL
    )
    SELECT date FROM found WHERE date IS NOT NULL"""

DELETE = f"DELETE FROM performances WHERE {PARTITION} = ? AND {SORT} = ?"

# Migration 2 -> 3 gives the sets stored before sets had their own the festival and time zone
# export gave them then: the latest succeeded ingestion's.
STAMP_EXISTING = "UPDATE performances SET festival = ?, timezone = ?"


def identify_existing(db: sqlite3.Connection, allocate: Callable[[int], int]) -> None:
    """Give the sets stored before identity existed their guid and id (migration 1 -> 2),
    their ids from `allocate(count)` (the first of `count` new ones)."""
    keys = db.execute(
        "SELECT performer, date_start_time FROM performances ORDER BY date_start_time, "
        "performer").fetchall()
    if not keys:
        return
    from festival_cli.core.plan import fresh_guid, new_guid_prefix  # only for this upgrade

    first, prefix = allocate(len(keys)), new_guid_prefix()
    db.executemany(
        "UPDATE performances SET guid = ?, set_id = ? "
        "WHERE performer = ? AND date_start_time = ?",
        [(fresh_guid(prefix, first + i), first + i, *key) for i, key in enumerate(keys)])


# A write bumps the version of each date it revises (a new date starts at 1).
BUMP_VERSION = ("INSERT INTO date_versions (date, version) VALUES (?, 1) "
                "ON CONFLICT (date) DO UPDATE SET version = version + 1")
# The newest upload that replaced a date (core/newest.py).
SET_NEWEST = ("INSERT INTO date_versions (date, version, newest) VALUES (?, 0, ?) "
              "ON CONFLICT (date) DO UPDATE SET newest = excluded.newest")
# Set ids: `count` more taken, then the last one taken.
TAKE_IDS = ("INSERT INTO counters (name, value) VALUES ('set_id', ?) "
            "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value")
LAST_ID = "SELECT value FROM counters WHERE name = 'set_id'"
# The memos of uploaded files, by key (core/memo.py).
SAVE_MEMO = "INSERT OR REPLACE INTO file_memos (digest, memo) VALUES (?, ?)"
LOAD_MEMO = "SELECT memo FROM file_memos WHERE digest = ?"

# What identifies a store's state (SqliteStore.reading): its dates' versions and its records.
STATE_DATES = "SELECT date, version FROM date_versions ORDER BY date"
STATE_RECORDS = "SELECT count(*), max(started) FROM ingestions"


def performance_of(row: tuple[Any, ...]) -> Performance:
    (performer, stage, day, start, end, popularity, guid, set_id, sequence, cancelled, festival,
     timezone, upload) = row
    return new_performance(performer, stage, day, start, end, popularity, guid, set_id,
                           sequence, cancelled == 1, festival, timezone, upload)
