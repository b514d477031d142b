"""Choosing what a command acts on: a deployed stack, or the embedded local store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from festival_cli.core.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from festival_cli.targets.base import Target


@contextmanager
def open_target(stack: str | None, db: Path | None, *, write: bool = False,
                ) -> Iterator[Target]:
    """The stack named by --stack / FESTIVAL_STACK, else the local store (--db / FESTIVAL_DB),
    closed when the block ends. Only a `write`r creates a local store; a reader of a missing
    one gets `no local store at PATH`."""
    if stack is not None and db is not None:
        raise UsageError("give either --stack or --db, not both")
    if stack:
        from festival_cli.targets.stack import StackTarget  # boto3 only when a stack is asked for

        target: Target = StackTarget.from_stack_name(stack)
    else:
        from festival_cli.targets.local import LocalTarget

        target = LocalTarget.open(db, write=write)
    try:
        yield target
    finally:
        target.close()
