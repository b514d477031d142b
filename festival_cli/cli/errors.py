"""Turning a FestivalError into what a person sees: a message on stderr and an exit code."""

from __future__ import annotations

from festival_cli.cli.console import message
from festival_cli.core.errors import FestivalError, LineupError, OptionError

# The core names the fields an option sets (`min_popularity`); a person typed the option
# (`--min-popularity`). Every option is its field with dashes, except these.
_FLAGS = {"start": "--from", "end": "--to"}


def flag(field: str) -> str:
    """How the command line spells the option that sets `field`."""
    return _FLAGS.get(field, "--" + field.replace("_", "-"))


def report_error(exc: FestivalError) -> int:
    """Print `exc` for a person and return its exit code."""
    text = exc.spelled(flag) if isinstance(exc, OptionError) else str(exc)
    message(f"error: {text}")
    if isinstance(exc, LineupError):
        from collections import Counter

        from festival_cli.core.checks import rest_text
        from festival_cli.core.problems import SHOWN

        shown = exc.problems[:SHOWN]
        for problem in shown:
            message(f"  {problem.describe(exc.source)}")
        rest = rest_text(Counter(p.rule for p in exc.problems), shown)
        if rest:
            message(f"  {rest}")
    return exc.exit_code
