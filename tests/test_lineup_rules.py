"""Every rule of the lineup format (docs/design.md "The lineup file"), one row each, and the
whole-file behaviour around them: reject whole, every problem at once, aliases, BOM, strict."""

from __future__ import annotations

import json
from typing import Any

import pytest

from festival_cli.core.checks import RULE_LONG_SET, RULE_PERFORMER_OVERLAP, RULE_STAGE_OVERLAP
from festival_cli.core.errors import LineupError
from festival_cli.core.lineup import check_lineup
from festival_cli.core.model import Performance
from tests.factories import document, record


def bare(*records: dict[str, Any]) -> bytes:
    return json.dumps(list(records)).encode()


TOO_LONG = "x" * 201

# (rule, file, path, message) - one row per rule; each file has exactly that one problem.
ERROR_RULES = [
    ("encoding", b'[{"performer": "Bj\xf6rk"}]', "",
     "not UTF-8 text: byte 0xf6 at offset 18 (line 1) is not valid UTF-8; save it as UTF-8"),
    ("json-syntax", b'{"performances": [}', "",
     "not JSON: Expecting value"),
    ("json-depth", b"[" * 100_000, "",
     "nested too deeply to be a lineup (arrays or objects inside each other hundreds of "
     "levels deep)"),
    ("json-constant", b'[{"performer": "A", "stage": "S", "date": "2026-07-10", "start": "18:00",'
     b' "end": "19:00", "popularity": NaN}]', "[0].popularity",
     "NaN is not valid JSON (JSON has no NaN or Infinity)"),
    ("document", b'"a lineup"', "",
     "a lineup is an object with \"performances\" or an array of performances, not 'a lineup'"),
    ("unknown-top-field", document(record(), venue="Park"), "venue",
     'unknown field "venue"; allowed: festival, timezone, merge, performances'),
    ("merge", document(record(), merge="yes"), "merge", "must be true or false, not 'yes'"),
    ("missing-performances", b'{"festival": "Riverside"}', "performances",
     'missing: a lineup object needs "performances", an array of performances'),
    ("empty-lineup", document(), "performances", "the lineup has no performances"),
    ("timezone", document(record(), timezone="Europe/Riverside"), "timezone",
     "'Europe/Riverside' is not a known time zone (an IANA name such as 'Europe/London')"),
    ("record-type", bare(record(), ["Aurora Fields"]), "[1]",
     "a performance must be an object, not an array"),
    ("unknown-field", bare(record(perfomer="A")), "[0].perfomer",
     'unknown field "perfomer"; did you mean "performer"? allowed: performer, stage, date, '
     "start, end, popularity (or the table's names)"),
    ("duplicate-field", b'[{"performer": "A", "stage": "S", "date": "2026-07-10", "start": '
     b'"18:00", "end": "19:00", "end": "20:00"}]', "[0].end",
     '"end" is given twice in one performance; keep one'),
    ("missing-field", bare(record(stage=...)), "[0].stage",
     'missing: every performance needs "stage" (the stage\'s name)'),
    ("not-text", bare(record(performer=42)), "[0].performer", "must be a string, not 42"),
    ("empty-text", bare(record(stage="   ")), "[0].stage", "must not be empty"),
    ("text-too-long", bare(record(performer=TOO_LONG)), "[0].performer",
     "is 201 characters long; at most 200 are allowed"),
    ("invalid-text", b'[{"performer": "A\\ud800", "stage": "S", "date": "2026-07-10", '
     b'"start": "18:00", "end": "19:00"}]', "[0].performer",
     "holds a lone surrogate escape (like \\ud800), which is not valid Unicode text"),
    ("control-character", bare(record(performer="Aurora \x1b[2JFields")), "[0].performer",
     "holds the control character U+001B at character 8; a name is plain text: remove it"),
    ("date", bare(record(date="2026-02-30")), "[0].date",
     "'2026-02-30' is not a date (YYYY-MM-DD)"),
    ("date-range", bare(record(date="0001-01-01")), "[0].date",
     "'0001-01-01' is outside the dates festival handles (0002-01-01 to 9998-12-31)"),
    ("time", bare(record(start="25:00")), "[0].start",
     "'25:00' is not a time (HH:MM, 24-hour)"),
    ("zero-length", bare(record(start="18:00", end="18:00")), "[0].end",
     "the set ends when it starts (18:00); a set needs a length"),
    ("popularity", bare(record(popularity=87.5)), "[0].popularity",
     "87.5 is not a popularity (a whole number from 0 to 100, or leave it out)"),
    ("sort-key-mismatch", bare(record(DateStartTime="2026-07-10#17:00")), "[0].DateStartTime",
     "'2026-07-10#17:00' does not match date and start ('2026-07-10#18:00'); fix it or leave "
     "it out"),
    ("duplicate-set", bare(record(), record(stage="Tent", start="18:00", end="18:30")), "[1]",
     "same performer, date and start as [0] (Aurora Fields, 2026-07-10 18:00); one of them "
     "is wrong"),
]

WARNING_RULES = [
    (RULE_STAGE_OVERLAP,
     bare(record(), record(performer="Brass Owls", start="19:00", end="20:00")), "[1]",
     "overlaps [0] on stage 'Main' (Brass Owls 19:00–20:00, Aurora Fields 18:00–19:15)"),
    (RULE_PERFORMER_OVERLAP,
     bare(record(), record(stage="Tent", start="19:00", end="20:00")), "[1]",
     "'Aurora Fields' plays two overlapping sets: this one (Tent 19:00–20:00) and [0] "
     "(Main 18:00–19:15)"),
    (RULE_LONG_SET, bare(record(start="18:00", end="00:01")), "[0].end",
     "the set lasts 6h01 (18:00–00:01), longer than 6 hours; is the end time right?"),
]


def test_every_rule_has_a_row() -> None:
    from festival_cli.core import checks, lineup_rules

    rules = {v for k, v in vars(lineup_rules).items() if k.startswith("RULE_")}
    rules |= {v for k, v in vars(checks).items() if k.startswith("RULE_")}
    assert rules == {row[0] for row in ERROR_RULES + WARNING_RULES}


@pytest.mark.parametrize(("rule", "data", "path", "message"), ERROR_RULES,
                         ids=[row[0] for row in ERROR_RULES])
def test_error_rule(rule: str, data: bytes, path: str, message: str) -> None:
    report = check_lineup(data, "lineup.json")
    assert [(p.path, p.rule, p.message, p.severity) for p in report.errors] == [
        (path, rule, message, "error")
    ]
    assert report.lineup is None


@pytest.mark.parametrize(("rule", "data", "path", "message"), WARNING_RULES,
                         ids=[row[0] for row in WARNING_RULES])
def test_warning_rule(rule: str, data: bytes, path: str, message: str) -> None:
    report = check_lineup(data, "lineup.json")
    assert report.errors == []
    assert [(p.path, p.rule, p.message, p.severity) for p in report.warnings] == [
        (path, rule, message, "warning")
    ]
    assert report.lineup is not None


@pytest.mark.parametrize(("rule", "data", "path", "message"), WARNING_RULES,
                         ids=[row[0] for row in WARNING_RULES])
def test_strict_makes_a_warning_an_error(rule: str, data: bytes, path: str,
                                         message: str) -> None:
    report = check_lineup(data, "lineup.json", strict=True)
    assert [(p.rule, p.severity) for p in report.errors] == [(rule, "error")]
    assert report.warnings == []
    assert report.lineup is None


def test_a_valid_file_gives_its_performances_trimmed() -> None:
    report = check_lineup(document(record(performer="  Aurora Fields ", stage=" Main"),
                                   record(performer="Brass Owls", start="19:15", end="20:00",
                                          popularity=None)), "lineup.json")
    assert report.lineup is not None
    assert report.lineup.performances == (
        Performance("Aurora Fields", "Main", "2026-07-10", "18:00", "19:15", 87),
        Performance("Brass Owls", "Main", "2026-07-10", "19:15", "20:00", None),
    )
    assert (report.lineup.festival, report.lineup.timezone) == ("Riverside Sounds 2026",
                                                                "Europe/London")


def test_names_are_stored_in_nfc_trimmed() -> None:
    report = check_lineup(bare(record(performer=" Zoe\u0308 Marchetti\n", stage="Sce\u0300ne")),
                          "l.json")
    assert report.lineup is not None
    [p] = report.lineup.performances
    assert (p.performer, p.stage) == ("Zo\u00eb Marchetti", "Sc\u00e8ne")


def test_the_nfc_and_nfd_spellings_of_a_name_are_one_performer() -> None:
    data = bare(record(performer="Zo\u00eb Marchetti"),
                record(performer="Zoe\u0308 Marchetti", stage="Tent"))
    assert [(p.path, p.rule) for p in check_lineup(data, "l.json").errors] == [
        ("[1]", "duplicate-set")]


@pytest.mark.parametrize(("name", "shown"), [
    ("A\u202eB", "the bidirectional control character U+202E (RIGHT-TO-LEFT OVERRIDE) at "
                 "character 2"),
    ("AB\x9b", "the control character U+009B at character 3"),
    ("\u2066AB", "the bidirectional control character U+2066 (LEFT-TO-RIGHT ISOLATE) at "
                 "character 1"),
])
def test_a_control_character_is_named_with_its_place(name: str, shown: str) -> None:
    [problem] = check_lineup(bare(record(stage=name)), "l.json").errors
    assert (problem.path, problem.message) == (
        "[0].stage", f"holds {shown}; a name is plain text: remove it")


def test_one_bad_record_rejects_the_whole_file() -> None:
    report = check_lineup(document(record(), record(performer="B", start="7pm")), "l.json")
    assert report.lineup is None
    assert report.records == 2
    with pytest.raises(LineupError):
        report.accepted()


def test_every_problem_is_reported_at_once() -> None:
    data = document(record(start="25:00"), record(performer="", date="2026-13-01"),
                    record(performer="C", popularity=101))
    report = check_lineup(data, "l.json")
    assert [(p.path, p.rule) for p in report.errors] == [
        ("performances[0].start", "time"),
        ("performances[1].performer", "empty-text"),
        ("performances[1].date", "date"),
        ("performances[2].popularity", "popularity"),
    ]


def test_table_attribute_names_are_aliases() -> None:
    data = bare({"Performer": "Aurora Fields", "Stage": "Main", "Date": "2026-07-10",
                 "StartTime": "23:30", "EndTime": "01:00", "PopularityScore": 87,
                 "DateStartTime": "2026-07-10#23:30"})
    report = check_lineup(data, "export.json")
    assert report.lineup is not None
    assert report.lineup.performances == (
        Performance("Aurora Fields", "Main", "2026-07-10", "23:30", "01:00", 87),
    )


def test_a_field_and_its_alias_together_is_an_error() -> None:
    report = check_lineup(bare(record(Performer="Aurora Fields")), "l.json")
    assert [(p.path, p.rule, p.message) for p in report.errors] == [
        ("[0].Performer", "duplicate-field",
         '"performer" is given twice, as "performer" and "Performer"; keep one'),
    ]


def test_null_popularity_is_absent() -> None:
    report = check_lineup(bare(record(popularity=None)), "l.json")
    assert report.lineup is not None
    assert report.lineup.performances[0].popularity is None


@pytest.mark.parametrize("value", [True, 87.0, -1, 101, "87"])
def test_popularity_must_be_a_whole_number_0_to_100(value: object) -> None:
    report = check_lineup(bare(record(popularity=value)), "l.json")
    assert [p.rule for p in report.errors] == ["popularity"]


def test_a_byte_order_mark_is_tolerated() -> None:
    report = check_lineup(b"\xef\xbb\xbf" + document(record()), "l.json")
    assert report.ok
    assert report.count == 1


def test_utf16_is_named() -> None:
    report = check_lineup(document(record()).decode().encode("utf-16"), "l.json")
    assert report.errors[0].rule == "encoding"
    assert report.errors[0].message.endswith("it looks like UTF-16; save it as UTF-8")


def test_not_json_has_its_line_and_column() -> None:
    report = check_lineup(b'{"performances": [\n  {"performer": "A",,}]}', "l.json")
    [problem] = report.errors
    assert (problem.rule, problem.line, problem.column) == ("json-syntax", 2, 21)


def test_an_empty_file_is_not_json() -> None:
    [problem] = check_lineup(b"  \n", "l.json").errors
    assert problem.message == "not JSON: the file is empty"


@pytest.mark.parametrize("data", [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000])
def test_absurd_nesting_is_an_error_not_a_crash(data: bytes) -> None:
    [problem] = check_lineup(data, "l.json").errors
    assert problem.rule == "json-depth"


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(literal: str) -> None:
    data = document(record(popularity=0)).replace(b'"popularity": 0', f'"popularity": {literal}'
                                                 .encode())
    [problem] = check_lineup(data, "l.json").errors
    assert (problem.path, problem.rule) == ("performances[0].popularity", "json-constant")


def test_duplicate_top_level_key_is_an_error() -> None:
    data = b'{"festival": "A", "festival": "B", "performances": [' + json.dumps(
        record()).encode() + b"]}"
    [problem] = check_lineup(data, "l.json").errors
    assert (problem.path, problem.rule) == ("festival", "duplicate-field")


def test_a_set_past_midnight_overlaps_the_next_mornings_set() -> None:
    data = bare(record(start="23:30", end="01:30"),
                record(performer="Brass Owls", date="2026-07-11", start="01:00", end="02:00"))
    report = check_lineup(data, "l.json")
    assert [(p.path, p.rule) for p in report.warnings] == [("[1]", "stage-overlap")]


def test_back_to_back_sets_do_not_overlap() -> None:
    data = bare(record(start="23:00", end="00:30"),
                record(performer="Brass Owls", date="2026-07-11", start="00:30", end="02:00"))
    assert check_lineup(data, "l.json").warnings == []


def test_a_duplicate_set_names_both_places() -> None:
    data = document(*(record(performer=f"P{i}", start=f"{10 + i}:00", end=f"{10 + i}:30")
                      for i in range(9)), record(performer="P3", start="13:00", end="13:45"))
    [problem] = check_lineup(data, "l.json").errors
    assert problem.path == "performances[9]"
    assert "performances[3]" in problem.message


def test_warnings_come_with_a_valid_lineup_and_in_file_order() -> None:
    data = bare(record(start="10:00", end="17:00"), record(performer="B", start="12:00",
                                                           end="13:00"))
    report = check_lineup(data, "l.json")
    assert report.lineup is not None
    assert [(p.path, p.rule) for p in report.warnings] == [
        ("[0].end", "long-set"), ("[1]", "stage-overlap")]


def test_a_large_lineup_is_checked_in_one_pass() -> None:
    from tests.factories import big_document

    report = check_lineup(big_document(20_000), "big.json")
    assert report.ok
    assert report.count == 20_000
    assert report.warnings == []


def test_a_number_too_long_to_convert_is_reported_at_its_place() -> None:
    data = bare(record(popularity=...)).replace(b'"end": "19:15"', b'"end": "19:15", '
                                                b'"popularity": 1' + b"0" * 5_000)
    [problem] = check_lineup(data, "l.json").errors
    assert (problem.path, problem.rule, problem.message) == (
        "[0].popularity", "popularity",
        "a 5,001-digit number is not a popularity (a whole number from 0 to 100, or leave it out)")


def test_a_key_that_is_a_lone_surrogate_is_named_escaped() -> None:
    data = bare(record()).replace(b'{"performer"', b'{"\\ud800": 1, "performer"')
    [problem] = check_lineup(data, "l.json").errors
    assert (problem.path, problem.rule, problem.line, problem.column) == (
        "[0].\\ud800", "unknown-field", 1, 3)
    problem.describe("l.json").encode("utf-8")  # printable: no surrogate left
