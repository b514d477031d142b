"""The query selectors (`--performer`, `--stage`, `--from`, `--to`, `--date`, `--at`,
`--min-popularity`), defined once for every command that selects sets (`query`, `export`).

The options only carry strings; `selection_query` turns them into a checked `Query`, whose
`check()` owns every rule about which combinations make sense (core.query).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer

from festival_cli.core.query import Query

SELECTOR_PANEL = "What to select"

PerformerOption = Annotated[
    str | None,
    typer.Option("--performer", metavar="NAME", help="Every set of this performer (exact name).",
                 rich_help_panel=SELECTOR_PANEL, show_default=False),
]
StageOption = Annotated[
    str | None,
    typer.Option("--stage", metavar="STAGE",
                 help="The sets on this stage; with --from/--to, or with --date.",
                 rich_help_panel=SELECTOR_PANEL, show_default=False),
]
FromOption = Annotated[
    str | None,
    typer.Option("--from", metavar="YYYY-MM-DDTHH:MM",
                 help="Start of a time range: sets still playing after it match.",
                 rich_help_panel=SELECTOR_PANEL, show_default=False),
]
ToOption = Annotated[
    str | None,
    typer.Option("--to", metavar="YYYY-MM-DDTHH:MM",
                 help="End of a time range: sets starting before it match.",
                 rich_help_panel=SELECTOR_PANEL, show_default=False),
]
DateOption = Annotated[
    str | None,
    typer.Option("--date", metavar="YYYY-MM-DD", help="The sets of this date.",
                 rich_help_panel=SELECTOR_PANEL, show_default=False),
]
DatesOption = Annotated[
    list[str] | None,
    typer.Option("--date", metavar="YYYY-MM-DD",
                 help="The sets of this date; give it several times for several dates.",
                 rich_help_panel=SELECTOR_PANEL, show_default=False),
]
AtOption = Annotated[
    str | None,
    typer.Option("--at", metavar="HH:MM",
                 help="With --date: the sets playing at this time (start <= T < end).",
                 rich_help_panel=SELECTOR_PANEL, show_default=False),
]
MinPopularityOption = Annotated[
    int | None,
    typer.Option("--min-popularity", metavar="0-100",
                 help="With --date: the sets at least this popular, most popular first.",
                 rich_help_panel=SELECTOR_PANEL, show_default=False),
]


def selection_query(
    *,
    performer: str | None = None,
    stage: str | None = None,
    start: str | None = None,
    end: str | None = None,
    date: str | None = None,
    at: str | None = None,
    min_popularity: int | None = None,
) -> Query:
    """The checked `Query` the selectors ask for (`UsageError`, exit 2, when they make no sense)."""
    return Query(performer=performer, stage=stage, date=date, at=at, start=start, end=end,
                 min_popularity=min_popularity).check()


def selection_queries(
    *,
    performer: str | None = None,
    stage: str | None = None,
    start: str | None = None,
    end: str | None = None,
    dates: Sequence[str] | None = None,
    at: str | None = None,
    min_popularity: int | None = None,
) -> list[Query]:
    """One checked `Query` per `--date` given (or one without a date): a repeatable `--date`."""
    return [
        selection_query(performer=performer, stage=stage, start=start, end=end, date=date, at=at,
                        min_popularity=min_popularity)
        for date in (list(dict.fromkeys(dates)) if dates else [None])
    ]
