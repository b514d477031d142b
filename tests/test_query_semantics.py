"""core.query: which selector combinations make sense, the reads they plan, and the answer."""

from __future__ import annotations

from dataclasses import fields

import pytest

from festival_cli.core.errors import OptionError, UsageError
from festival_cli.core.query import SELECTORS, KeyRead, Query, Selector, playing_at
from festival_cli.core.schema import DATE_POPULARITY, DATE_TIME, STAGE_DATE_START, TABLE
from tests.factories import perf

D = "2026-07-10"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (Query(), "say what to look for: performer, stage with start/end, or date"),
        (Query(date="2026-7-10"), "date: '2026-7-10' is not a date (YYYY-MM-DD)"),
        (Query(date="2026-02-30"), "date: '2026-02-30' is not a date (YYYY-MM-DD)"),
        (Query(date=D, at="24:00"), "at: '24:00' is not a time (HH:MM)"),
        (Query(date=D, at="21:30\n"), "at: '21:30\n' is not a time (HH:MM)"),
        (Query(date="2026-07-10\n"), "date: '2026-07-10\n' is not a date (YYYY-MM-DD)"),
        (Query(stage="Main", start="2026-07-10 18:00", end="2026-07-10T19:00"),
         "start: '2026-07-10 18:00' is not a date and time (YYYY-MM-DDTHH:MM)"),
        (Query(date=D, min_popularity=101), "min_popularity: 101 is not between 0 and 100"),
        (Query(date=D, min_popularity=-1), "min_popularity: -1 is not between 0 and 100"),
        (Query(stage="Main", start="2026-07-10T19:00", end="2026-07-10T19:00"),
         "start 2026-07-10T19:00 is not before end 2026-07-10T19:00"),
        (Query(at="21:30"), "at needs date (e.g. date 2026-07-10 at 21:30)"),
        (Query(min_popularity=5), "min_popularity needs date (e.g. date 2026-07-10)"),
        (Query(date=D, at="21:30", min_popularity=5),
         "at and min_popularity cannot be combined"),
        (Query(stage="Main", start="2026-07-10T19:00"), "a time range needs both start and end"),
        (Query(performer="A", stage="Main", date=D),
         "performer can be combined only with date"),
        (Query(performer="A", date=D, at="12:00"),
         "performer can be combined only with date"),
        (Query(stage="Main"),
         "stage needs a time range (start and end) or a date, "
         "e.g. stage Main start 2026-07-10T18:00 end 2026-07-10T23:00"),
        (Query(stage="Main", date=D, at="12:00"),
         "stage can be combined with start/end or date only"),
        (Query(stage="Main", date=D, start="2026-07-10T18:00", end="2026-07-10T19:00"),
         "give either date or start/end, not both"),
        (Query(start="2026-07-10T18:00", end="2026-07-10T19:00"),
         "a time range is for one stage: add stage, "
         "e.g. stage Main start 2026-07-10T18:00 end 2026-07-10T23:00"),
    ],
)
def test_check_refuses_naming_fields_not_flags(query: Query, message: str) -> None:
    # The CLI spells the fields as its options (tests/test_cli_query.py shows what people see).
    with pytest.raises(OptionError) as raised:
        query.check()
    assert str(raised.value) == message
    assert raised.value.exit_code == 2
    assert set(raised.value.fields) <= {f.name for f in fields(Query)}
    assert raised.value.field in message


@pytest.mark.parametrize(
    "query",
    [Query(performer="A"), Query(performer="A", date=D), Query(date=D),
     Query(date=D, at="00:00"), Query(date=D, min_popularity=0),
     Query(stage="Main", date=D),
     Query(stage="Main", start="2026-07-10T18:00", end="2026-07-11T02:00")],
)
def test_check_accepts_the_five_selectors(query: Query) -> None:
    assert query.check() is query


# A well-formed value for each field, to build every combination of fields.
SAMPLE = {"performer": "A", "stage": "Main", "date": D, "at": "21:30",
          "start": "2026-07-10T18:00", "end": "2026-07-10T23:00", "min_popularity": 80}


@pytest.mark.parametrize(("selector", "form"), [(s, f) for s in SELECTORS for f in s.forms],
                         ids=lambda v: v.name if isinstance(v, Selector) else "+".join(v))
def test_each_form_of_a_selector_is_accepted_and_read_through_its_index(
    selector: Selector, form: tuple[str, ...]
) -> None:
    query = Query(**{name: SAMPLE[name] for name in form})  # type: ignore[arg-type]
    assert query.check().selector is selector
    assert {read.index for read in query.reads()} == {selector.index}


def test_no_two_selectors_accept_the_same_fields() -> None:
    forms = [frozenset(f) for s in SELECTORS for f in s.forms]
    assert len(forms) == len(set(forms))


@pytest.mark.parametrize("mask", range(2 ** len(SAMPLE)))
def test_every_combination_of_fields_is_a_selector_or_a_usage_error(mask: int) -> None:
    given = {name: value for i, (name, value) in enumerate(SAMPLE.items()) if mask >> i & 1}
    query = Query(**given)  # type: ignore[arg-type]
    try:
        query.check()
    except OptionError as exc:
        assert query.selector is None and exc.fields
    else:
        assert query.selector is not None and query.reads()


@pytest.mark.parametrize(
    ("query", "reads"),
    [
        (Query(performer="A"), [KeyRead(TABLE, "A")]),
        (Query(performer="A", date=D),
         [KeyRead(TABLE, "A", "2026-07-10#00:00", "2026-07-10#23:59")]),
        (Query(stage="Main", start="2026-07-10T18:00", end="2026-07-10T23:00"),
         [KeyRead(STAGE_DATE_START, "Main", "2026-07-09#18:00", "2026-07-10#23:00")]),
        (Query(date=D), [KeyRead(DATE_TIME, D)]),
        (Query(date=D, at="21:30"),
         [KeyRead(DATE_TIME, D, "00:00", "21:30"), KeyRead(DATE_TIME, "2026-07-09")]),
        (Query(date=D, min_popularity=80), [KeyRead(DATE_POPULARITY, D, 80, 100)]),
    ],
)
def test_reads_are_key_ranges_of_one_index(query: Query, reads: list[KeyRead]) -> None:
    assert query.reads() == reads


def test_reads_check_first() -> None:
    with pytest.raises(UsageError):
        Query(at="10:00").reads()


def test_answer_drops_duplicates_and_non_matches() -> None:
    a = perf("A")
    other_day = perf("B", date="2026-07-11")
    assert Query(date=D).answer([a, a, other_day]) == [a]


def test_answer_orders_by_date_start_stage_performer() -> None:
    sets = [perf("Z", "Main", start="18:00"), perf("A", "Tent", start="18:00"),
            perf("B", "Main", start="18:00"), perf("C", "Main", start="12:00", end="13:00")]
    assert [p.performer for p in Query(date=D).answer(sets)] == ["C", "B", "Z", "A"]


def test_answer_by_popularity_is_descending_then_chronological() -> None:
    sets = [perf("Late", start="20:00", popularity=90), perf("Top", start="21:00", popularity=99),
            perf("Early", start="10:00", end="11:00", popularity=90)]
    assert [p.performer for p in Query(date=D, min_popularity=90).answer(sets)] == [
        "Top", "Early", "Late"]


@pytest.mark.parametrize(
    ("day", "at", "on"),
    [(D, "23:00", True), (D, "23:59", True), ("2026-07-11", "00:00", True),
     ("2026-07-11", "00:59", True), ("2026-07-11", "01:00", False), (D, "22:59", False)],
)
def test_playing_at_across_midnight(day: str, at: str, on: bool) -> None:
    assert playing_at(perf(start="23:00", end="01:00"), day, at) is on


@pytest.mark.parametrize(
    ("start", "end", "matches"),
    [("2026-07-11T00:30", "2026-07-11T02:00", True),  # the tail after midnight
     ("2026-07-11T01:00", "2026-07-11T02:00", False),  # begins as the set ends
     ("2026-07-10T21:00", "2026-07-10T23:00", False)],  # ends as the set begins
)
def test_a_range_matches_sets_playing_inside_it(start: str, end: str, matches: bool) -> None:
    late = perf(start="23:00", end="01:00")
    assert (Query(stage="Main", start=start, end=end).answer([late]) == [late]) is matches
