"""The command frame: lazy commands whose summaries cannot drift, and light start-up."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from festival_cli.cli.app import COMMANDS, app


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
        "import sys\nfrom festival_cli.cli.app import main\nsys.argv=['festival',*sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
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
