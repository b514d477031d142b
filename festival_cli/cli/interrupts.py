"""Ctrl-C and SIGTERM during a command: stop cleanly, and say truthfully what was written.

While `interruptible()` is active, SIGINT and SIGTERM raise `Interrupted` (a KeyboardInterrupt:
a write in progress rolls back, `finally` blocks run, so a progress bar gives the cursor back)
unless a store is committing and its outcome is not reported yet (`core.interrupts` holds it):
then the signal is noted and the command acts on it once it has said what was committed.
Exit codes are the shell's for death by that signal: 130 for SIGINT, 143 for SIGTERM.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from festival_cli.core import interrupts
from festival_cli.core.interrupts import Interrupted

SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _handler(signum: int, frame: FrameType | None) -> None:
    if interrupts.holding():
        interrupts.note(signum)
        return
    raise Interrupted(signum)


@contextmanager
def interruptible() -> Iterator[None]:
    """SIGINT and SIGTERM raise `Interrupted` inside the block (handlers restored after)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set in the main thread
        return
    interrupts.release()  # nothing held over from an earlier command in this process
    previous = {signum: signal.signal(signum, _handler) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        interrupts.release()


def reported() -> None:
    """The outcome of a commit has been shown: act on an interrupt that arrived meanwhile."""
    signum = interrupts.release()
    if signum is not None:
        raise Interrupted(signum)
