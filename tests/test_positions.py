"""Line and column of each problem: of its value, of its record (missing field), of its key
(unknown field), in pretty-printed and minified files, after wide characters."""

from __future__ import annotations

import json

import pytest

from festival_cli.core.lineup import check_lineup
from festival_cli.core.positions import locate
from tests.factories import record

PRETTY = """{
  "festival": "Riverside Sounds 2026",
  "performances": [
    {
      "performer": "Aurora Fields",
      "stage": "Main",
      "date": "2026-07-10",
      "start": "18:00",
      "end": "19:15"
    },
    {
      "performer": "Brass Owls",
      "stage": "Main",
      "date": "2026-07-10",
      "start": "25:00",
      "end": "20:30",
      "venue": "Park"
    },
    {
      "performer": "Coral Drift",
      "stage": "Main",
      "date": "2026-07-10",
      "end": "22:00"
    }
  ]
}
"""


def located(text: str) -> dict[str, tuple[int | None, int | None]]:
    report = check_lineup(text.encode(), "l.json")
    return {p.path: (p.line, p.column) for p in report.errors + report.warnings}


def test_a_bad_value_points_at_the_value() -> None:
    assert located(PRETTY)["performances[1].start"] == (15, 16)


def test_an_unknown_field_points_at_its_key() -> None:
    assert located(PRETTY)["performances[1].venue"] == (17, 7)


def test_a_missing_field_points_at_its_record() -> None:
    assert located(PRETTY)["performances[2].start"] == (19, 5)


def test_minified_file_columns() -> None:
    text = json.dumps({"performances": [record(), record(performer="B", start="25:00")]},
                      separators=(",", ":"))
    line, column = located(text)["performances[1].start"]
    assert line == 1
    assert column is not None and text[column - 1:column + 6] == '"25:00"'


def test_columns_count_characters_not_bytes() -> None:
    text = '[{"performer": "坂本 Björk", "stage": "Main", "date": "2026-07-10", "start": "x"}]'
    line, column = located(text)["[0].start"]
    assert (line, column) == (1, text.index('"x"') + 1)


def test_a_byte_order_mark_is_not_a_column() -> None:
    text = '[{"performer": "A", "stage": "S", "date": "2026-07-10", "start": "x", "end": "y"}]'
    report = check_lineup(b"\xef\xbb\xbf" + text.encode(), "l.json")
    assert (report.errors[0].line, report.errors[0].column) == (1, text.index('"x"') + 1)


def test_a_key_given_twice_points_at_the_second() -> None:
    text = '[{"performer": "A", "stage": "S", "date": "2026-07-10",\n "start": "18:00",' \
           ' "end": "19:00", "start": "20:00"}]'
    report = check_lineup(text.encode(), "l.json")
    assert [(p.rule, p.line, p.column) for p in report.errors] == [
        ("duplicate-field", 2, text.split("\n")[1].rindex('"start"') + 1)]


def test_warnings_are_located_too() -> None:
    text = json.dumps([record(), record(performer="B", start="19:00", end="20:00")], indent=2)
    report = check_lineup(text.encode(), "l.json")
    [warning] = report.warnings
    assert (warning.line, warning.column) == (10, 3)


def test_escaped_keys_and_nested_values_are_skipped_correctly() -> None:
    text = ('{"performances": [{"performer": "A\\"}", "stage": "S", "date": "2026-07-10", '
            '"start": "18:00", "end": "19:00", "notes": {"a": [1, {"b": "]"}]}}, '
            '{"perf\\u006frmer": "B", "stage": "S", "date": "2026-07-10", "start": "x", '
            '"end": "19:00"}]}')
    found = located(text)
    assert found["performances[0].notes"] == (1, text.index('"notes"') + 1)
    assert found["performances[1].start"] == (1, text.index('"x"') + 1)


def test_locate_finds_nothing_when_nothing_is_wanted() -> None:
    assert locate('{"a": 1}', []) == {}


@pytest.mark.parametrize("path", ["", "a", "a[1]", "a[1].b"])
def test_locate_each_kind_of_place(path: str) -> None:
    text = '{\n "a": [0, {"b": true}]\n}'
    expected = {"": (1, 1), "a": (2, 7), "a[1]": (2, 11), "a[1].b": (2, 17)}[path]
    assert locate(text, [(path, "value")]) == {(path, "value"): expected}


def test_problems_are_located_only_when_there_are_any(monkeypatch: pytest.MonkeyPatch) -> None:
    import festival_cli.core.lineup as lineup_module

    calls: list[object] = []
    monkeypatch.setattr(lineup_module, "locate", lambda text, wanted: calls.append(wanted) or {})
    check_lineup(json.dumps([record()]).encode(), "l.json")
    assert calls == []
    check_lineup(json.dumps([record(start="x")]).encode(), "l.json")
    assert len(calls) == 1
