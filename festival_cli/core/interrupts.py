"""Interrupts (Ctrl-C, SIGTERM) never land between a commit and the report of it.

An interrupt may stop an upload anywhere before its commit: the transaction rolls back and
nothing was written. Once a store starts to commit, what it wrote must be reported as written,
so a store calls `hold()` just before its commit: from then on an interrupt is only noted, and
whoever reports the outcome (the `upload` command) calls `release()` afterwards and acts on the
interrupt noted meanwhile, truthfully ("FILE was ingested; nothing after it was written").

The CLI's signal handler asks `holding()`, and `note()`s the signal instead of raising while
it is true. Without that handler (library use, the Lambda function) nothing here has an effect.

`pause(moment)` is a test hook: with `FESTIVAL_PAUSE_AT=moment:MARKER` in the environment, the
process creates the file MARKER on reaching that moment and waits there for a signal, so a test
can interrupt an upload at a known moment instead of sleeping and hoping.
"""

from __future__ import annotations

import os
import time

PAUSE_VARIABLE = "FESTIVAL_PAUSE_AT"


class Interrupted(KeyboardInterrupt):
    """A SIGINT or SIGTERM turned into an exception: transactions roll back as for Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """The shell's code for death by this signal: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + self.signum


class _State:
    holding = False
    noted: int | None = None


def hold() -> None:
    """From now on an interrupt is noted, not raised (a store is about to commit)."""
    _State.holding = True


def holding() -> bool:
    return _State.holding


def note(signum: int) -> None:
    """Remember an interrupt that arrived while holding (the first one counts)."""
    if _State.noted is None:
        _State.noted = signum


def release() -> int | None:
    """Stop holding; the signal noted meanwhile (and forget it), or None."""
    signum = _State.noted
    _State.holding = False
    _State.noted = None
    return signum


def pause(moment: str) -> None:
    """Test hook: wait at `moment` for a signal when FESTIVAL_PAUSE_AT names it (see above)."""
    wanted = os.environ.get(PAUSE_VARIABLE)
    if not wanted or wanted.partition(":")[0] != moment:
        return
    marker = wanted.partition(":")[2]
    if marker:
        with open(marker, "w"):
            pass
    # A signal raises out of the sleep; one only noted (while holding) ends the wait.
    while _State.noted is None:
        time.sleep(0.01)
