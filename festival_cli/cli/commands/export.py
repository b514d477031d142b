"""Export the selected sets as a lineup file (JSON, re-importable as it is), CSV or iCalendar.

Select with the query selectors (--date may be given several times); with none, every stored
set is exported (a backup, a hand-over, the whole festival's calendar), read date by date from
the register of stored dates, never with a scan. The document goes to stdout, or with --file
into what the path names: a regular file is replaced atomically and keeps its permissions, a
symlink's target is written (the link stays), a FIFO or /dev/stdout is written as it is.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from festival_cli.cli.console import answer, message, to_json
from festival_cli.cli.files import is_stdout, write_document
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
        "--file", "-f", help="Write the document into this file (a symlink's target, a FIFO, "
        "/dev/stdout; - is stdout) instead of stdout.",
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
    if output is ExportOutput.ics:
        for zone in sorted({p.timezone for p in lineup.performances if p.timezone}):
            if known_zone(zone) is None:
                message(f"warning: time zone '{zone}' is not known here: its sets use "
                        "floating local times")
    to_stdout = is_stdout(file)
    # JSON on a stdout that is not UTF-8 gets ASCII escapes; a file is always UTF-8.
    document = render(lineup, output, ascii_only=None if to_stdout else False)
    sets = lineup.performances
    if not sets:
        message("no performances match: the document is empty")
    if file is None or to_stdout:
        answer(document, exact=True)  # JSON is safe as it is (to_json); CSV and ICS are data
        return
    write_document(file, document.encode())
    message(f"wrote {len(sets)} set{'s' if len(sets) != 1 else ''} to {file}")


def render(lineup: Lineup, output: ExportOutput, *, ascii_only: bool | None = None) -> str:
    """The document of `lineup` in the format asked for."""
    if output is ExportOutput.json:
        return to_json(lineup.file_document(), ascii_only=ascii_only)
    sets = list(lineup.performances)
    if output is ExportOutput.csv:
        return performances_csv(sets)  # the same CSV as `festival query --output csv`
    return to_ics(sets, stamp=datetime.now(UTC), festival=lineup.festival,
                  timezone=lineup.timezone)
