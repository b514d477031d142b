"""Ingest lineup files: validate each whole, then write only what changed for its dates.

A file is the whole lineup of every date it lists: new sets are added, changed ones updated,
and the stored sets of those dates it no longer lists removed (--merge: never removed). Dates
it does not list are left alone. An invalid file writes nothing (exit 1).

Files are ingested one by one, each on its own; the first one rejected stops the command (those
before it stay ingested). Every file is read before any is ingested, so a mistyped name writes
nothing. On the local store --no-wait and --timeout have no effect (it ingests at once).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from festival_cli.cli.console import answer, message, plain
from festival_cli.cli.interrupts import interruptible, reported
from festival_cli.cli.open_target import open_target
from festival_cli.cli.options import DbOption, MergeOption, StackOption, StrictOption
from festival_cli.core.interrupts import Interrupted
from festival_cli.core.text import terminal_safe
from festival_cli.core.upload_contract import UPLOAD_WAIT_SECONDS

if TYPE_CHECKING:  # pragma: no cover
    from rich.progress import Progress

    from festival_cli.targets.base import Target, UploadResult

LIST_CHANGES_MAX = 50  # more changes than this are counted, not listed (status ID lists them)
PROGRESS_MIN = 5_000  # smaller files are ingested before a progress bar would be seen


class ProgressBar:
    """A Rich progress bar on stderr for large files; nothing when stderr is not a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._bar: Progress | None = None
        self._task: object = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if total < PROGRESS_MIN or plain(sys.stderr):
                return
            from rich.progress import Progress

            from festival_cli.cli.console import err

            self._bar = Progress(console=err(), transient=True)
            self._bar.start()
            self._task = self._bar.add_task(f"writing {terminal_safe(self.label)}",
                                            total=total)
        self._bar.update(self._task, completed=done, total=total)  # type: ignore[arg-type]

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def command(
    files: Annotated[list[Path], typer.Argument(
        metavar="FILE...", help="Lineup files (format 1); - reads standard input.",
        show_default=False)],
    merge: MergeOption = False,
    strict: StrictOption = False,
    no_wait: Annotated[bool, typer.Option(
        "--no-wait", help="Stack only: return once the file is uploaded, without waiting for "
        "its ingestion (festival status shows how it ends).")] = False,
    timeout: Annotated[float, typer.Option(
        "--timeout", metavar="SECONDS", min=1,
        help="Stack only: how long to wait for each ingestion (long enough for its first "
        "two retries).")] = UPLOAD_WAIT_SECONDS,
    stack: StackOption = None,
    db: DbOption = None,
) -> None:
    from festival_cli.cli.files import read_inputs
    from festival_cli.core.cyclic_gc import no_cyclic_gc

    ingested: list[str] = []
    with interruptible():
        try:
            sources = read_inputs(files)
            # Millions of small objects, no cycles: see core/cyclic_gc.py for what this buys.
            with open_target(stack, db, write=True) as target, no_cyclic_gc():
                _upload_each(target, sources, ingested, merge=merge, strict=strict,
                             wait=not no_wait, timeout=timeout)
        except Interrupted as exc:
            # message() spells out any control character in a file's name
            message(interrupted_message([str(f) for f in files], ingested, stack=bool(stack)))
            raise typer.Exit(exc.exit_code) from None


def _upload_each(target: Target, sources: list[tuple[str, bytes]], ingested: list[str], *,
                 merge: bool, strict: bool, wait: bool, timeout: float) -> None:
    """Upload the files in order, each shown as it lands (listed in `ingested`)."""
    for source, data in sources:
        bar = ProgressBar(source)
        try:
            result = target.upload(data, source, merge=merge, strict=strict, wait=wait,
                                   timeout=timeout, progress=bar)
        finally:
            bar.close()  # gives the cursor back, whatever happened
        show(result, source, merge=merge)
        ingested.append(source)
        reported()  # an interrupt held since the commit acts now, with the truth told


def interrupted_message(files: list[str], ingested: list[str], *, stack: bool) -> str:
    """What an interrupted upload says it did: exactly what was committed before the signal."""
    if stack:
        return ("interrupted: a file already sent to the stack is ingested there all the same "
                "(festival status shows it)")
    if not ingested:
        return "interrupted: nothing was written"
    rest = files[len(ingested):]  # ingested in order: the first ones
    done = f"{', '.join(ingested)} {'was' if len(ingested) == 1 else 'were'} ingested"
    if not rest:
        return f"interrupted: {done} before it; nothing else was written"
    return f"interrupted: {done}; nothing of {', '.join(rest)} was written"


def show(result: UploadResult, source: str, *, merge: bool = False) -> None:
    """Warnings on stderr; the changes and the outcome on stdout."""
    from festival_cli.cli import render

    render.warnings(result.warnings, source, result.warning_counts)
    record = result.record
    if record.merge and not merge and result.waited:
        message(f"{source}: merged, as the file says (\"merge\": true, a partial "
                "export): no other set of its dates was removed")
    if not result.waited:
        answer(f"uploaded {source}: ingestion {record.id} started "
               f"(festival status {record.id} shows how it ends)")
        return
    if record.state == "superseded":  # locally: a store whose newest upload is in the future
        from festival_cli.core.errors import IngestionFailed

        lines = "".join(f"\n  {line}" for line in record.superseded)
        raise IngestionFailed(
            f"{source} was superseded by newer uploads (ingestion {record.id}); "
            f"nothing was written{lines}")
    for line in record.superseded:  # partly superseded: what was not written, and why
        message(f"{source}: not written, {line}")
    plan = result.plan
    if plan is not None:
        changed = len(plan.added) + len(plan.updated) + len(plan.removed)
        if 0 < changed <= LIST_CHANGES_MAX:
            answer("\n".join(render.plan_lines(plan)))
    elif 0 < record.total("changes") <= LIST_CHANGES_MAX and not record.hidden("changes"):
        answer("\n".join(f"  {line}" for line in record.changes))
    total = record.counts.get("performances", 0)
    answer(f"ingested {source}: {total} performance{'s' if total != 1 else ''} "
           f"{render.counts_text(record.counts)} [{record.id}]")
