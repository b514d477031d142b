"""Create or update the AWS stack: package the function, apply a change set, print the outputs.

Safe to re-run: an unchanged package is not uploaded again, and when nothing changed the stack is
left alone ("stack NAME is up to date", exit 0). A failed deploy lists each failing resource's
reason and exits 1. Uses your AWS configuration (--profile, --region, AWS_ENDPOINT_URL).
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from festival_cli.cli.console import answer, message, out, plain
from festival_cli.cli.options import (
    OutputOption,
    PollOption,
    ProfileOption,
    RegionOption,
    StackOption,
    TableOutput,
)
from festival_cli.cli.stack_events import live, require_stack


def command(
    stack: StackOption = None,
    email: Annotated[str | None, typer.Option(
        "--email", metavar="ADDRESS",
        help="Where ingestion results and alarms are emailed (needed on the first deploy; "
        "later deploys keep the address unless given).", show_default=False)] = None,
    region: RegionOption = None,
    profile: ProfileOption = None,
    output: OutputOption = TableOutput.table,
    poll_interval: PollOption = 5.0,
) -> None:
    from festival_cli.aws.deploy import deploy
    from festival_cli.aws.session import AwsSession

    name = require_stack(stack)
    with live(f"deploying stack {name}") as on_event:
        result = deploy(name, email, AwsSession(profile, region), on_event=on_event,
                        notify=message, poll_interval=poll_interval)
    if result.action != "unchanged":
        message(f"stack {name} {result.action} in {result.region}")
        if email:
            message(f"AWS emails {email} a link to confirm the subscription: "
                    "notifications start once it is clicked")
    show_outputs(result.outputs, output)


def show_outputs(outputs: dict[str, str], output: TableOutput) -> None:
    """The stack's outputs on stdout: a table for people, JSON or CSV for scripts."""
    if output is TableOutput.json:
        answer(json.dumps(outputs, indent=2, sort_keys=True))
    elif output is TableOutput.csv:
        from festival_cli.cli.render import csv_text

        answer(csv_text(["output", "value"], sorted(outputs.items())))
    elif plain(sys.stdout):
        width = max((len(key) for key in outputs), default=0)
        answer("\n".join(f"{key:<{width}}  {value}" for key, value in sorted(outputs.items())))
    else:
        from rich.table import Table

        table = Table(box=None, header_style="bold")
        table.add_column("output", no_wrap=True)
        table.add_column("value", overflow="fold")  # never cut: people copy these values
        for key, value in sorted(outputs.items()):
            table.add_row(key, value)
        out().print(table)
