"""Writing a site's files aside on two cores, then switching them in at once (`written_aside`).

The writing scheme is folder.py's (`write_into`): every changed file is written aside, and only
when all are written are they renamed over their targets, so the site changes in one burst and
a failure leaves it as it was (what was written aside removed).

What the second core buys: a local publish renders and writes two independent halves (the
c3voc schedules and the page; the lineup, the feed and the 241 calendars). `beside` makes the
second half in a forked child while this process makes the first: `festival publish DIR` of the
10,000-set benchmark lineup, 389 -> 315 ms and 483 -> 441 ms wall in two series (medians of 9,
alternated; the CPU time is the same, plus the fork's). On a 2-core VM the halves slow each
other (30-50 %), so the two ~85 ms halves take ~100-125 ms side by side, not 85.

Its rule: the child only reads, renders and writes files aside. It never uses the parent's
connection to the store (a fork inherits no file locks): it reads through one of its own, opened
after the fork (publish/site.py, `_ReadTwice`), or not at all. It reports the paths it wrote
through a pipe, closed as soon as the report is whole, and it leaves with `os._exit` (no atexit
handler, no buffer of the parent's flushed twice). It is reaped after the switch: its ending
(letting go of its copy of this process's memory) overlaps the renames, 10,000-set publish 266
-> 255 ms (medians of 15, alternated). Whatever fails, in either process, every file written
aside by either is removed and the failure is raised here: an OSError as the PublishError naming
the file, an interrupt as KeyboardInterrupt, a `Redo` as itself (the caller then does the work
another way). Only on Linux (a fork without exec is unsafe on macOS once system frameworks are
loaded, and Windows has none), and only when nothing else runs in this process (no other
thread): otherwise, and if the fork itself fails, both halves are made here in turn.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from festival_cli.core.errors import PublishError

# What writing files aside gives: every path of the files (in order), and (aside, target) of
# each file written aside (those whose bytes changed).
Aside = tuple[list[str], list[tuple[str, str]]]


class Redo(Exception):
    """Raised by either half: what both wrote aside is removed and the caller does the work
    again another way (publish/site.py: the store changed between the halves' reads)."""


@contextlib.contextmanager
def written_aside(directory: Path) -> Iterator[_Switch]:
    """The files written aside (`beside`) and then renamed over their targets (`switch`); an
    OSError becomes the PublishError naming the file; on any failure, what is still aside is
    removed."""
    switch = _Switch()
    try:
        yield switch
    except OSError as exc:
        where = exc.filename or directory
        raise PublishError(f"cannot write the site into {directory}: {where}: "
                           f"{exc.strerror or exc}") from None
    finally:
        switch.discard()
        switch.reap()


class _Switch:
    def __init__(self) -> None:
        self._aside: list[tuple[str, str]] = []
        self._children: list[int] = []  # reported, still to reap

    def beside(self, mine: Callable[[], Aside], theirs: Callable[[], Aside] | None) -> list[str]:
        """Run `mine` here and `theirs` in a forked child at the same time (see the module
        docstring); keep what both wrote aside; every path, mine first."""
        child = _fork(theirs) if theirs is not None else None
        try:
            wanted = self._keep(*mine())
        finally:  # the child's report is read whatever happened here; its files kept to remove
            reported = self._reported(*child) if child is not None else {}
            more = self._keep(reported.get("wanted", ()), reported.get("aside", ()))
        if child is None and theirs is not None:  # no fork: one after the other
            return wanted + self._keep(*theirs())
        _raise_reported(reported)
        return wanted + more

    def _reported(self, pid: int, read: int) -> dict[str, Any]:
        """The child's report. A child that reported is reaped later (`reap`): it ends while
        the files are switched in, instead of before (letting go of its copy of this process's
        memory takes it a few ms)."""
        reported, ended = _report(pid, read)
        if not ended:
            self._children.append(pid)
        return reported

    def reap(self) -> None:
        """Wait for the children that reported to end (they have, or do within ms)."""
        while self._children:
            with contextlib.suppress(ChildProcessError):  # reaped already (not by us)
                os.waitpid(self._children.pop(), 0)

    def _keep(self, wanted: Iterable[str], aside: Iterable[Iterable[str]]) -> list[str]:
        """Keep `aside`'s (aside, target) pairs to switch in (or remove); `wanted` as a list."""
        self._aside += [(temporary, target) for temporary, target in aside]
        return list(wanted)

    def switch(self) -> None:
        """Rename every file written aside over its target. (Should a rename fail, `discard`
        finds the renamed ones gone already.)"""
        for temporary, target in self._aside:
            os.replace(temporary, target)
        self._aside.clear()

    def discard(self) -> None:
        """Remove what is still aside (only after a failure)."""
        for temporary, _ in self._aside:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        self._aside.clear()


def _fork(work: Callable[[], Aside]) -> tuple[int, int] | None:
    """(the child's pid, the pipe to read its report from) with `work` running in it; None
    when this process may not fork (see the module docstring)."""
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return None
    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return None
    if pid:
        os.close(write)
        return pid, read
    os.close(read)  # the child, from here to os._exit
    code = 1
    try:
        try:
            wanted, aside = work()
            report: dict[str, Any] = {"wanted": wanted, "aside": aside}
            code = 0
        except OSError as exc:
            report = {"oserror": [exc.errno, exc.strerror, exc.filename]}
        except Redo:
            report = {"redo": True}
        except KeyboardInterrupt:
            report, code = {"interrupted": True}, 130
        except BaseException as exc:
            report = {"error": f"{type(exc).__name__}: {exc}"}
        data = json.dumps(report).encode()
        while data:
            data = data[os.write(write, data):]
        os.close(write)  # the report is whole: the parent reads on while this process ends
    finally:
        os._exit(code)


def _report(pid: int, read: int) -> tuple[dict[str, Any], bool]:
    """(the child's report, whether the child has been waited for): a child without a report
    is waited for here, for its exit status."""
    chunks = []
    try:
        while chunk := os.read(read, 1 << 16):
            chunks.append(chunk)
    finally:
        os.close(read)
    try:
        reported: dict[str, Any] = json.loads(b"".join(chunks))
    except ValueError:
        _, status = os.waitpid(pid, 0)
        return {"error": f"the second publishing process ended without a report "
                         f"(status {os.waitstatus_to_exitcode(status)})"}, True
    return reported, False


def _raise_reported(reported: dict[str, Any]) -> None:
    """Raise here what failed in the child, if anything did."""
    if "oserror" in reported:
        errno, strerror, filename = reported["oserror"]
        raise OSError(errno, strerror, filename)
    if reported.get("interrupted"):
        raise KeyboardInterrupt
    if reported.get("redo"):
        raise Redo
    if "error" in reported:
        raise RuntimeError(f"publishing in a second process failed: {reported['error']}")
