"""Show a festival day as a grid: stages across, time down, each set a block from start to end.

A festival day runs from --day-starts (06:00) to the same time next morning, so a 01:00 set shows
on the night it belongs to. The grid fits the terminal (or --width); plain text when piped.
"""

from __future__ import annotations

import shutil
import sys
from enum import StrEnum
from typing import Annotated

import typer

from festival_cli.cli.console import answer, message, out, plain
from festival_cli.cli.open_target import open_target
from festival_cli.cli.options import DbOption, StackOption
from festival_cli.core.text import normal_name
from festival_cli.core.timetable import DEFAULT_DAY_STARTS, DEFAULT_STEP, Timetable, load_timetable


class Across(StrEnum):
    """What runs across the grid."""

    stages = "stages"
    time = "time"


def command(
    date: Annotated[str, typer.Option("--date", metavar="YYYY-MM-DD",
                                      help="The festival day to show.", show_default=False)],
    stage: Annotated[list[str] | None, typer.Option(
        "--stage", metavar="STAGE",
        help="Show only this stage (repeat for several, in the order given).",
        show_default=False)] = None,
    across: Annotated[Across, typer.Option(
        "--across", help="stages: a column per stage; time: a row per stage, time across.",
        case_sensitive=False)] = Across.stages,
    step: Annotated[int, typer.Option("--step", help="Minutes per row of the grid (5-120).")]
    = DEFAULT_STEP,
    day_starts: Annotated[str, typer.Option(
        "--day-starts", metavar="HH:MM",
        help="When the festival day begins; earlier sets belong to the night before.")]
    = DEFAULT_DAY_STARTS,
    highlight: Annotated[list[str] | None, typer.Option(
        "--highlight", metavar="PERFORMER",
        help="Mark this performer's sets (repeat); clashes are listed below.",
        show_default=False)] = None,
    width: Annotated[int | None, typer.Option(
        "--width", min=20, metavar="COLUMNS",
        help="Width to fit (default: the terminal's, or $COLUMNS when piped).", show_default=False)]
    = None,
    stack: StackOption = None,
    db: DbOption = None,
) -> None:
    with open_target(stack, db) as target:
        # Names as they are stored (NFC, trimmed), as every query option takes them.
        timetable = load_timetable(target.store, date, day_starts=day_starts, step=step,
                                   stages=[normal_name(s) for s in stage or ()],
                                   highlight=[normal_name(h) for h in highlight or ()])
    _warn_unmatched(timetable)
    if timetable.empty:
        where = f" on {', '.join(stage)}" if stage else ""
        message(f"no performances on {date}{where}")
        return
    _show(timetable, width, across)


def _show(timetable: Timetable, width: int | None, across: Across) -> None:
    # Imported here: Rich (through rich.cells) only when a grid is really drawn.
    from festival_cli.cli.timetable_render import draw, to_plain, to_rich

    is_plain = plain(sys.stdout)
    if width is None:
        width = shutil.get_terminal_size().columns if is_plain else out().width
    lines = draw(timetable, width=width, across=across.value)
    if is_plain:
        answer(to_plain(lines))
    else:
        out().print(to_rich(lines), soft_wrap=True)


def _warn_unmatched(timetable: Timetable) -> None:
    if timetable.empty:
        return
    for name in timetable.stages_not_found:
        message(f"warning: --stage '{name}': no sets on festival day {timetable.date}")
    for name in timetable.highlights_not_found:
        message(f"warning: --highlight '{name}': no set on festival day {timetable.date}")
