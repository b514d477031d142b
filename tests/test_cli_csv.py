"""`--output csv` is for spreadsheets: no cell can run as a formula (OWASP's CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from festival_cli.cli.render import csv_text
from tests.factories import document, record

Run = Callable[..., Result]
HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1+2", "-M-", "@SUM(A1)"]


@pytest.mark.parametrize("command", [("query", "--date", "2026-07-10"), ("export",)])
def test_no_exported_cell_starts_a_formula(cli: Run, tmp_path: Path,
                                           command: tuple[str, ...]) -> None:
    path = tmp_path / "hostile.json"
    path.write_bytes(document(*(record(performer=name, stage=name, start=f"1{i}:00",
                                       end=f"1{i}:30") for i, name in enumerate(HOSTILE))))
    db = tmp_path / "f.db"
    assert cli("upload", "--db", db, path).exit_code == 0

    result = cli(*command, "--db", db, "--output", "csv")

    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted(r["performer"] for r in rows) == sorted("'" + name for name in HOSTILE)
    assert all(r["stage"].startswith("'") for r in rows)
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_defused(start: str) -> None:
    text = csv_text(["a", "b"], [[f"{start}x", 42]])
    [row] = list(csv.reader(io.StringIO(text, newline="")))[1:]
    assert row == [f"'{start}x", "42"]


def test_ordinary_cells_and_numbers_are_unchanged() -> None:
    text = csv_text(["performer", "popularity"], [["Aurora Fields", 87], ["Brass Tide", ""]])
    assert text == "performer,popularity\nAurora Fields,87\nBrass Tide,\n"


def test_a_cell_holding_a_line_break_is_quoted_whole() -> None:
    text = csv_text(["a", "b"], [["one\rtwo", "three\nfour"]])
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["a", "b"], ["one\rtwo", "three\nfour"]]
