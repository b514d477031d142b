"""Warnings a person can read: the first 20 of a file, the rest counted by rule; every one in
JSON and GitHub output; places found only for what is shown."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from festival_cli.core import lineup as lineup_module
from festival_cli.core import positions
from festival_cli.core.checks import count_text, rest_text
from festival_cli.core.lineup import check_lineup
from festival_cli.core.problems import SHOWN, Problem
from festival_cli.stores.sqlite import SqliteStore
from tests.factories import big_lineup, document, record

Run = Callable[..., Result]
WARNING_LINE = re.compile(r"^.+:\d+:\d+: warning: ")


def clashing(n: int = 300) -> bytes:
    """`n` sets, each running into the next on its stage; every 10th set is also played by the
    performer of the set before it (a double booking)."""
    sets = big_lineup(n, days=1, clash=True)
    records = []
    for i, p in enumerate(sets):
        r = p.to_record()
        if i % 10 == 9 and sets[i - 1].stage == p.stage:
            r["performer"] = sets[i - 1].performer
        records.append(r)
    return document(*records)


@pytest.fixture
def clash_file(tmp_path: Path) -> Path:
    path = tmp_path / "clash.json"
    path.write_bytes(clashing())
    return path


# The warnings of `clashing()`, by rule: literal, so no test asks the validator what to expect.
CLASHES = {"stage-overlap": 257, "performer-overlap": 30}
TOTAL = 287


def test_the_file_really_clashes_on_stages_and_performers(clash_file: Path) -> None:
    assert check_lineup(clash_file.read_bytes(), "x").warning_rules == CLASHES
    assert sum(CLASHES.values()) == TOTAL


@pytest.mark.parametrize("command", ["upload", "validate", "diff"])
def test_human_output_shows_20_warnings_then_counts_the_rest_by_rule(
        cli: Run, tmp_path: Path, clash_file: Path, command: str) -> None:
    store = [] if command == "validate" else ["--db", tmp_path / "f.db"]
    if command == "diff":
        SqliteStore(tmp_path / "f.db").close()  # diff reads a store: an empty one
    result = cli(command, *store, clash_file)

    assert result.exit_code == (3 if command == "diff" else 0), result.output
    lines = result.stderr.splitlines()
    shown = [line for line in lines if WARNING_LINE.match(line)]
    assert len(shown) == SHOWN
    counts = CLASHES
    rest = sum(counts.values()) - SHOWN
    stage_rest = counts["stage-overlap"] - sum("on stage" in line for line in shown)
    performers = counts["performer-overlap"] - sum("plays two" in line for line in shown)
    assert f"{clash_file}: … and {rest:,} more: {stage_rest:,} stage overlaps, " \
           f"{performers:,} double-booked performers" in lines


def test_validate_says_how_many_warnings_there_are_in_all(cli: Run, clash_file: Path) -> None:
    total = TOTAL
    result = cli("validate", clash_file)
    assert f"{clash_file}: valid, 300 performances, {total:,} warnings" in result.stdout


def test_json_and_github_output_give_every_warning_located(cli: Run, clash_file: Path) -> None:
    total = TOTAL

    as_json = json.loads(cli("validate", "--output", "json", clash_file).stdout)
    github = cli("validate", "--output", "github", clash_file).stdout.splitlines()

    warnings = as_json["files"][0]["warnings"]
    assert len(warnings) == total and all(w["line"] is not None for w in warnings)
    assert sum(line.startswith("::warning ") and ",line=" in line for line in github) == total


def test_a_rejected_file_counts_its_errors_by_rule(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(document(*(record(performer=f"P{i}", start="7pm", date="2026-13-01")
                                for i in range(30))))
    result = cli("upload", "--db", tmp_path / "f.db", path)

    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "  … and 40 more: 20 date problems, 20 time problems"


def test_only_the_shown_problems_are_located(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []
    real = lineup_module.locate

    def counting(text: str, wanted: Any) -> Any:
        wanted = list(wanted)
        asked.append(len(wanted))
        return real(text, wanted)

    monkeypatch.setattr(lineup_module, "locate", counting)
    report = check_lineup(clashing(), "clash.json", shown=SHOWN)

    assert asked == [SHOWN]
    assert len(report.warnings) == SHOWN and all(w.line is not None for w in report.warnings)
    assert report.warning_total == TOTAL


def test_strict_still_makes_every_warning_an_error() -> None:
    report = check_lineup(clashing(), "clash.json", strict=True, shown=SHOWN)
    assert len(report.errors) == TOTAL
    assert report.warnings == [] and report.warning_total == 0


def test_an_ingestion_record_keeps_50_warnings_and_their_total(tmp_path: Path) -> None:
    from festival_cli.core.ingest import PROBLEMS_CAP, ingest

    with SqliteStore(tmp_path / "f.db") as store:
        record_ = ingest(store, clashing(), "clash.json").record
    total = TOTAL
    assert len(record_.warnings) == PROBLEMS_CAP == 50
    assert record_.total("warnings") == total
    assert all(re.match(r"^clash\.json:\d+:\d+: ", line) for line in record_.warnings)


def test_the_same_clashing_file_again_shows_the_same_warnings(cli: Run, tmp_path: Path,
                                                               clash_file: Path) -> None:
    first = cli("upload", "--db", tmp_path / "f.db", clash_file)
    again = cli("upload", "--db", tmp_path / "f.db", clash_file)  # from the memo
    assert again.stderr == first.stderr


def test_locating_stops_once_every_wanted_place_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    text = json.dumps([{"performer": f"P{i}", "start": "18:00"} for i in range(2000)])
    matched = []
    real = positions._SKIP_ELEMENT

    class Counting:
        def match(self, *args: Any) -> Any:
            matched.append(1)
            return real.match(*args)

    monkeypatch.setattr(positions, "_SKIP_ELEMENT", Counting())
    found = positions.locate(text, [("[3].start", "value")])

    assert found == {("[3].start", "value"): (1, text.index('"18:00"', text.index('"P3"')) + 1)}
    assert len(matched) < 10


@pytest.mark.parametrize("wanted", ["[1999].start", "festival"])
def test_a_place_after_the_others_is_still_found(wanted: str) -> None:
    doc = {"performances": [{"performer": f"P{i}", "start": "18:00"} for i in range(2000)],
           "festival": "F"}
    text = json.dumps(doc)
    path = wanted if wanted == "festival" else f"performances{wanted}"
    found = positions.locate(text, [("performances[0].start", "value"), (path, "value")])
    line, column = found[(path, "value")]
    assert line == 1 and text[column - 1] == '"'
    assert text[column - 1:].startswith('"F"' if wanted == "festival" else '"18:00"')


def test_counts_read_most_first_with_nouns() -> None:
    assert count_text({"performer-overlap": 1_985, "stage-overlap": 88_000, "long-set": 1}) == (
        "88,000 stage overlaps, 1,985 double-booked performers, 1 set over 6 hours")
    shown = [Problem("p[0]", "stage-overlap", "m", "warning")] * 15
    assert rest_text({"stage-overlap": 88_015, "performer-overlap": 1_985}, shown) == (
        "… and 89,985 more: 88,000 stage overlaps, 1,985 double-booked performers")
    assert rest_text({"stage-overlap": 15}, shown) == ""
