"""Options shared by several commands, defined once."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

STORE_PANEL = "Where"

StackOption = Annotated[
    str | None,
    typer.Option(
        "--stack",
        envvar="FESTIVAL_STACK",
        help="Deployed CloudFormation stack to act on (its outputs name the resources).",
        rich_help_panel=STORE_PANEL,
        show_default=False,
    ),
]
DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        envvar="FESTIVAL_DB",
        help="Local store (SQLite file) used when no stack is given. "
        "[default: festival.db in your data directory]",
        rich_help_panel=STORE_PANEL,
        show_default=False,
        dir_okay=False,
    ),
]


class TableOutput(StrEnum):
    """Output of listings: a table for people, JSON or CSV for scripts."""

    table = "table"
    json = "json"
    csv = "csv"


OutputOption = Annotated[
    TableOutput,
    typer.Option("--output", "-o", help="table for people; json or csv for scripts.",
                 case_sensitive=False),
]
StrictOption = Annotated[
    bool, typer.Option("--strict", help="Treat warnings (overlaps, very long sets) as errors.")
]
MergeOption = Annotated[
    bool,
    typer.Option(
        "--merge",
        help="Add and update sets only; never delete the stored sets the file no longer lists.",
    ),
]

# The AWS commands (deploy, destroy).
AWS_PANEL = "AWS"
RegionOption = Annotated[
    str | None,
    typer.Option("--region", help="AWS region. [default: your AWS configuration's]",
                 show_default=False, rich_help_panel=AWS_PANEL),
]
ProfileOption = Annotated[
    str | None,
    typer.Option("--profile", help="AWS profile. [default: your AWS configuration's]",
                 show_default=False, rich_help_panel=AWS_PANEL),
]
PollOption = Annotated[
    float, typer.Option("--poll-interval", min=0.0, hidden=True,
                        help="Seconds between looks at the stack.")
]
