"""`festival validate`: exit codes, the text, json and github outputs, several and missing files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from festival_cli.cli.app import app
from festival_cli.cli.commands.validate import _escape_data, _escape_property
from tests.factories import document, record

GOOD = document(record(), record(performer="Brass Owls", start="19:15", end="20:30"))
BAD = (b'{"performances": [\n'
       b' {"performer": "A", "stage": "Main", "date": "2026-07-10", "start": "25:00",'
       b' "end": "19:00"},\n'
       b' {"performer": "B", "stage": "Main", "date": "2026-07-10", "start": "20:00"}\n]}')
WARNED = document(record(), record(performer="Brass Owls", start="19:00", end="20:00"))


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return CliRunner()


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_a_valid_file_exits_0(runner: CliRunner, tmp_path: Path) -> None:
    good = write(tmp_path, "good.json", GOOD)
    result = runner.invoke(app, ["validate", good])
    assert result.exit_code == 0
    assert result.stdout == f"{good}: valid, 2 performances\n"
    assert result.stderr == ""


def test_an_invalid_file_exits_1_with_compiler_lines(runner: CliRunner, tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.json", BAD)
    result = runner.invoke(app, ["validate", bad])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{bad}:2:69: error: performances[0].start: '25:00' is not a time (HH:MM, 24-hour)",
        f'{bad}:3:2: error: performances[1].end: missing: every performance needs "end" '
        "(the end time, HH:MM)",
    ]
    assert result.stdout == f"{bad}: invalid, 2 errors (2 performances)\n"


def test_warnings_exit_0_and_strict_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    warned = write(tmp_path, "warned.json", WARNED)
    result = runner.invoke(app, ["validate", warned])
    assert result.exit_code == 0
    assert result.stdout == f"{warned}: valid, 2 performances, 1 warning\n"
    assert result.stderr.startswith(f"{warned}:13:3: warning: performances[1]: overlaps")
    strict = runner.invoke(app, ["validate", "--strict", warned])
    assert strict.exit_code == 1
    assert strict.stderr.startswith(f"{warned}:13:3: error: performances[1]: overlaps")


def test_a_missing_file_is_one_line_and_the_others_are_checked(runner: CliRunner,
                                                               tmp_path: Path) -> None:
    good = write(tmp_path, "good.json", GOOD)
    missing = str(tmp_path / "nope.json")
    result = runner.invoke(app, ["validate", missing, good])
    assert result.exit_code == 1
    assert result.stderr == f"error: {missing}: no such file\n"
    assert result.stdout == f"{good}: valid, 2 performances\n2 files: 1 valid, 1 not\n"


def test_usage_errors_exit_2(runner: CliRunner) -> None:
    assert runner.invoke(app, ["validate"]).exit_code == 2
    assert runner.invoke(app, ["validate", "--output", "xml", "x.json"]).exit_code == 2


def test_problems_are_capped_per_file(runner: CliRunner, tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.json", document(*(record(performer=f"P{i}", start="7pm")
                                                 for i in range(25))))
    result = runner.invoke(app, ["validate", bad])
    lines = result.stderr.splitlines()
    assert len(lines) == 21
    assert lines[-1] == f"{bad}: … and 5 more: 5 time problems"


def test_json_output_is_one_document(runner: CliRunner, tmp_path: Path) -> None:
    good = write(tmp_path, "good.json", GOOD)
    bad = write(tmp_path, "bad.json", BAD)
    warned = write(tmp_path, "warned.json", WARNED)
    result = runner.invoke(app, ["validate", "--output", "json", good, bad, warned])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["valid"] is False
    assert [(f["file"], f["valid"], f["performances"]) for f in doc["files"]] == [
        (good, True, 2), (bad, False, 2), (warned, True, 2)]
    assert doc["files"][1]["errors"][0] == {
        "path": "performances[0].start", "line": 2, "column": 69, "rule": "time",
        "message": "'25:00' is not a time (HH:MM, 24-hour)"}
    assert [w["rule"] for w in doc["files"][2]["warnings"]] == ["stage-overlap"]


def test_json_output_of_valid_files_exits_0(runner: CliRunner, tmp_path: Path) -> None:
    good = write(tmp_path, "good.json", GOOD)
    result = runner.invoke(app, ["validate", "-o", "json", good])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["valid"] is True


def test_json_output_names_a_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.json")
    result = runner.invoke(app, ["validate", "-o", "json", missing])
    assert result.exit_code == 1
    [entry] = json.loads(result.stdout)["files"]
    assert entry["errors"] == [{"path": "", "line": None, "column": None, "rule": "unreadable",
                                "message": f"{missing}: no such file"}]


def test_github_output_is_workflow_commands(runner: CliRunner, tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.json", BAD)
    result = runner.invoke(app, ["validate", "--output", "github", bad])
    assert result.exit_code == 1
    prop = _escape_property(bad)
    assert result.stdout.splitlines() == [
        f"::error file={prop},line=2,col=69,title=festival time::performances[0].start: "
        "'25:00' is not a time (HH:MM, 24-hour)",
        f"::error file={prop},line=3,col=2,title=festival missing-field::performances[1].end: "
        'missing: every performance needs "end" (the end time, HH:MM)',
    ]


def test_github_output_for_warnings(runner: CliRunner, tmp_path: Path) -> None:
    warned = write(tmp_path, "warned.json", WARNED)
    result = runner.invoke(app, ["validate", "-o", "github", warned])
    assert result.exit_code == 0
    assert result.stdout.startswith(f"::warning file={_escape_property(warned)},line=13,col=3,"
                                    "title=festival stage-overlap::performances[1]: overlaps")


def test_github_actions_selects_github_output(runner: CliRunner, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    bad = write(tmp_path, "bad.json", BAD)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert runner.invoke(app, ["validate", bad]).stdout.startswith("::error file=")
    assert runner.invoke(app, ["validate", "-o", "text", bad]).stdout.startswith(bad)


def test_workflow_command_escapes() -> None:
    assert _escape_data("50% off\r\nnow") == "50%25 off%0D%0Anow"
    assert _escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_standard_input(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "-"], input=GOOD)
    assert result.exit_code == 0
    assert result.stdout == "<stdin>: valid, 2 performances\n"
