"""`festival query`: each output format parsed back, empty answers, usage errors, light imports."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import Result

from festival_cli.core.query import Query
from festival_cli.stores.sqlite import SqliteStore
from tests.factories import lineup, perf

Cli = Callable[..., Result]
ROOT = Path(__file__).resolve().parent.parent

SETS = [
    perf("Aurora Fields", "Main", "2026-07-10", "18:00", "19:15", 87),
    perf("Bo Ødegaard", "Tent", "2026-07-10", "23:30", "01:00", None),
    perf("東京 Night", "Main", "2026-07-10", "20:00", "21:00", 95),
    perf("Other Day", "Main", "2026-07-11", "12:00", "13:00", 10),
]


@pytest.fixture
def db(db_path: Path) -> Path:
    with SqliteStore(db_path) as store:
        store.apply_lineup(lineup(*SETS))
    return db_path


def test_json_is_an_array_of_records_in_order(cli: Cli, db: Path) -> None:
    result = cli("query", "--db", db, "--date", "2026-07-10", "--output", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        {"performer": "Aurora Fields", "stage": "Main", "date": "2026-07-10", "start": "18:00",
         "end": "19:15", "popularity": 87},
        {"performer": "東京 Night", "stage": "Main", "date": "2026-07-10", "start": "20:00",
         "end": "21:00", "popularity": 95},
        {"performer": "Bo Ødegaard", "stage": "Tent", "date": "2026-07-10", "start": "23:30",
         "end": "01:00", "popularity": None},
    ]
    assert result.stderr == ""


def test_csv_has_a_header_and_one_row_per_set(cli: Cli, db: Path) -> None:
    result = cli("query", "--db", db, "--performer", "Bo Ødegaard", "-o", "csv")
    assert result.exit_code == 0
    assert list(csv.reader(io.StringIO(result.stdout))) == [
        ["performer", "stage", "date", "start", "end", "popularity"],
        ["Bo Ødegaard", "Tent", "2026-07-10", "23:30", "01:00", ""],
    ]


def test_the_table_is_plain_aligned_text_when_piped(cli: Cli, db: Path) -> None:
    result = cli("query", "--db", db, "--date", "2026-07-10", "--min-popularity", "80")
    assert result.exit_code == 0
    assert result.stdout == (
        "Performer      Stage  Date        Start  End    Popularity\n"
        "東京 Night     Main   2026-07-10  20:00  21:00          95\n"
        "Aurora Fields  Main   2026-07-10  18:00  19:15          87\n"
    )


def test_at_finds_the_set_begun_the_evening_before(cli: Cli, db: Path) -> None:
    result = cli("query", "--db", db, "--date", "2026-07-11", "--at", "00:30", "-o", "json")
    assert [r["performer"] for r in json.loads(result.stdout)] == ["Bo Ødegaard"]


def test_stage_in_a_time_range(cli: Cli, db: Path) -> None:
    result = cli("query", "--db", db, "--stage", "Main", "--from", "2026-07-10T19:00",
                 "--to", "2026-07-10T20:00", "-o", "json")
    assert [r["performer"] for r in json.loads(result.stdout)] == ["Aurora Fields"]


@pytest.mark.parametrize(("output", "expected"), [("json", "[]\n"), ("csv", None)])
def test_no_match_is_an_empty_document(cli: Cli, db: Path, output: str,
                                       expected: str | None) -> None:
    result = cli("query", "--db", db, "--date", "2026-08-01", "-o", output)
    assert result.exit_code == 0
    assert result.stdout == (expected or "performer,stage,date,start,end,popularity\n")


def test_no_match_in_a_table_says_so_on_stderr(cli: Cli, db: Path) -> None:
    result = cli("query", "--db", db, "--date", "2026-08-01")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "no performances match\n"


D = "2026-07-10"
# What a person types for each field of a Query.
FLAGS = {"performer": "--performer", "stage": "--stage", "date": "--date", "at": "--at",
         "start": "--from", "end": "--to", "min_popularity": "--min-popularity"}


def typed(query: Query) -> list[str]:
    return [arg for f in fields(query) if (value := getattr(query, f.name)) is not None
            for arg in (FLAGS[f.name], str(value))]


# Every refusal of core.query, as the command says it: naming the options as they are typed.
@pytest.mark.parametrize(
    ("query", "message"),
    [
        (Query(), "say what to look for: --performer, --stage with --from/--to, or --date"),
        (Query(date="2026-7-10"), "--date: '2026-7-10' is not a date (YYYY-MM-DD)"),
        (Query(date="2026-02-30"), "--date: '2026-02-30' is not a date (YYYY-MM-DD)"),
        (Query(date=D, at="24:00"), "--at: '24:00' is not a time (HH:MM)"),
        (Query(date=D, at="21:30\n"), "--at: '21:30\n' is not a time (HH:MM)"),
        (Query(date="2026-07-10\n"), "--date: '2026-07-10\n' is not a date (YYYY-MM-DD)"),
        (Query(stage="Main", start="2026-07-10 18:00", end="2026-07-10T19:00"),
         "--from: '2026-07-10 18:00' is not a date and time (YYYY-MM-DDTHH:MM)"),
        (Query(date=D, min_popularity=101), "--min-popularity: 101 is not between 0 and 100"),
        (Query(date=D, min_popularity=-1), "--min-popularity: -1 is not between 0 and 100"),
        (Query(stage="Main", start="2026-07-10T19:00", end="2026-07-10T19:00"),
         "--from 2026-07-10T19:00 is not before --to 2026-07-10T19:00"),
        (Query(at="21:30"), "--at needs --date (e.g. --date 2026-07-10 --at 21:30)"),
        (Query(min_popularity=5), "--min-popularity needs --date (e.g. --date 2026-07-10)"),
        (Query(date=D, at="21:30", min_popularity=5),
         "--at and --min-popularity cannot be combined"),
        (Query(stage="Main", start="2026-07-10T19:00"), "a time range needs both --from and --to"),
        (Query(performer="A", stage="Main", date=D),
         "--performer can be combined only with --date"),
        (Query(performer="A", date=D, at="12:00"),
         "--performer can be combined only with --date"),
        (Query(stage="Main"),
         "--stage needs a time range (--from and --to) or a --date, "
         "e.g. --stage Main --from 2026-07-10T18:00 --to 2026-07-10T23:00"),
        (Query(stage="Main", date=D, at="12:00"),
         "--stage can be combined with --from/--to or --date only"),
        (Query(stage="Main", date=D, start="2026-07-10T18:00", end="2026-07-10T19:00"),
         "give either --date or --from/--to, not both"),
        (Query(start="2026-07-10T18:00", end="2026-07-10T19:00"),
         "a time range is for one stage: add --stage, "
         "e.g. --stage Main --from 2026-07-10T18:00 --to 2026-07-10T23:00"),
    ],
)
def test_bad_selectors_are_usage_errors_naming_the_options(cli: Cli, db: Path, query: Query,
                                                          message: str) -> None:
    result = cli("query", "--db", db, *typed(query))
    assert result.exit_code == 2
    assert result.stderr == f"error: {message}\n"


def test_the_cli_spells_each_field_as_its_option() -> None:
    from festival_cli.cli.errors import flag

    assert {name: flag(name) for name in FLAGS} == FLAGS
    assert (flag("day_starts"), flag("step")) == ("--day-starts", "--step")


def test_export_refuses_a_range_without_a_stage_instead_of_crashing(cli: Cli, db: Path) -> None:
    result = cli("export", "--db", db, "--from", "2026-07-10T18:00", "--to", "2026-07-10T19:00")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: a time range is for one stage: add --stage")


def test_an_unknown_output_is_a_usage_error(cli: Cli, db: Path) -> None:
    assert cli("query", "--db", db, "--date", "2026-07-10", "-o", "xml").exit_code == 2


def test_festival_db_is_honoured(cli: Cli, db: Path) -> None:
    result = cli("query", "--date", "2026-07-11", "-o", "json", env={"FESTIVAL_DB": str(db)})
    assert [r["performer"] for r in json.loads(result.stdout)] == ["Other Day"]


# -- as a real process ---------------------------------------------------------------------


def run_module(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FESTIVAL_DB", "FESTIVAL_STACK")}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=60, check=False)


def test_python_m_festival_cli_answers_a_query(db: Path) -> None:
    done = run_module("-m", "festival_cli", "query", "--db", str(db), "--date", "2026-07-11",
                      "--output", "json")
    assert done.returncode == 0, done.stderr
    assert [r["performer"] for r in json.loads(done.stdout)] == ["Other Day"]


def imported(*args: str) -> set[str]:
    """Top-level packages a festival invocation imports (from `python -X importtime`)."""
    done = run_module("-X", "importtime", "-m", "festival_cli", *args)
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def test_a_json_query_imports_neither_boto3_nor_rich(db: Path) -> None:
    names = imported("query", "--db", str(db), "--date", "2026-07-10", "--output", "json")
    assert "festival_cli" in names
    assert not names & {"boto3", "botocore", "rich"}


def test_help_does_not_import_boto3() -> None:
    names = imported("--help")
    assert "typer" in names
    assert not names & {"boto3", "botocore"}
