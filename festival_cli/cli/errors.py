"""Turning a FestivalError into what a person sees: a message on stderr and an exit code."""

from __future__ import annotations

import sys

from festival_cli.core.errors import FestivalError, LineupError

SHOWN_PROBLEMS = 20  # a long list is capped, with a count of the rest


def report_error(exc: FestivalError) -> int:
    """Print `exc` for a person and return its exit code."""
    print(f"error: {exc}", file=sys.stderr)
    if isinstance(exc, LineupError):
        for problem in exc.problems[:SHOWN_PROBLEMS]:
            print(f"  {problem.describe(exc.source)}", file=sys.stderr)
        rest = len(exc.problems) - SHOWN_PROBLEMS
        if rest > 0:
            print(f"  … and {rest} more problem{'s' if rest != 1 else ''}", file=sys.stderr)
    return exc.exit_code
