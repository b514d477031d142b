"""Choosing what a command acts on: a deployed stack, or the embedded local store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from festival_cli.core.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from festival_cli.core.target import Target


def open_target(stack: str | None, db: Path | None) -> Target:
    """The stack named by --stack / FESTIVAL_STACK, else the local store (--db / FESTIVAL_DB)."""
    if stack is not None and db is not None:
        raise UsageError("give either --stack or --db, not both")
    if stack:
        from festival_cli.aws.stack import StackTarget  # boto3 only when a stack is asked for

        return StackTarget.from_stack_name(stack)
    from festival_cli.local import LocalTarget

    return LocalTarget.open(db)
