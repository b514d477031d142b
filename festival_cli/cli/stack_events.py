"""What deploy and destroy share: the stack they need named, and its events as they happen."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from festival_cli.cli.console import err, message, plain
from festival_cli.core.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from festival_cli.aws.changesets import StackEvent


def require_stack(stack: str | None) -> str:
    if not stack:
        raise UsageError("name the stack: --stack NAME (or set FESTIVAL_STACK)")
    return stack


def event_line(event: StackEvent) -> str:
    """`12:04:31  CREATE_FAILED  UploadBucket (AWS::S3::Bucket)  reason`."""
    when = event.timestamp.strftime("%H:%M:%S")
    what = event.logical_id
    if event.resource_type:
        what += f" ({event.resource_type})"
    line = f"{when}  {event.status:<20}  {what}"
    return f"{line}  {event.reason}" if event.reason else line


@contextmanager
def live(title: str) -> Iterator[Callable[[StackEvent], None]]:
    """An event printer: plain lines when piped; on a terminal, the events scroll above a
    spinner that starts with the first event (so a question asked before it stays readable)."""
    if plain(sys.stderr):
        yield lambda event: message(event_line(event))
        return
    console = err()
    status = console.status(title)
    started = False

    def show(event: StackEvent) -> None:
        nonlocal started
        if not started:
            status.start()
            started = True
        console.print(event_line(event), style="red" if event.failed else None, markup=False)

    try:
        yield show
    finally:
        if started:
            status.stop()
