"""Writing sets into the local store: a write's rows, each batch with the statement it runs.

Binding values is most of what inserting costs (Python's sqlite3 converts and binds each value
of each row), so three tricks keep what is bound per row small. Each has its measure and its rule.

1. **No None and no bool bound.** sqlite3 binds an int or a str directly, but a None or a bool
   only after looking for an adapter (a key tuple, a dict miss, two attribute lookups): 3x the
   cost of an int. A set has up to two (no popularity, `cancelled`), and had five before trick
   2; binding them took a quarter of inserting 100,000 rows (measured, CPU, medians of 5: 380 ->
   275 ms). Its rule: `cancelled` is bound as 0 or 1 (what SQLite stores for a bool anyway), a
   missing popularity as NO_POPULARITY, a value no set can hold (a popularity is 0 to 100),
   which the statement turns back into NULL with `nullif`.

2. **A set's origin written once into the statement.** The festival, time zone and upload mark
   of a set are those of the file that wrote it: one and the same for every set an upload
   writes. Bound per row they were three strings to convert 100,000 times; written into the
   statement as SQL literals, the batch binds 11 values a row instead of 14: 100,000 rows insert
   in 240 ms instead of 280 (medians of 5, in-process). Its rule: a value enters SQL text only
   as `literal` writes it (NULL, or a string in single quotes with each quote doubled: SQLite's
   only escape in a string), never otherwise; a value that SQL text cannot carry (a NUL, a lone
   surrogate) gets no literal. The rows are grouped by origin, one batch each; when a value has
   no literal, or a write holds more than MAX_ORIGINS origins, every row binds its origin's
   three values too, in one batch (`PUT`).

3. **What SQLite can make from a row, it makes.** The key `date#start` is the date and the
   start bound in the same row, joined with `model.KEY_SEPARATOR` (`_KEY`); the guid of a set
   with a fresh identity is its plan's prefix and its id in `plan.GUID_ID_HEX_DIGITS` hex digits
   (`_FRESH_GUID`), when every set of the write is fresh (a first upload). Python made both as
   strings for each of 100,000 rows, and sqlite3 bound them: making and inserting the rows,
   288 -> 264 ms (medians of 5, in-process). Its rule: only from values bound in the same row
   and constants of our own (the prefix is `plan.new_guid_prefix`'s hex, written by `literal`);
   a test holds what is stored equal to `sort_key` and `fresh_guid`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from operator import attrgetter

from festival_cli.core.model import KEY_SEPARATOR, Performance
from festival_cli.core.plan import GUID_ID_HEX_DIGITS, Plan
from festival_cli.core.store import Progress

NO_POPULARITY = -1
PROGRESS_STEP = 5_000  # rows per executemany: how often a long write reports its progress
MAX_ORIGINS = 16  # beyond, one statement binding every value (a write rarely has more than 2)

_INTO = ("INSERT OR REPLACE INTO performances (performer, date_start_time, stage, date, "
         "start_time, end_time, popularity, guid, set_id, sequence, cancelled, festival, "
         "timezone, upload) ")
# A row binds (performer, date, start, stage, end, popularity, guid, set id, sequence,
# cancelled), without the guid when SQLite makes it (trick 3: ?7 is then the id), and with its
# origin after them when that is bound too (PUT).
_KEY = f"?2 || '{KEY_SEPARATOR}' || ?3"
_FRESH_GUID = f"printf('%0{GUID_ID_HEX_DIGITS}x', ?7)"
assert "'" not in KEY_SEPARATOR  # written into _KEY as it is


def _statement(origin: list[str], guid: str, first: int) -> str:
    """The INSERT of rows whose id, sequence and flag are bound from ?`first` on."""
    return (f"{_INTO}VALUES (?1, {_KEY}, ?4, ?2, ?3, ?5, nullif(?6, {NO_POPULARITY}), {guid}, "
            f"?{first}, ?{first + 1}, ?{first + 2}, {', '.join(origin)})")


PUT = _statement(["?11", "?12", "?13"], "?7", 8)  # every value bound, the origin's too

Row = tuple[object, ...]  # 10 values; 9 when SQLite makes the guid; 13 with the origin (PUT)
Origin = tuple[str | None, str | None, str | None]  # festival, time zone, upload mark
_origin: Callable[[Performance], Origin] = attrgetter("festival", "timezone", "upload")


@dataclass(frozen=True, slots=True)
class Batch:
    """Rows for executemany, in primary-key order (a B-tree fills fastest so), and the
    statement that writes them."""

    statement: str
    rows: list[Row]


def literal(value: str | None) -> str | None:
    """`value` as an SQL literal (`'it''s'`, NULL for None), or None when SQL text cannot
    carry it (a NUL character, a lone surrogate): see the module docstring, trick 2."""
    if value is None:
        return "NULL"
    if "\x00" in value or not (value.isascii() or _encodable(value)):
        return None
    return "'" + value.replace("'", "''") + "'"


def _encodable(value: str) -> bool:
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def put_for(origin: Origin, fresh_prefix: str | None = None) -> str | None:
    """The statement writing the rows of one origin, its values written in; with
    `fresh_prefix`, the guids made from it and the ids (trick 3). None if a value has no
    literal."""
    values = _literals((*origin, *([] if fresh_prefix is None else [fresh_prefix])))
    if values is None:
        return None
    if fresh_prefix is None:
        return _statement(values, "?7", 8)
    return _statement(values[:3], f"{values[3]} || {_FRESH_GUID}", 7)


def _literals(values: tuple[str | None, ...]) -> list[str] | None:
    written = []
    for value in values:
        sql = literal(value)
        if sql is None:
            return None
        written.append(sql)
    return written


def batches_of(plan: Plan) -> list[Batch]:
    """The batches that write the plan's puts (see the module docstring). Rows are unique on
    their first three values (the key: performer, date, start, each written one way only), so
    plain tuple order is key order, ~15x faster than a key function."""
    puts = plan.puts  # in the order of identified_puts
    if not puts:
        return []
    origins = set(map(_origin, puts))  # one pass, in C
    fresh = plan.guid_prefix if plan.all_fresh else None
    written = {o: put for o in origins if (put := put_for(o, fresh)) is not None} \
        if len(origins) <= MAX_ORIGINS else {}
    bound = len(written) != len(origins)  # a value without a literal, or too many origins
    rows: list[Row]
    if fresh is not None and not bound:  # ids in `puts` order from first_id (with_fresh_ids)
        first = plan.first_id
        assert first is not None  # all_fresh says so
        rows = [(p.performer, p.date, p.start, p.stage, p.end,
                 NO_POPULARITY if p.popularity is None else p.popularity,
                 set_id, p.sequence, 1 if p.cancelled else 0)
                for p, set_id in zip(puts, count(first))]
    else:
        rows = [(p.performer, p.date, p.start, p.stage, p.end,
                 NO_POPULARITY if p.popularity is None else p.popularity,
                 guid, set_id, sequence, 1 if cancelled else 0)
                for p, guid, set_id, sequence, cancelled in plan.identified_puts()]
    grouped: dict[str, list[Row]]
    if bound:
        grouped = {PUT: [row + _origin(p) for row, p in zip(rows, puts, strict=True)]}
    elif len(written) == 1:  # an upload's own sets: no lookup per row
        grouped = {put: rows for put in written.values()}
    else:
        grouped = {}
        for row, p in zip(rows, puts, strict=True):
            grouped.setdefault(written[_origin(p)], []).append(row)
    for batch in grouped.values():
        batch.sort()
    return [Batch(statement, batch) for statement, batch in grouped.items()]


def write_batches(db: sqlite3.Connection, batches: list[Batch], done: int, total: int,
                  progress: Progress | None) -> None:
    """Run the batches, reporting (done, total) every PROGRESS_STEP rows. Nothing of them
    stays referenced here once done, so the caller may free them (core/overlap.py)."""
    for batch in batches:
        for start in range(0, len(batch.rows), PROGRESS_STEP):
            chunk = batch.rows[start : start + PROGRESS_STEP]
            db.executemany(batch.statement, chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
