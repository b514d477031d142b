"""Export the selected sets as a lineup file (JSON, re-importable as it is), CSV or iCalendar.

Select with the query selectors (--date may be given several times); with none, every stored
set is exported (a backup, a hand-over, the whole festival's calendar), read date by date from
the register of stored dates, never with a scan. The document goes to stdout, or with --file
atomically to that file.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from festival_cli.cli.console import answer, message
from festival_cli.cli.open_target import open_target
from festival_cli.cli.options import DbOption, StackOption
from festival_cli.cli.render import performances_csv
from festival_cli.cli.selectors import (
    AtOption,
    DatesOption,
    FromOption,
    MinPopularityOption,
    PerformerOption,
    StageOption,
    ToOption,
    selection_queries,
)
from festival_cli.core.calendar import known_zone, to_ics
from festival_cli.core.errors import FestivalError
from festival_cli.core.model import Lineup


class ExportOutput(StrEnum):
    """The document written."""

    json = "json"
    csv = "csv"
    ics = "ics"


def command(
    performer: PerformerOption = None,
    stage: StageOption = None,
    start: FromOption = None,
    end: ToOption = None,
    date: DatesOption = None,
    at: AtOption = None,
    min_popularity: MinPopularityOption = None,
    output: Annotated[ExportOutput, typer.Option(
        "--output", "-o", help="json: a lineup file (format 1); csv; ics: iCalendar.",
        case_sensitive=False)] = ExportOutput.json,
    file: Annotated[Path | None, typer.Option(
        "--file", "-f", dir_okay=False, help="Write the document here instead of stdout.",
        show_default=False)] = None,
    stack: StackOption = None,
    db: DbOption = None,
) -> None:
    selectors = (performer, stage, start, end, date, at, min_popularity)
    # No selector at all: the whole stored lineup (None); any selector is checked as in query.
    queries = None if all(s is None or s == [] for s in selectors) else selection_queries(
        performer=performer, stage=stage, start=start, end=end, dates=date, at=at,
        min_popularity=min_popularity)
    with open_target(stack, db) as target:
        lineup = target.store.export(queries)
    if output is ExportOutput.ics and lineup.timezone and known_zone(lineup.timezone) is None:
        message(f"warning: time zone '{lineup.timezone}' is not known here: "
                "the calendar uses floating local times")
    document = render(lineup, output)
    sets = lineup.performances
    if not sets:
        message("no performances match: the document is empty")
    if file is None:
        answer(document)
        return
    write_atomically(file, document.encode())
    message(f"wrote {len(sets)} set{'s' if len(sets) != 1 else ''} to {file}")


def render(lineup: Lineup, output: ExportOutput) -> str:
    """The document of `lineup` in the format asked for."""
    if output is ExportOutput.json:
        return json.dumps(lineup.to_document(), ensure_ascii=False, indent=2) + "\n"
    sets = list(lineup.performances)
    if output is ExportOutput.csv:
        return performances_csv(sets)  # the same CSV as `festival query --output csv`
    return to_ics(sets, stamp=datetime.now(UTC), festival=lineup.festival,
                  timezone=lineup.timezone)


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename: all of it, or nothing."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise FestivalError(f"{path}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private (0600); give it the mode a new file normally gets.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise FestivalError(f"{path}: cannot write ({exc.strerror})") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
