"""`quick_accept` only accepts, and what it accepts the full check accepts the same way.

check_lineup tries core/lineup_quick.py first and falls back to the full check; here every
report is compared with the full check's own (quick path turned off): the same sets (every
field), warnings, counts, errors and numbers, for files of every kind the quick path meets:
valid or not, keys in any order, popularity given, null or left out, names to normalise, a key
written twice (equal or not), spaces before colons, escapes, the object form or a bare array.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from festival_cli.core import lineup_quick
from festival_cli.core.lineup import Report, check_lineup, checked_lineup
from tests.factories import big_lineup
from tests.spies import calls_to

# The first values of each pool are valid and usual; the rest are valid but need the full check
# (a name to normalise, a no-break space) or are invalid.
NAMES = ["Aurora Fields", "  Brass Owls ", "Zo\u00eb Marchetti", "x" * 200, "Zoe\u0308 Marchetti",
         "A\u00a0B", "x" * 201, "", "A\tB", "\u202eAB", 42, None]
DAYS = ["2026-07-10", "2026-07-11", "2026-02-29", "0001-01-01", 20260710]
TIMES = ["00:00", "18:00", "19:15", "23:59", "24:00", "7:00", None]
POPULARITY: list[Any] = ["absent", None, 0, 87, 100, 101, -1, True, 87.5, "87"]
FIELDS = ("performer", "stage", "date", "start", "end", "popularity")


@st.composite
def record(draw: st.DrawFn) -> list[tuple[str, Any]]:
    """A record's (key, value) pairs, valid most of the time."""
    def pick(pool: list[Any], good: int) -> Any:
        return draw(st.sampled_from(pool[:good] if draw(st.integers(0, 39)) else pool))

    pairs = [("performer", pick(NAMES, 4)), ("stage", pick(NAMES, 4)),
             ("date", pick(DAYS, 2)), ("start", pick(TIMES, 4)), ("end", pick(TIMES, 4))]
    popularity = pick(POPULARITY, 5)
    if popularity != "absent":
        pairs.append(("popularity", popularity))
    if draw(st.booleans()):
        pairs = draw(st.permutations(pairs))
    twice = draw(st.sampled_from([None] * 60 + ["same", "other", "unknown"]))
    if twice == "same":
        pairs.append(pairs[0])
    elif twice == "other":
        pairs.append((pairs[0][0], "Someone Else"))
    elif twice == "unknown":
        pairs.append(("venue", "Park"))
    return pairs


@st.composite
def document(draw: st.DrawFn) -> bytes:
    records = draw(st.lists(record(), min_size=1, max_size=8))
    if draw(st.integers(0, 7)) == 0:  # the same set again: a duplicate
        records.append(records[0])
    ascii_only = draw(st.booleans())
    colon = draw(st.sampled_from([": "] * 7 + [" : "]))

    def obj(pairs: list[tuple[str, Any]]) -> str:
        return "{" + ", ".join(json.dumps(k, ensure_ascii=ascii_only) + colon
                               + json.dumps(v, ensure_ascii=ascii_only) for k, v in pairs) + "}"

    body = "[" + ", ".join(obj(r) for r in records) + "]"
    if draw(st.booleans()):
        top = [("festival", draw(st.sampled_from(["Big Fest", " Big Fest ", "Zo\u00eb"] * 3
                                                 + ["", 7, None]))),
               ("timezone", draw(st.sampled_from(["Europe/London"] * 4 + ["Mars/Base", None])))]
        top = [pair for pair in top if draw(st.booleans())]
        if draw(st.integers(0, 3)) == 0:
            top.append(("merge", draw(st.sampled_from([True, False, None, 1]))))
        if top and draw(st.integers(0, 7)) == 0:
            top.append(top[0])  # a top-level key twice
        head = "".join(json.dumps(k) + ": " + json.dumps(v) + ", " for k, v in top)
        body = "{" + head + '"performances": ' + body + "}"
    if draw(st.integers(0, 15)) == 0:
        body = body.replace('"stage"', '"st\\u0061ge"', 1)  # an escape: the same key
    return body.encode("utf-8")


def full_check(data: bytes, monkeypatch: pytest.MonkeyPatch, **options: Any) -> Report:
    with monkeypatch.context() as patched:
        patched.setattr(lineup_quick, "quick_accept", lambda *a, **k: None)
        return check_lineup(data, "l.json", **options)


def same(quick: Report, full: Report) -> None:
    assert quick.errors == full.errors
    assert quick.warnings == full.warnings and quick.warning_rules == full.warning_rules
    assert (quick.records, quick.valid_records) == (full.records, full.valid_records)
    if full.lineup is None:
        assert quick.lineup is None
        return
    assert quick.lineup is not None
    assert [dataclasses.astuple(p) for p in quick.lineup.performances] == [
        dataclasses.astuple(p) for p in full.lineup.performances]
    assert (quick.lineup.festival, quick.lineup.timezone, quick.lineup.merge) == (
        full.lineup.festival, full.lineup.timezone, full.lineup.merge)


@settings(max_examples=400, deadline=None)
@given(document(), st.sampled_from([None, 0, 3]), st.booleans())
def test_a_quick_acceptance_is_the_full_check_s(data: bytes, shown: int | None, strict: bool,
                                                ) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        full = full_check(data, monkeypatch, shown=shown, strict=strict)
    same(check_lineup(data, "l.json", shown=shown, strict=strict), full)


def usual(**top: Any) -> bytes:
    records = [p.to_record() for p in big_lineup(300, clash=True)]
    for r in records[::3]:
        del r["popularity"]
    return json.dumps({**top, "performances": records} if top else records).encode()


@pytest.mark.parametrize("data", [usual(), usual(festival="Big Fest", timezone="Europe/London")])
def test_the_usual_file_is_accepted_quickly_as_the_full_check_would(
        data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    text = data.decode()
    assert lineup_quick.quick_accept(text, plain_text=True, shown=20) is not None
    same(check_lineup(data, "l.json", shown=20), full_check(data, monkeypatch, shown=20))


def twice_the_first(text: str) -> str:
    first = text[1:text.index("}") + 1]
    return text[:-1] + ", " + first + "]"


@pytest.mark.parametrize(("change", "accepted"), [
    (lambda t: t.replace('"stage": "Stage 0000", ', '"stage": "Stage 0000", ' * 2, 1), False),
    (lambda t: t.replace('"stage": "Stage 0001"', '"stage": "Stage 0002"', 1), True),
    (lambda t: t.replace('"stage": "Stage 0000"', '"stage" : "Stage 0000"', 1), True),
    (twice_the_first, False),  # a duplicate set
    # A performer playing twice: at another minute, a set of its own; at the same minute (on
    # another stage), the same set given twice.
    (lambda t: t.replace('"Performer 000001"', '"Performer 000000"', 1), True),
    (lambda t: t.replace('"Performer 000014"', '"Performer 000000"', 1), False),
    (lambda t: t.replace('"Stage 0000"', '"St\\u0061ge 0000"', 1), True),  # an escape
    (lambda t: t.replace('"stage": ', '"st\\u0061ge": "X", "stage": ', 1), False),  # twice
    (lambda t: t.replace('"Stage 0000"', '"Stage \\"0000\\""', 1), False),  # an escaped quote
    (lambda t: t.replace('"start"', '"StartTime"', 1), False),  # an alias
])
def test_anything_unusual_is_left_to_the_full_check(change: Any, accepted: bool) -> None:
    text = change(usual().decode())
    assert text != usual().decode()
    quick = lineup_quick.quick_accept(text, plain_text=False, shown=20)
    assert (quick is not None) == accepted


@pytest.mark.parametrize(("strict", "at_once"), [(False, False), (True, True)])
def test_an_accepted_file_s_warnings_are_found_when_its_report_is_asked_for(
        monkeypatch: pytest.MonkeyPatch, strict: bool, at_once: bool) -> None:
    # An upload finds them while the store writes (core/overlap.py); with --strict they are
    # errors, so they are found before anything is written.
    sweeps = calls_to(monkeypatch, lineup_quick, "warnings_for")
    checked = checked_lineup(usual(), "l.json", strict=strict, shown=20)  # it has warnings
    assert len(sweeps) == at_once
    assert (checked.lineup is None) == strict  # refused for them only when strict
    report = checked.report()
    assert report.warning_total + (len(report.errors) if strict else 0) > 0
    assert checked.report() is report and len(sweeps) == 1  # found once
    assert report == check_lineup(usual(), "l.json", strict=strict, shown=20)
