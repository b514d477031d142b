"""The local store's stored dates: read from the `date_time` index, one seek per date."""

from __future__ import annotations

from festival_cli.stores.sqlite import SqliteStore
from festival_cli.stores.sqlite_schema import DISTINCT_DATES
from tests.factories import big_lineup, lineup


def test_stored_dates_seek_the_date_index_and_never_scan_the_table(
        sqlite_store: SqliteStore) -> None:
    sqlite_store.apply_lineup(lineup(*big_lineup(300, days=3)))
    sqlite_store._db.execute("ANALYZE")
    steps = [row[3] for row in sqlite_store._db.execute(f"EXPLAIN QUERY PLAN {DISTINCT_DATES}")]
    reads = [s for s in steps if "performances" in s]
    assert reads and all("USING COVERING INDEX date_time" in s for s in reads), steps
    assert not any(s.startswith("SCAN performances") for s in steps), steps
    assert sqlite_store.stored_dates() == ["2026-07-10", "2026-07-11", "2026-07-12"]
