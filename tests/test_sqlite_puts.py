"""The local store's writes: each origin's values written once into its statement, safely."""

from __future__ import annotations

from dataclasses import replace

import pytest

from festival_cli.core.model import Performance, sort_key
from festival_cli.core.plan import Plan, fresh_guid
from festival_cli.stores.sqlite import SqliteStore
from festival_cli.stores.sqlite_puts import MAX_ORIGINS, PUT, batches_of, literal, put_for
from tests.factories import lineup, perf


def plan_of(sets: list[Performance]) -> Plan:
    """A plan adding `sets`, with the fresh ids a store would have allocated."""
    return Plan(dates=("2026-07-10",), added=tuple(sets), first_id=1, guid_prefix="guid-")


def origin(p: Performance, festival: str | None, timezone: str | None = None,
           upload: str | None = None) -> Performance:
    return replace(p, festival=festival, timezone=timezone, upload=upload)


@pytest.mark.parametrize(("value", "written"), [
    (None, "NULL"),
    ("Riverside", "'Riverside'"),
    ("it's", "'it''s'"),
    ("'); DROP TABLE performances; --", "'''); DROP TABLE performances; --'"),
    ("Sigur Rós ☃", "'Sigur Rós ☃'"),
    ("", "''"),
    ("a\x00b", None),  # SQL text cannot carry a NUL: bound instead
    ("\ud800", None),  # nor a lone surrogate (no UTF-8 for it)
])
def test_literal(value: str | None, written: str | None) -> None:
    assert literal(value) == written


def test_one_origin_is_one_batch_in_key_order_its_values_written_in() -> None:
    sets = [origin(perf(name), "Big Fest", "Europe/London", "u1") for name in "CAB"]
    [batch] = batches_of(plan_of(sets))
    assert batch.statement == put_for(("Big Fest", "Europe/London", "u1"), "guid-")
    assert "'Big Fest', 'Europe/London', 'u1'" in batch.statement
    assert [row[0] for row in batch.rows] == ["A", "B", "C"]
    # Every set new: SQLite makes the key and the guid, 9 values bound a row (trick 3).
    assert all(len(row) == 9 for row in batch.rows)


def test_each_origin_has_a_batch_of_its_own() -> None:
    sets = [origin(perf("A"), "One"), origin(perf("B"), None), origin(perf("C"), "One")]
    batches = batches_of(plan_of(sets))
    by_statement = {b.statement: [row[0] for row in b.rows] for b in batches}
    assert by_statement == {put_for(("One", None, None), "guid-"): ["A", "C"],
                            put_for((None, None, None), "guid-"): ["B"]}


def test_sets_that_carry_their_identity_bind_their_guid() -> None:
    kept = replace(perf("A"), guid="kept-guid", set_id=7, sequence=2)
    plan = Plan(dates=("2026-07-10",), added=(perf("B", start="20:00", end="21:00"),),
                cancelled=(kept,), first_id=8, guid_prefix="guid-")
    [batch] = batches_of(plan)
    assert batch.statement == put_for((None, None, None))  # the guid bound, ?7
    assert [row[6:8] for row in batch.rows] == [("kept-guid", 7), (fresh_guid("guid-", 8), 8)]


@pytest.mark.parametrize("sets", [
    [origin(perf("A"), "One"), origin(perf("B"), "Nul\x00Fest")],  # a value without a literal
    [origin(perf(f"P{i}"), f"Fest {i}") for i in range(MAX_ORIGINS + 1)],  # too many origins
], ids=["no-literal", "too-many-origins"])
def test_otherwise_every_value_is_bound_in_one_batch(sets: list[Performance]) -> None:
    [batch] = batches_of(plan_of(sets))
    assert batch.statement == PUT
    assert all(len(row) == 13 for row in batch.rows)  # the origin's three values bound too
    assert [row[0] for row in batch.rows] == sorted(p.performer for p in sets)


def test_nothing_to_put_is_no_batch() -> None:
    assert batches_of(plan_of([])) == []


@pytest.mark.parametrize("festival", [
    "O'Brien's '); DROP TABLE performances; --",
    "Nul\x00Fest",
    "Sigur Rós ☃",
])
def test_what_is_written_in_is_stored_exactly(sqlite_store: SqliteStore, festival: str) -> None:
    sets = [origin(perf("A"), festival, "Europe/London"), origin(perf("B", start="20:00",
                                                                      end="21:00"), None)]
    sqlite_store.apply_lineup(lineup(*sets))
    stored = {p.performer: (p.festival, p.timezone) for p in sqlite_store.stored_on(["2026-07-10"])}
    assert stored == {"A": (festival, "Europe/London"), "B": (None, None)}


@pytest.mark.parametrize("carried", [False, True], ids=["all-new", "some-carried"])
def test_the_key_and_the_guid_sqlite_makes_are_the_model_s(sqlite_store: SqliteStore,
                                                            carried: bool) -> None:
    sqlite_store.apply_lineup(lineup(perf("A"), perf("B", start="20:00", end="21:00")))
    if carried:  # a revision: A kept as it was, C new
        sqlite_store.apply_lineup(lineup(perf("A"), perf("C", start="21:30", end="22:00")))
    rows = sqlite_store._db.execute(
        "SELECT performer, date, start_time, date_start_time, guid, set_id FROM performances "
        "WHERE NOT cancelled").fetchall()
    assert rows and all(key == sort_key(day, start) for _, day, start, key, _, _ in rows)
    guids = {performer: (guid, set_id) for performer, _, _, _, guid, set_id in rows}
    assert len({g for g, _ in guids.values()}) == len(guids)  # unique
    for guid, set_id in guids.values():  # each: its first write's prefix, its id in hex
        assert guid.endswith(f"{set_id:012x}") and len(guid) == 36
    stored = {p.performer: p.guid for p in sqlite_store.stored_on(["2026-07-10"])}
    assert stored == {performer: guid for performer, (guid, _) in guids.items()}
