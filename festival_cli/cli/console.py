"""Where output goes: answers to stdout, everything else to stderr; colour only on a terminal.

Rich is imported only when a person is looking (a terminal) or a table is asked for, so that a
script's `--output json` path stays light.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console


def plain(stream: IO[str]) -> bool:
    """True when `stream` wants plain text: not a terminal, or NO_COLOR / TERM=dumb set."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return True
    return not (hasattr(stream, "isatty") and stream.isatty())


@cache
def _console(to_stderr: bool) -> Console:
    from rich.console import Console

    stream = sys.stderr if to_stderr else sys.stdout
    is_plain = plain(stream)
    return Console(
        file=stream,
        stderr=to_stderr,
        no_color=is_plain,
        highlight=False,
        force_terminal=None if not is_plain else False,
        soft_wrap=is_plain,
        width=None if not is_plain else 10_000,
    )


def out() -> Console:
    """The console of answers (stdout)."""
    return _console(False)


def err() -> Console:
    """The console of messages, warnings and progress (stderr)."""
    return _console(True)


def reset() -> None:
    """Forget the consoles (tests swap sys.stdout/sys.stderr between invocations)."""
    _console.cache_clear()


def message(text: str) -> None:
    """A one-line message to stderr, without Rich when nothing needs it."""
    print(text, file=sys.stderr)


def answer(text: str) -> None:
    """A document (JSON, CSV, ICS) to stdout, exactly as given."""
    sys.stdout.write(text)
    if text and not text.endswith("\n"):
        sys.stdout.write("\n")
    sys.stdout.flush()
