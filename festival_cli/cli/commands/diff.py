"""Show what uploading FILE would change, without writing anything (like `git diff`).

The changes are grouped by date: added, moved (same performer, date and stage at another
time), changed (stage, end or popularity) and removed, each old → new. Exit 0 when nothing
would change, 3 when something would, 1 when the file is invalid.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from festival_cli.cli.console import answer
from festival_cli.cli.open_target import open_target
from festival_cli.cli.options import DbOption, MergeOption, StackOption, StrictOption

EXIT_CHANGES = 3


class DiffOutput(StrEnum):
    """A readable list for people, JSON for scripts."""

    text = "text"
    json = "json"


def command(
    file: Annotated[Path, typer.Argument(
        metavar="FILE", help="The lineup file (format 1); - reads standard input.",
        show_default=False)],
    merge: MergeOption = False,
    strict: StrictOption = False,
    output: Annotated[DiffOutput, typer.Option(
        "--output", "-o", help="text for people; json for scripts.",
        case_sensitive=False)] = DiffOutput.text,
    stack: StackOption = None,
    db: DbOption = None,
) -> None:
    from festival_cli.cli.files import read_input
    from festival_cli.core.lineup import check_lineup
    from festival_cli.core.problems import SHOWN

    source, data = read_input(file)
    report = check_lineup(data, source, strict=strict, shown=SHOWN)
    lineup = report.accepted()  # LineupError (exit 1) with every problem

    from festival_cli.cli import render

    render.warnings(report.warnings, source, report.warning_rules)
    with open_target(stack, db) as target:
        plan = target.store.plan(lineup, merge=merge)

    if output is DiffOutput.json:
        answer(render.plan_json(plan, source))
    else:
        changes = plan.changes()
        lines = render.plan_lines(plan, changes=changes)
        answer("\n".join([*lines, f"{source}: {render.plan_summary(plan, changes)}"]))
    if plan.changed:
        raise typer.Exit(EXIT_CHANGES)
