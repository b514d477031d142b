"""Where output goes: answers to stdout, everything else to stderr; colour only on a terminal.

Rich is imported only when a person is looking (a terminal) or a table is asked for, so that a
script's `--output json` path stays light.

`prepare_streams` (run once by the `festival` entry point) makes both streams safe to write to
whatever they are: a reader that stops reading (`festival … | head -1`) costs the command its
remaining output, never its work or its exit code; a stream that is not UTF-8
(`PYTHONIOENCODING=ascii`) gets what it cannot show replaced, and JSON is written with ASCII
escapes there, so it stays the same document.
"""

from __future__ import annotations

import json
import os
import sys
from functools import cache
from typing import IO, TYPE_CHECKING, Any

from festival_cli.core.text import json_safe, terminal_safe

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console


def plain(stream: IO[str]) -> bool:
    """True when `stream` wants plain text: not a terminal, or NO_COLOR / TERM=dumb set."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return True
    return not _terminal(stream)


def _terminal(stream: IO[str]) -> bool:
    return hasattr(stream, "isatty") and stream.isatty()


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
    """A one-line message to stderr, without Rich when nothing needs it; a control character
    in it (from a file name, say) is spelled out, never sent to the terminal."""
    print(terminal_safe(text), file=sys.stderr)


def answer(text: str, *, exact: bool = False) -> None:
    """Text for people, or a document (JSON, CSV, ICS), to stdout.

    Control characters other than newline and tab are spelled out (`\\x1b`), so stored text
    never drives the terminal. An `exact` document (CSV, ICS) keeps them when stdout is not a
    terminal (a pipe, a file): they are its data. JSON needs neither: `to_json` escapes them.
    """
    if not exact or _terminal(sys.stdout):
        text = terminal_safe(text)
    sys.stdout.write(text)
    if text and not text.endswith("\n"):
        sys.stdout.write("\n")
    sys.stdout.flush()


# -- streams that cannot break the command ------------------------------------------------------


class PipeSafe:
    """A text stream whose reader may go away: once a write finds the pipe closed (EPIPE), the
    stream's descriptor is pointed at /dev/null, and this and every later write is dropped
    quietly (so is the interpreter's last flush). Everything else is the wrapped stream's."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self.closed_by_reader = False

    def write(self, text: str) -> int:
        if not self.closed_by_reader:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._reader_left()
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if not self.closed_by_reader:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._reader_left()

    def _reader_left(self) -> None:
        self.closed_by_reader = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):  # no descriptor (a test's stream): nothing to redirect
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def prepare_streams() -> None:
    """Make stdout and stderr survive a closed pipe and an encoding that is not UTF-8."""
    for name, errors in (("stdout", "replace"), ("stderr", "backslashreplace")):
        stream = getattr(sys, name)
        if stream is None or isinstance(stream, PipeSafe):
            continue
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors=errors)
        setattr(sys, name, PipeSafe(stream))
    reset()


def utf8(stream: IO[str]) -> bool:
    """Can `stream` show any text (its encoding is UTF-8)?"""
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("_", "-")
    return encoding in {"utf-8", "utf8"}


def to_json(data: object, *, ascii_only: bool | None = None) -> str:
    """`data` as an indented JSON document for stdout: with ASCII escapes when stdout is not
    UTF-8 (`ascii_only` decides for a file), so no character is ever replaced inside it."""
    if ascii_only is None:
        ascii_only = not utf8(sys.stdout)
    # Control characters as \\u escapes (json.dumps leaves DEL, C1 and bidi controls raw).
    return json_safe(json.dumps(data, ensure_ascii=ascii_only, indent=2)) + "\n"
