"""The `festival` command: one module per command under festival_cli.cli.commands.

This module only assembles them and turns FestivalError into a message and an exit code, in
one place (`FestivalGroup.invoke`), so no command prints an error itself.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from festival_cli.core.errors import FestivalError

# (command name, module under festival_cli.cli.commands); the order is the order of --help.
COMMANDS = (
    ("validate", "validate"),
    ("upload", "upload"),
    ("diff", "diff"),
    ("status", "status"),
    ("query", "query"),
    ("timetable", "timetable"),
    ("export", "export"),
    ("deploy", "deploy"),
    ("destroy", "destroy"),
    ("cost", "cost"),
)


class FestivalGroup(TyperGroup):
    """Lists commands in a fixed order and reports every FestivalError the same way."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [name for name, _ in COMMANDS if name in self.commands]

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except FestivalError as exc:
            from festival_cli.cli.errors import report_error

            raise typer.Exit(report_error(exc)) from None


app = typer.Typer(
    name="festival",
    cls=FestivalGroup,
    help="Publish and query music-festival lineups: locally, or through a deployed AWS stack.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,  # never dump locals (they may hold credentials)
    context_settings={"help_option_names": ["-h", "--help"]},
)

for _name, _module in COMMANDS:
    try:
        _mod = importlib.import_module(f"festival_cli.cli.commands.{_module}")
    except ModuleNotFoundError as _exc:  # a command still being written
        if _exc.name != f"festival_cli.cli.commands.{_module}":
            raise
        continue
    app.command(_name, help=_mod.__doc__)(_mod.command)


def main() -> None:
    """Console-script entry point."""
    sys.exit(app())  # pragma: no cover - exercised through subprocess tests
