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

from festival_cli.cli.console import plain
from festival_cli.core.errors import FestivalError

# name -> one-line summary for the top-level --help. Each command's module is imported only
# when that command runs (or shows its own help): start-up stays light for scripts, and a test
# checks that these lines equal the first line of each module's docstring, so they cannot drift.
COMMANDS: dict[str, str] = {
    "validate": "Check lineup files without writing anything: every error and warning, at its line.",
    "upload": "Ingest lineup files: validate each whole, then write only what changed for its dates.",
    "diff": "Show what uploading FILE would change, without writing anything (like `git diff`).",
    "status": "Show recent ingestions (id, file, state, counts, times), or one ingestion in full.",
    "query": "Find sets: by performer, by stage in a time range, by date, playing at a time, or popular.",
    "timetable": "Show a festival day as a grid: stages across, time down, each set a block from start to end.",
    "export": "Export the selected sets as a lineup file (JSON, re-importable as it is), CSV or iCalendar.",
    "publish": "Publish the lineup as a static site: the page, c3voc schedules, calendars, a changes feed.",
    "deploy": "Create or update the AWS stack: package the function, apply a change set, print the outputs.",
    "retry": "Ingest again an upload that ended in the dead-letter queue (stack only), and follow it.",
    "destroy": "Delete the AWS stack: its bucket with the uploaded files, queues, topic, function and alarms.",
    "cost": "Estimate the monthly AWS bill of the stack for a given volume, by service, and its limits.",
}


# Rich help on a terminal; plain click help when piped or with NO_COLOR (65 ms less to start).
MARKUP_MODE: Any = None if plain(sys.stdout) else "rich"


def load_command(name: str) -> Any:
    """Import `festival_cli.cli.commands.<name>` and build its click command."""
    module = importlib.import_module(f"festival_cli.cli.commands.{name}")
    single = typer.Typer(
        add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=MARKUP_MODE
    )
    single.command(name, help=module.__doc__)(module.command)
    return typer.main.get_command(single)


class FestivalGroup(TyperGroup):
    """Loads each command on first use, lists them in a fixed order, and reports every
    FestivalError the same way (a message on stderr and its exit code)."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        if cmd_name not in self.commands:
            if ctx is not None and _listing_help(ctx):
                # The group's own --help needs only the summary line.
                return typer.core.TyperCommand(cmd_name, help=COMMANDS[cmd_name])
            self.commands[cmd_name] = load_command(cmd_name)
        return self.commands[cmd_name]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        ctx._festival_listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            ctx._festival_listing = False

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except FestivalError as exc:
            from festival_cli.cli.errors import report_error

            raise typer.Exit(report_error(exc)) from None


def _listing_help(ctx: Any) -> bool:
    """True while the group formats its own help (no subcommand is being resolved)."""
    return bool(getattr(ctx, "_festival_listing", False))


app = typer.Typer(
    name="festival",
    cls=FestivalGroup,
    help="Publish and query music-festival lineups: locally, or through a deployed AWS stack.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,  # never dump locals (they may hold credentials)
    rich_markup_mode=MARKUP_MODE,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def version() -> str:
    """This festival's version, from the installed package's metadata."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("festival")
    except PackageNotFoundError:  # run from sources that were never installed
        return "unknown (not installed)"


def _show_version(value: bool) -> None:
    if value:
        print(f"festival {version()}")
        raise typer.Exit()


@app.callback()
def _festival(
    _version: bool = typer.Option(
        False, "--version", "-V", is_eager=True, callback=_show_version,
        help="Print festival's version and exit."),
) -> None:
    """Publish and query music-festival lineups: locally, or through a deployed AWS stack."""


def main() -> None:
    """Console-script entry point."""
    from festival_cli.cli.console import prepare_streams
    from festival_cli.cli.leaving import leave

    prepare_streams()
    try:
        app()  # pragma: no cover - exercised through subprocess tests
        code: object = 0
    except SystemExit as done:  # how every command ends, typer's way
        code = done.code
    leave(code)  # cli/leaving.py: at once
