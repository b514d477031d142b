"""The validator's two paths agree: every record is either accepted or reported, never dropped.

`check_records` accepts the usual valid record on a fast path and sends every other one to the
full path (`full_record`), which alone defines the rules. These properties mix valid and invalid
records of every kind (hand-labelled values of each field, both key orders, the table's aliases,
names in NFD, with controls, in ASCII-only files and raw UTF-8) and check that the records an
error names are exactly the invalid ones, and that accepted + reported = all.
"""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from festival_cli.core.lineup import check_lineup

# (value as written in the file, its normal form when valid, or None when invalid)
NAMES: list[tuple[Any, str | None]] = [
    ("Aurora Fields", "Aurora Fields"),
    ("  Brass Owls\t\n", "Brass Owls"),
    ("Zo\u00eb Marchetti", "Zo\u00eb Marchetti"),
    ("Zoe\u0308 Marchetti", "Zo\u00eb Marchetti"),  # NFD: the same performer
    (" Zoe\u0308 Marchetti ", "Zo\u00eb Marchetti"),
    ("Sigur R\u00f3s \u00b7 \u5742\u672c\u9f8d\u4e00 \u00b7 \U0001f3b8", None),  # set below
    ("A\u00a0B", "A\u00a0B"),  # a no-break space: not printable, still a valid name
    ("\U0001f469\u200d\U0001f3a4", "\U0001f469\u200d\U0001f3a4"),  # a joiner (format char)
    ("\x85Nel", "Nel"),  # NEL is whitespace at the edge: trimmed away
    ("x" * 200, "x" * 200),
    ("e\u0301" * 150, "\u00e9" * 150),  # 300 code points in NFD, 150 in NFC
    ("", None),
    ("   ", None),
    ("x" * 201, None),
    ("\u00e9" * 201, None),
    ("A\x1b[31mB", None),
    ("A\tB", None),
    ("A\x7fB", None),
    ("A\x9bB", None),
    ("\u202eAB", None),
    ("A\u2066B", None),
    ("A\ud800", None),
    (42, None),
    (None, None),
    (True, None),
    (["A"], None),
    ({"name": "A"}, None),
]
NAMES[5] = (NAMES[5][0], NAMES[5][0])
DATES: list[tuple[Any, bool]] = [
    ("2026-07-10", True), ("2026-07-11", True), ("2028-02-29", True), ("0002-01-01", True),
    ("9998-12-31", True), ("2026-02-29", False), ("0001-01-01", False), ("9999-12-31", False),
    ("0000-01-01", False), ("2026-7-10", False), ("2026-07-10T18:00", False),
    ("\uff12\uff10\uff12\uff16-07-10", False), (20260710, False), (None, False), ("", False),
]
TIMES: list[tuple[Any, bool]] = [
    ("00:00", True), ("18:00", True), ("19:15", True), ("23:59", True), ("24:00", False),
    ("7:00", False), ("18:00:00", False), ("\uff11\uff18:00", False), (1800, False),
    (None, False), ("18:60", False),
]
MISSING = object()
POPULARITIES: list[tuple[Any, bool]] = [
    (MISSING, True), (None, True), (0, True), (87, True), (100, True), (-1, False),
    (101, False), (87.5, False), (100.0, False), (True, False), ("87", False),
]
FIELDS = ("performer", "stage", "date", "start", "end", "popularity")
ALIASES = ("Performer", "Stage", "Date", "StartTime", "EndTime", "PopularityScore")


def _pick(draw: st.DrawFn, pool: list[tuple[Any, Any]]) -> tuple[Any, Any]:
    """A value of `pool`, valid five times in six: most records break one rule, or none."""
    good = [entry for entry in pool if entry[1] is not None and entry[1] is not False]
    bad = [entry for entry in pool if entry[1] is None or entry[1] is False]
    return draw(st.sampled_from(bad if draw(st.integers(0, 5)) == 0 else good))


@st.composite
def records(draw: st.DrawFn) -> tuple[Any, str | None, bool]:
    """(a record as written, its key (normal performer, date, start) when valid, None when not)."""
    if draw(st.integers(0, 19)) == 0:
        return draw(st.sampled_from(["a set", 7, None, [1, 2]])), None, False
    performer, normal = _pick(draw, NAMES)
    stage, stage_normal = _pick(draw, NAMES)
    day, day_ok = _pick(draw, DATES)
    start, start_ok = _pick(draw, TIMES)
    end, end_ok = _pick(draw, TIMES)
    popularity, popularity_ok = _pick(draw, POPULARITIES)
    valid = (normal is not None and stage_normal is not None and day_ok and start_ok and end_ok
             and start != end and popularity_ok)
    values = [performer, stage, day, start, end, popularity]
    names = [draw(st.sampled_from((field, alias))) for field, alias in zip(FIELDS, ALIASES,
                                                                          strict=True)]
    pairs = [(name, value) for name, value in zip(names, values, strict=True)
             if value is not MISSING]
    if draw(st.booleans()):
        pairs = draw(st.permutations(pairs))
    extra = draw(st.sampled_from(["none"] * 6 + ["sort-key"] * 3 + ["wrong-sort-key",
                                                                     "unknown", "twice"]))
    if extra == "sort-key" and isinstance(day, str) and isinstance(start, str):
        pairs.append(("DateStartTime", f"{day}#{start}"))
    elif extra == "wrong-sort-key":
        pairs.append(("DateStartTime", "2026-07-10#25:00"))
        valid = False
    elif extra == "unknown":
        pairs.append(("venue", "Park"))
        valid = False
    elif extra == "twice":
        pairs.append(("end" if names[4] == "EndTime" else "EndTime", end))
        valid = False
    key = f"{normal}\n{day}\n{start}" if valid else None
    return pairs, key, valid


def _file(rows: list[Any], *, object_form: bool, ascii_only: bool) -> bytes:
    """The lineup file, written by hand: a record's pairs become an object in their order, so a
    key may appear twice (a dict could not hold that)."""

    def write(value: Any) -> str:
        if isinstance(value, list) and value and all(isinstance(p, tuple) for p in value):
            return "{" + ", ".join(f"{write(k)}: {write(v)}" for k, v in value) + "}"
        return json.dumps(value, ensure_ascii=ascii_only)

    body = "[" + ", ".join(write(r) for r in rows) + "]"
    text = f'{{"performances": {body}}}' if object_form else body
    return text.encode("utf-8")


_INDEX = re.compile(r"^(?:performances)?\[(\d+)\]")


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records(), min_size=1, max_size=30), st.booleans(), st.booleans())
def test_every_record_is_accepted_or_reported(rows: list[tuple[Any, str | None, bool]],
                                              object_form: bool, ascii_only: bool) -> None:
    written = [row for row, _, _ in rows]
    if not ascii_only and any("\ud800" in json.dumps(r, ensure_ascii=False) for r in written):
        ascii_only = True  # a lone surrogate has no UTF-8 form: only its escape can carry it
    report = check_lineup(_file(written, object_form=object_form, ascii_only=ascii_only),
                          "l.json")
    assert not [p for p in report.errors if not _INDEX.match(p.path)], report.errors
    reported = {int(m.group(1)) for p in report.errors if (m := _INDEX.match(p.path))}
    expected = {i for i, (_, _, valid) in enumerate(rows) if not valid}
    first: dict[str, int] = {}
    for i, (_, key, valid) in enumerate(rows):
        if valid and key is not None and first.setdefault(key, i) != i:
            expected.add(i)  # the same performer, date and start again: a duplicate set
    assert reported == expected, [p.describe() for p in report.errors]
    assert report.valid_records + len(reported) == len(rows) == report.records
    if not expected:
        assert report.lineup is not None
        assert [f"{p.performer}\n{p.date}\n{p.start}" for p in report.lineup.performances] == [
            key for _, key, _ in rows]
