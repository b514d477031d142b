"""Narrow outputs: a query table that cannot fit becomes one block per set (never squeezed
cells); `festival status` fits 80 columns, the file name and state never cut."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from rich.console import Console

from festival_cli.cli import console, tables
from tests.spies import calls_to
from tests.test_timetable_layout import day_sets

Run = Callable[..., Result]
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "lineup.json"


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], None]]:
    """Make stdout a terminal of a given width, as Rich sees it."""
    import sys

    def width(columns: int) -> None:
        monkeypatch.setattr(tables, "plain", lambda stream: False)
        monkeypatch.setattr(console, "out", lambda: Console(
            file=sys.stdout, width=columns, force_terminal=True, color_system=None))

    yield width


LONG = "riverside-sounds-2026-final-lineup-after-the-artists-confirmed.json"


@pytest.fixture
def store(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two uploads named as typed in the store's directory: `lineup.json` and a 69-character
    name (with the state, exactly 80 columns)."""
    monkeypatch.chdir(tmp_path)
    for name in ("lineup.json", LONG):
        shutil.copy(EXAMPLE, name)
        assert cli("upload", "--db", "f.db", name).exit_code == 0
    return Path("f.db")


def lines_of(result: Result) -> list[str]:
    return result.stdout.splitlines()[1:]  # after the store's line


@pytest.mark.parametrize("how", ["piped", "terminal"])
def test_status_fits_80_columns_with_file_and_state_whole(
        cli: Run, store: Path, terminal: Callable[[int], None], how: str) -> None:
    if how == "terminal":
        terminal(80)
    result = cli("status", "--db", store, env={"COLUMNS": "80"})
    lines = lines_of(result)
    assert result.exit_code == 0
    assert all(len(line) <= 80 for line in lines), "\n".join(lines)
    text = result.stdout
    assert f"{LONG}  succeeded" in text and "lineup.json" in text
    assert "…" not in text


def test_status_shows_the_changes_as_one_column(cli: Run, store: Path) -> None:
    result = cli("status", "--db", store, env={"COLUMNS": "200"})
    header, second, first = lines_of(result)
    assert header.split() == ["Id", "File", "State", "Sets", "Started", "Duration"]
    assert "+76 ~0 -0 =0" in first and "+0 ~0 -0 =76" in second


def test_status_drops_the_least_needed_columns_first(cli: Run, store: Path) -> None:
    widths = {}
    for columns in (200, 118, 100, 96, 80):
        header = lines_of(cli("status", "--db", store, env={"COLUMNS": str(columns)}))[0]
        widths[columns] = header.split()
    assert widths[200] == ["Id", "File", "State", "Sets", "Started", "Duration"]
    assert widths[80] == ["File", "State"]
    kept = [len(h) for h in widths.values()]
    assert kept == sorted(kept, reverse=True)


@pytest.mark.parametrize("how", ["piped", "terminal"])
def test_a_query_that_cannot_fit_is_one_block_per_set(
        cli: Run, day_db: str, terminal: Callable[[int], None], how: str) -> None:
    if how == "terminal":
        terminal(40)
    result = cli("query", "--db", day_db, "--date", "2026-07-10", env={"COLUMNS": "40"})
    assert result.exit_code == 0
    blocks = result.stdout.strip().split("\n\n")
    sets = [p for p in day_sets() if p.date == "2026-07-10"]
    assert len(blocks) == len(sets)
    performers = {line.split("  ", 1)[1].strip() for block in blocks
                  for line in block.splitlines() if line.startswith("Performer")}
    assert performers == {p.performer for p in sets}
    assert "…" not in result.stdout


@pytest.mark.parametrize("how", ["piped", "terminal"])
def test_a_query_that_fits_is_a_table(cli: Run, day_db: str,
                                      terminal: Callable[[int], None], how: str) -> None:
    if how == "terminal":
        terminal(120)
    result = cli("query", "--db", day_db, "--date", "2026-07-10", env={"COLUMNS": "120"})
    assert "Performer" in result.stdout.splitlines()[0 if how == "piped" else 1]
    assert "\n\n" not in result.stdout.strip()
    assert max(len(line) for line in result.stdout.splitlines()) <= 120


def test_a_table_measures_each_cell_once(monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Checking the width as columns are dropped, then padding plain lines: one measure a cell."""
    measured = calls_to(monkeypatch, tables, "text_width")
    monkeypatch.setattr(tables, "plain", lambda stream: True)
    monkeypatch.setenv("COLUMNS", "30")
    headers = ["Performer", "Stage", "Date", "Popularity"]
    rows = [["Aurora Fields", "Main", "2026-07-10", "87"],
            ["坂本龍一 Ensemble", "Forest", "2026-07-10", "91"],
            ["Night Owls Collective", "Club", "2026-07-11", ""]]
    tables.table(headers, rows, droppable=["Popularity", "Date"])
    lines = capsys.readouterr().out.splitlines()
    assert sorted(text for (text,) in measured) == sorted(
        [*headers, *(cell for row in rows for cell in row)])
    assert lines[0].split() == ["Performer", "Stage"]  # both dropped: then it fits 30
    assert lines[2] == "坂本龍一 Ensemble      Forest"  # wide characters padded as two columns
