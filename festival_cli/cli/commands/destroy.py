"""Delete the AWS stack: its bucket with the uploaded files, queues, topic, function and alarms.

The data is kept: the two tables and the key that encrypts them (and their backups) outlive the
stack, and the command says which and where. `--delete-data` deletes them too (the key after a
30-day window). Asks first (--yes for scripts); not confirmed, nothing is deleted (exit 1).
Waits until the stack is gone, showing its events.
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
    delete_data: Annotated[bool, typer.Option(
        "--delete-data", help="Also delete the tables (the sets and ingestion records) and "
        "schedule the key's deletion (30 days). Without it they are kept.")] = False,
    region: RegionOption = None,
    profile: ProfileOption = None,
    poll_interval: PollOption = 5.0,
) -> None:
    from festival_cli.aws.deploy import destroy
    from festival_cli.aws.retained import describe_kept
    from festival_cli.aws.session import AwsSession

    name = require_stack(stack)
    with live(f"deleting stack {name}") as on_event:
        summary = destroy(name, AwsSession(profile, region), confirm=None if yes else ask,
                          delete_data=delete_data, on_event=on_event, notify=message,
                          poll_interval=poll_interval)
    for line in summary.done if delete_data else describe_kept(summary.kept, summary.region):
        message(line)
    if not delete_data and summary.kept:
        message("the data is kept: `festival destroy --delete-data` would delete it too")
    message(f"stack {name} deleted")


def ask(summary: StackSummary) -> bool:
    """The confirmation question, on stderr; no answer (end of input) is a no."""
    bucket = summary.outputs.get("BucketName")
    what = f"its bucket {bucket} with every uploaded file" if bucket else "its resources"
    if summary.delete_data:
        data = (", AND its tables with all their data (the key is deleted after 30 days)? "
                "This cannot be undone.")
    else:
        data = ("? Its tables and key are kept (festival destroy --delete-data deletes them "
                "too).")
    question = f"Delete stack {summary.stack} ({summary.status}) in {summary.region}, {what}{data}"
    try:
        return typer.confirm(question, default=False, err=True)
    except typer.Abort:  # end of input (or Ctrl-C) while asking
        return False
