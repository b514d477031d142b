"""Running a real `festival` process against a local store, stopped at a named moment.

`Run.start(...)` starts `python -m festival_cli ARGS` with FESTIVAL_PAUSE_AT=moment:marker: the
process creates `marker` when it reaches `moment` (core.interrupts.pause) and waits there, so a
test signals it at exactly that moment, not after a sleep that may or may not be long enough.
`as_unprivileged` drops root's power to ignore file modes, so read-only files and directories
are read-only for the process even when the tests run as root (as in CI).
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from festival_cli.core.interrupts import PAUSE_VARIABLE
from festival_cli.core.records import Ingestion
from festival_cli.stores.sqlite import SqliteStore

DEADLINE = 60.0  # seconds: generous for a loaded 2-core machine; never reached when all is well
_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE = 1
_CAP_DAC_READ_SEARCH = 2


def festival_command(*args: object) -> list[str]:
    return [sys.executable, "-m", "festival_cli", *(str(a) for a in args)]


@dataclass
class Run:
    """One `festival` process and what it printed."""

    process: subprocess.Popen[bytes]
    marker: Path | None = None

    @classmethod
    def start(cls, *args: object, moment: str | None = None, workdir: Path,
              stderr: int | None = None, env: dict[str, str] | None = None) -> Run:
        environment = {**os.environ, **(env or {})}
        marker = None
        if moment is not None:
            marker = workdir / f"paused-at-{moment}"
            marker.unlink(missing_ok=True)
            environment[PAUSE_VARIABLE] = f"{moment}:{marker}"
        process = subprocess.Popen(
            festival_command(*args), env=environment, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE if stderr is None else stderr)
        return cls(process, marker)

    def wait_for_pause(self) -> None:
        """Block until the process has reached its moment (it waits there for a signal)."""
        assert self.marker is not None
        deadline = time.monotonic() + DEADLINE
        while not self.marker.exists():
            if self.process.poll() is not None:
                out, err = self.process.communicate()
                raise AssertionError(f"exited {self.process.returncode} before pausing:\n"
                                     f"{out.decode()}\n{err.decode()}")
            assert time.monotonic() < deadline, "the process never reached its moment"
            time.sleep(0.01)

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def finish(self) -> tuple[int, str, str]:
        """Its exit code, stdout and stderr (killed if it outlives the deadline)."""
        try:
            out, err = self.process.communicate(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
            raise AssertionError("the process did not end after the signal") from None
        return self.process.returncode, out.decode(), (err or b"").decode()

    def kill_if_running(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


def run_festival(*args: object, preexec: Callable[[], None] | None = None,
                 ) -> subprocess.CompletedProcess[str]:
    """`festival ARGS` to its end: exit code, stdout, stderr."""
    return subprocess.run(festival_command(*args), capture_output=True, text=True,
                          timeout=DEADLINE, preexec_fn=preexec, check=False)


def as_unprivileged() -> None:
    """preexec_fn: when root, drop the capabilities that override file modes (DAC), so the
    process meets read-only files and directories as any user does."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def snapshot(db: Path) -> tuple[list[tuple[str, ...]], list[tuple[str, str]]]:
    """Everything a store holds that an upload may change: its sets and its records."""
    with SqliteStore(db) as store:
        rows = sorted(tuple(str(v) for v in row)
                      for row in store._db.execute("SELECT * FROM performances"))
        records: list[Ingestion] = store.recent_ingestions(limit=1_000)
    return rows, sorted((r.id, r.state) for r in records)


SIGNAL_EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGKILL: -signal.SIGKILL}
