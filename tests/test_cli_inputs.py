"""Standard input and unreadable files, one way in `validate`, `upload` and `diff`."""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from festival_cli.cli.app import app
from festival_cli.stores.sqlite import SqliteStore
from tests.factories import document, record

Run = Callable[..., Result]
COMMANDS = ("validate", "upload", "diff")
GOOD = document(record(), record(performer="Brass Tide", start="20:00", end="21:00"))
BAD = document(record(start="25:00"))


def run(command: str, db: Path, *args: str, stdin: bytes | None = None) -> Result:
    store = [] if command == "validate" else ["--db", str(db)]
    if command == "diff" and not db.exists():
        SqliteStore(db).close()  # diff reads a store: an empty one
    return CliRunner().invoke(app, [command, *store, *args], input=stdin)


@pytest.mark.parametrize("command", COMMANDS)
def test_dash_reads_standard_input_named_stdin(command: str, tmp_path: Path) -> None:
    result = run(command, tmp_path / "f.db", "-", stdin=GOOD)

    assert result.exit_code in (0, 3), result.output  # diff: 3, there are changes
    assert "<stdin>" in result.stdout
    assert "-:" not in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_problems_in_standard_input_are_placed_in_stdin(command: str, tmp_path: Path) -> None:
    result = run(command, tmp_path / "f.db", "-", stdin=BAD)

    assert result.exit_code == 1
    assert "<stdin>:9:13: " in result.stderr and "'25:00' is not a time" in result.stderr


def test_an_upload_from_standard_input_is_stored(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    assert run("upload", db, "-", stdin=GOOD).exit_code == 0
    exported = CliRunner().invoke(app, ["export", "--db", str(db)])
    assert len(json.loads(exported.stdout)["performances"]) == 2


@pytest.mark.parametrize("command", ["validate", "upload"])  # diff takes one file
def test_standard_input_can_be_named_only_once(command: str, tmp_path: Path) -> None:
    result = run(command, tmp_path / "f.db", "-", "-", stdin=GOOD)

    assert result.exit_code == 2
    assert "standard input" in result.stderr


def _unreadable(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """`path` exists but reading it is refused (as without read permission; tests run as root)."""
    path.write_bytes(GOOD)
    real = builtins.open

    def refusing_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", refusing_open)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("kind", "reason"), [("missing", "no such file"),
                                              ("unreadable", "permission denied"),
                                              ("directory", "is a directory, not a lineup file")])
def test_a_file_that_cannot_be_read_is_one_kind_of_error(
        command: str, kind: str, reason: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "lineup.json"
    if kind == "unreadable":
        _unreadable(monkeypatch, path)
    elif kind == "directory":
        path.mkdir()

    result = run(command, tmp_path / "f.db", str(path))

    assert result.exit_code == 1
    assert f"error: {path}: {reason}\n" in result.stderr
    assert "Traceback" not in result.output
