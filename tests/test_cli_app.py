"""The command frame: lazy commands whose summaries cannot drift, and light start-up."""

from __future__ import annotations

import importlib
import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from festival_cli.cli.app import COMMANDS, app
from festival_cli.cli.leaving import leave
from tests.factories import big_lineup


@pytest.mark.parametrize("name", list(COMMANDS))
def test_summary_is_the_first_line_of_the_command_docstring(name: str) -> None:
    module = importlib.import_module(f"festival_cli.cli.commands.{name}")
    assert module.__doc__ is not None
    assert " ".join(module.__doc__.strip().split("\n\n")[0].split()) == COMMANDS[name]


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_its_own_help(name: str) -> None:
    result = CliRunner().invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert f"festival {name}" in result.output


def test_group_help_lists_every_command_in_order() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.splitlines()
              if line.startswith("  ") and line.split() and line.split()[0] in COMMANDS]
    assert listed == list(COMMANDS)


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["nope"])
    assert result.exit_code == 2
    assert "No such command 'nope'" in result.output


def _modules_loaded_by(*args: str) -> set[str]:
    code = (
        "import sys\nimport festival_cli.cli.app as a, festival_cli.cli.leaving as l\n"
        "sys.argv=['festival',*sys.argv[1:]]\n"
        "l.leave = lambda code: None  # stay, to list the modules\na.main()\n"
        "print('\\n'.join(sys.modules), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return set(done.stderr.split())


def test_group_help_imports_no_command_module_nor_boto3_nor_rich_when_piped() -> None:
    loaded = _modules_loaded_by("--help")
    assert not {m for m in loaded if m.startswith("festival_cli.cli.commands.")}
    assert "boto3" not in loaded
    assert "rich" not in loaded


def test_a_command_loads_only_its_own_module() -> None:
    loaded = _modules_loaded_by("validate", "--help")
    commands = {m for m in loaded if m.startswith("festival_cli.cli.commands.")}
    assert commands == {"festival_cli.cli.commands.validate"}
    assert "boto3" not in loaded


def test_a_first_upload_of_a_file_without_a_zone_imports_no_zoneinfo_csv_or_tempfile(
        tmp_path: Path) -> None:
    lineup = tmp_path / "lineup.json"
    lineup.write_text(json.dumps([p.to_record() for p in big_lineup(3)]))
    loaded = _modules_loaded_by("upload", "--db", str(tmp_path / "f.db"), str(lineup))
    assert not loaded & {"zoneinfo", "csv", "tempfile"}


# Modules a command that only reads the store has no use for: writing, uploading, logging.
NOT_FOR_READING = {"festival_cli.core.plan", "festival_cli.stores.sqlite_puts",
                   "festival_cli.targets.base", "festival_cli.core.problems", "logging"}


def test_a_query_imports_nothing_of_writing_uploading_nor_logging(tmp_path: Path) -> None:
    lineup = tmp_path / "lineup.json"
    lineup.write_text(json.dumps([p.to_record() for p in big_lineup(3)]))
    db = str(tmp_path / "f.db")
    _modules_loaded_by("upload", "--db", db, str(lineup))
    loaded = _modules_loaded_by("query", "--db", db, "--date", "2026-07-10", "--output", "json")
    assert "festival_cli.stores.sqlite" in loaded and not loaded & NOT_FOR_READING


def test_a_publish_imports_nothing_of_writing_uploading_nor_logging(tmp_path: Path) -> None:
    lineup = tmp_path / "lineup.json"
    lineup.write_text(json.dumps({"timezone": "Europe/London",
                                  "performances": [p.to_record() for p in big_lineup(3)]}))
    db = str(tmp_path / "f.db")
    _modules_loaded_by("upload", "--db", db, str(lineup))
    loaded = _modules_loaded_by("publish", str(tmp_path / "site"), "--db", db)
    assert "festival_cli.publish.site" in loaded and not loaded & NOT_FOR_READING


# -- the console script (cli/entry.py) --------------------------------------------------------


def test_the_console_script_is_the_entry_module() -> None:
    import tomllib

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["festival"] == "festival_cli.cli.entry:main"


def test_the_entry_freezes_what_the_imports_made_and_leaves_the_collector_on() -> None:
    code = ("import gc\nimport festival_cli.cli.entry\n"
            "print(gc.isenabled(), gc.get_freeze_count())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    enabled, frozen = done.stdout.split()
    assert enabled == "True"
    assert int(frozen) > 10_000  # the CLI's modules: out of every collection


# -- leaving at once (cli/leaving.py) ---------------------------------------------------------


class Left(Exception):
    """What os._exit raises here: the process would have ended with `code`."""

    def __init__(self, code: int) -> None:
        self.code = code


class Recording(io.StringIO):
    flushed = False

    def flush(self) -> None:
        self.flushed = True


def fake_exit(code: int) -> None:
    raise Left(code)


@pytest.mark.parametrize(("code", "ends", "says"), [
    (0, 0, ""), (None, 0, ""), (3, 3, ""), ("a message", 1, "a message\n")])
def test_leave_flushes_and_ends_the_process_at_once_with_sys_exit_s_code(
        monkeypatch: pytest.MonkeyPatch, code: object, ends: int, says: str) -> None:
    out, err = Recording(), Recording()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(os, "_exit", fake_exit)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    with pytest.raises(Left) as left:
        leave(code)
    assert left.value.code == ends and out.flushed and err.flushed
    assert err.getvalue() == says


def test_leave_with_another_thread_alive_exits_the_usual_way(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "_exit", fake_exit)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        with pytest.raises(SystemExit) as done:
            leave(2)
    finally:
        release.set()
        other.join()
    assert done.value.code == 2


def test_leave_with_a_stream_that_cannot_be_flushed_exits_the_usual_way(
        monkeypatch: pytest.MonkeyPatch) -> None:
    class Full(io.StringIO):
        def flush(self) -> None:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(sys, "stdout", Full())
    monkeypatch.setattr(os, "_exit", fake_exit)
    with pytest.raises(SystemExit) as done:
        leave(0)
    assert done.value.code == 0


def test_a_command_s_whole_output_reaches_a_pipe_before_it_leaves(tmp_path: Path) -> None:
    lineup = tmp_path / "lineup.json"
    lineup.write_text(json.dumps([p.to_record() for p in big_lineup(3_000)]))
    db = str(tmp_path / "f.db")
    festival = [sys.executable, "-m", "festival_cli"]
    subprocess.run([*festival, "upload", "--db", db, str(lineup)], check=True,
                   capture_output=True)
    done = subprocess.run([*festival, "export", "--db", db, "--output", "json"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["performances"]) == 3_000  # every byte of ~400 KB
