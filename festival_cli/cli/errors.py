"""Turning a FestivalError into what a person sees: a message on stderr and an exit code."""

from __future__ import annotations

import sys

from festival_cli.core.errors import FestivalError, LineupError


def report_error(exc: FestivalError) -> int:
    """Print `exc` for a person and return its exit code."""
    print(f"error: {exc}", file=sys.stderr)
    if isinstance(exc, LineupError):
        from collections import Counter

        from festival_cli.core.checks import rest_text
        from festival_cli.core.problems import SHOWN

        shown = exc.problems[:SHOWN]
        for problem in shown:
            print(f"  {problem.describe(exc.source)}", file=sys.stderr)
        rest = rest_text(Counter(p.rule for p in exc.problems), shown)
        if rest:
            print(f"  {rest}", file=sys.stderr)
    return exc.exit_code
