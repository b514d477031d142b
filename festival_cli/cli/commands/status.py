"""Show recent ingestions (id, file, state, counts, times), or one ingestion in full.

  festival status            # the latest ingestions, newest first
  festival status ID         # one ingestion: its errors, warnings and changes

On a stack it also shows the queue, the dead-letter queue and email subscriptions still
awaiting confirmation.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from festival_cli.cli.console import answer
from festival_cli.cli.open_target import open_target
from festival_cli.cli.options import DbOption, StackOption


class StatusOutput(StrEnum):
    """A table (or a detail view) for people, JSON for scripts."""

    table = "table"
    json = "json"


def command(
    ingestion_id: Annotated[str | None, typer.Argument(
        metavar="[ID]", help="One ingestion to show in full.", show_default=False)] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1000,
                                       help="How many recent ingestions to list.")] = 10,
    output: Annotated[StatusOutput, typer.Option(
        "--output", "-o", help="table for people; json for scripts.",
        case_sensitive=False)] = StatusOutput.table,
    stack: StackOption = None,
    db: DbOption = None,
) -> None:
    with open_target(stack, db) as target:
        report = target.status(ingestion_id, limit=limit)

    from festival_cli.cli import render

    if output is StatusOutput.json:
        answer(render.status_json(report))
    elif ingestion_id is not None:
        render.status_detail(report)
    else:
        render.status_table(report)
