"""Valid files and options at the edges, through the commands: one name for one performer,
stored text that never drives the terminal, dates at both ends of the range, files too large.

(The malformed files themselves are tests/hostile.py's cases, run by test_hostile_inputs.py.)
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from festival_cli.cli import console
from festival_cli.core.lineup_source import MAX_SOURCE_BYTES
from festival_cli.core.model import Lineup, Performance
from festival_cli.core.records import Ingestion
from festival_cli.stores.sqlite import SqliteStore
from tests.factories import document, record

Cli = Callable[..., Result]

NFC = "Zo\u00eb Marchetti"
NFD = "Zoe\u0308 Marchetti"
STAGE_NFD = "Sce\u0300ne Principale"
STAGE_NFC = "Sc\u00e8ne Principale"
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _write(tmp_path: Path, data: bytes, name: str = "lineup.json") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- one name, one performer -----------------------------------------------------------------
@pytest.fixture
def zoe_db(cli: Cli, tmp_path: Path) -> Path:
    """A store holding Zoë's set, uploaded in NFD with blanks around her name."""
    db = tmp_path / "festival.db"
    lineup = _write(tmp_path, document(record(performer=f"  {NFD} ", stage=STAGE_NFD)))
    assert cli("upload", "--db", db, lineup).exit_code == 0
    return db


@pytest.mark.parametrize("asked", [NFC, NFD, f" {NFC} ", f"\t{NFD}  "],
                         ids=["nfc", "nfd", "nfc-blanks", "nfd-blanks"])
def test_any_spelling_of_a_name_finds_the_performer(cli: Cli, zoe_db: Path, asked: str) -> None:
    result = cli("query", "--db", zoe_db, "--performer", asked, "--output", "json")
    assert result.exit_code == 0, result.output
    [found] = json.loads(result.stdout)
    assert (found["performer"], found["stage"]) == (NFC, STAGE_NFC)  # stored once, in NFC


def test_a_stage_in_any_spelling_is_one_stage(cli: Cli, zoe_db: Path) -> None:
    for asked in (STAGE_NFD, f" {STAGE_NFC}"):
        result = cli("query", "--db", zoe_db, "--stage", asked, "--date", "2026-07-10",
                     "--output", "json")
        assert [p["performer"] for p in json.loads(result.stdout)] == [NFC], result.output
        grid = cli("timetable", "--db", zoe_db, "--date", "2026-07-10", "--stage", asked,
                   "--highlight", f" {NFD}", "--width", "60")
        assert grid.exit_code == 0, grid.output
        assert "warning" not in grid.stderr, grid.stderr  # the stage and performer were found
        assert f"*{NFC[:3]}" in grid.stdout  # highlighted


def test_nfc_and_nfd_spellings_in_one_file_are_one_set_twice(cli: Cli, tmp_path: Path) -> None:
    lineup = _write(tmp_path, document(record(performer=NFC), record(performer=NFD,
                                                                     stage="Tent")))
    result = cli("validate", lineup)
    assert result.exit_code == 1
    assert "performances[1]: same performer, date and start as performances[0]" in result.stdout \
        + result.stderr


# -- stored text never drives the terminal ---------------------------------------------------
HOSTILE = "Evil \x1b[2J\x1b[31mRed\x9b1m \u202eexe.gnp"


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    """A store written by something that did not validate: names with escape sequences, C1
    and bidi controls (or written before these were refused), and such a file name."""
    db = tmp_path / "festival.db"
    with SqliteStore(db) as store:
        store.apply_lineup(Lineup((Performance(HOSTILE, HOSTILE, "2026-07-10", "18:00",
                                               "19:00", 50),),
                                  festival=HOSTILE, timezone="Europe/London"))
        store.save_ingestion(Ingestion(id="abc123", file=f"{HOSTILE}.json").finish(
            "succeeded", counts={"performances": 1}, changes=[f"added: {HOSTILE}"],
            festival=HOSTILE))
    return db


SHOWN_TO_PEOPLE = [
    ("query", "--performer", HOSTILE),
    ("query", "--date", "2026-07-10"),
    ("query", "--date", "2026-07-10", "--output", "json"),
    ("timetable", "--date", "2026-07-10", "--width", "80"),
    ("export", "--date", "2026-07-10"),
    ("status",),
    ("status", "abc123"),
    ("status", "--output", "json"),
]


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
@pytest.mark.parametrize("args", SHOWN_TO_PEOPLE, ids=lambda a: " ".join(a)[:40])
def test_stored_control_characters_are_spelled_out(cli: Cli, hostile_db: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   args: tuple[str, ...], terminal: bool) -> None:
    monkeypatch.setattr(console, "_terminal", lambda stream: terminal)
    result = cli(*args, "--db", hostile_db)
    assert result.exit_code == 0, result.output
    assert not RAW_CONTROL.search(result.output), repr(result.output)
    assert "Evil" in result.stdout
    if "json" in args or args[0] == "export":  # escaped as JSON escapes: the same data
        assert HOSTILE in _strings(json.loads(result.stdout))


def _strings(value: object) -> set[str]:
    """Every string in a parsed JSON value."""
    if isinstance(value, str):
        return {value}
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) \
        else ()
    return {s for item in items for s in _strings(item)}


@pytest.mark.parametrize("output", ["csv", "ics"])
def test_a_document_is_exact_in_a_pipe_and_spelled_out_on_a_terminal(
        cli: Cli, hostile_db: Path, monkeypatch: pytest.MonkeyPatch, output: str) -> None:
    piped = cli("export", "--db", hostile_db, "--date", "2026-07-10", "--output", output)
    assert "\x1b[2J" in piped.stdout or output == "ics"  # the data, as stored (ICS drops C0)
    monkeypatch.setattr(console, "_terminal", lambda stream: True)
    shown = cli("export", "--db", hostile_db, "--date", "2026-07-10", "--output", output)
    assert shown.exit_code == 0
    assert not RAW_CONTROL.search(shown.stdout), repr(shown.stdout)
    assert "\\u202e" in shown.stdout  # spelled out, visibly


# -- dates at the edges ----------------------------------------------------------------------
EDGES = [("0002-01-01", "0001-12-31"), ("9998-12-31", "9999-01-01")]


@pytest.fixture
def edge_db(cli: Cli, tmp_path: Path) -> Path:
    """Sets on the first and the last date festival handles, each running past midnight."""
    db = tmp_path / "festival.db"
    lineup = _write(tmp_path, document(
        *(record(date=day, start="23:00", end="01:00") for day, _ in EDGES),
        timezone="America/New_York"))
    result = cli("upload", "--db", db, lineup)
    assert result.exit_code == 0, result.output
    return db


@pytest.mark.parametrize(("day", "outside"), EDGES, ids=["first", "last"])
def test_the_first_and_last_dates_work_everywhere(cli: Cli, edge_db: Path, day: str,
                                                  outside: str) -> None:
    for args in (("query", "--date", day), ("query", "--date", day, "--at", "23:30"),
                 ("query", "--stage", "Main", "--date", day),
                 ("query", "--stage", "Main", "--from", f"{day}T22:00", "--to", f"{day}T23:30"),
                 ("query", "--date", day, "--min-popularity", "1"),
                 ("query", "--performer", "Aurora Fields", "--date", day),
                 ("timetable", "--date", day), ("timetable", "--date", day, "--stage", "Main"),
                 ("export", "--date", day), ("export", "--date", day, "--output", "csv"),
                 ("export", "--date", day, "--output", "ics"),
                 ("export", "--performer", "Aurora Fields", "--output", "ics")):
        result = cli(*args, "--db", edge_db)
        assert result.exit_code == 0, (args, result.output)
        assert day in result.stdout or day.replace("-", "") in result.stdout \
            or "Aurora" in result.stdout, (args, result.stdout)


@pytest.mark.parametrize("outside", ["0001-01-01", "0001-12-31", "9999-01-02", "9999-12-31"])
def test_dates_outside_the_range_are_clean_usage_errors(cli: Cli, edge_db: Path,
                                                        outside: str) -> None:
    for args in (("query", "--date", outside), ("query", "--date", outside, "--at", "00:30"),
                 ("query", "--stage", "Main", "--date", outside),
                 ("query", "--stage", "Main", "--from", f"{outside}T00:00",
                  "--to", f"{outside}T23:00"),
                 ("timetable", "--date", outside), ("export", "--date", outside),
                 ("export", "--date", outside, "--output", "ics")):
        result = cli(*args, "--db", edge_db)
        assert result.exit_code == 2, (args, result.output)
        assert "is outside the dates festival handles (0002-01-01 to 9998-12-31)" in \
            result.stderr, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_range_may_end_the_day_after_the_last_date(cli: Cli, edge_db: Path) -> None:
    result = cli("query", "--stage", "Main", "--from", "9998-12-31T22:00",
                 "--to", "9999-01-01T02:00", "--db", edge_db)
    assert result.exit_code == 0, result.output
    assert "9998-12-31" in result.stdout


# -- files too large to read -----------------------------------------------------------------
def test_a_file_over_the_limit_is_refused_before_it_is_read(cli: Cli, tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:
        handle.truncate(8 * 1024**3)  # sparse: 8 GiB that reading would have to hold at once
    began = time.monotonic()
    for command in ("validate", "upload", "diff"):
        result = cli(command, huge, "--db", tmp_path / "f.db") if command != "validate" \
            else cli(command, huge)
        assert result.exit_code == 1, result.output
        assert f"huge.json: larger than {MAX_SOURCE_BYTES // 2**20} MiB (8,589,934,592 bytes)" \
            in result.stderr, result.output
    assert time.monotonic() - began < 30  # not read: reading 8 GiB takes far longer
    assert not (tmp_path / "f.db").exists()


def test_a_device_without_end_is_refused_after_the_limit(cli: Cli) -> None:
    result = cli("validate", "/dev/zero")
    assert result.exit_code == 1, result.output
    assert f"/dev/zero: larger than {MAX_SOURCE_BYTES // 2**20} MiB" in result.stderr
    assert "MemoryError" not in result.output


def test_standard_input_over_the_limit_is_refused() -> None:
    from typer.testing import CliRunner

    from festival_cli.cli.app import app

    result = CliRunner().invoke(app, ["validate", "-"], input=b" " * (MAX_SOURCE_BYTES + 1))
    assert result.exit_code == 1, result.output
    assert "<stdin>: larger than" in result.stderr


# -- valid files never hit an internal limit -------------------------------------------------
def test_more_distinct_dates_than_a_statement_takes_parameters(
        cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite builds differ in how many parameters one statement takes (999 before 3.32, 32,766
    since, 250,000 in Debian's): given the smallest, a valid file of 2,000 dates still uploads,
    uploads again unchanged, and is revised."""
    real = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = real(*args, **kwargs)
        connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
        return connection

    monkeypatch.setattr(sqlite3, "connect", connect)
    first = date(2020, 1, 1)
    days = [(first + timedelta(days=i)).isoformat() for i in range(2_000)]
    lineup = _write(tmp_path, document(*(record(date=day) for day in days)))
    db = tmp_path / "festival.db"
    for expected in ("2000 added", "2000 unchanged"):
        result = cli("upload", "--db", db, lineup)
        assert result.exit_code == 0, result.output
        assert expected in result.stdout, result.stdout
    lineup.write_bytes(document(*(record(date=day, end="19:30") for day in days)))
    result = cli("upload", "--db", db, lineup)
    assert result.exit_code == 0, result.output
    assert "2000 updated" in result.stdout, result.stdout
