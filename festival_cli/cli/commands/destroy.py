"""Delete the AWS stack with everything in it: the uploaded files, the tables and their data.

Asks first (--yes for scripts); not confirmed, nothing is deleted (exit 1). Waits until the
stack is gone, showing its events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from festival_cli.cli.console import message
from festival_cli.cli.options import PollOption, ProfileOption, RegionOption, StackOption
from festival_cli.cli.stack_events import live, require_stack

if TYPE_CHECKING:  # pragma: no cover
    from festival_cli.aws.deploy import StackSummary


def command(
    stack: StackOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask; delete at once.")]
    = False,
    region: RegionOption = None,
    profile: ProfileOption = None,
    poll_interval: PollOption = 5.0,
) -> None:
    from festival_cli.aws.deploy import destroy
    from festival_cli.aws.session import AwsSession

    name = require_stack(stack)
    with live(f"deleting stack {name}") as on_event:
        destroy(name, AwsSession(profile, region), confirm=None if yes else ask,
                on_event=on_event, notify=message, poll_interval=poll_interval)
    message(f"stack {name} deleted")


def ask(summary: StackSummary) -> bool:
    """The confirmation question, on stderr; no answer (end of input) is a no."""
    bucket = summary.outputs.get("BucketName")
    what = f"its bucket {bucket} with every uploaded file, " if bucket else ""
    question = (
        f"Delete stack {summary.stack} ({summary.status}) in {summary.region}, "
        f"{what}its tables and all their data? This cannot be undone."
    )
    try:
        return typer.confirm(question, default=False, err=True)
    except typer.Abort:  # end of input (or Ctrl-C) while asking
        return False
