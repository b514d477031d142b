"""Find sets: by performer, by stage in a time range, by date, playing at a time, or popular.

  festival query --performer "Aurora Fields"
  festival query --stage Main --from 2026-07-10T18:00 --to 2026-07-10T23:00
  festival query --date 2026-07-10 [--at 21:30 | --min-popularity 80]

Results are chronological (date, start, stage, performer); with --min-popularity, most popular
first. A range matches every set playing at some moment inside it; --at matches the sets
playing at that time, including one that began the evening before.
"""

from __future__ import annotations

from festival_cli.cli.console import answer, message
from festival_cli.cli.open_target import open_target
from festival_cli.cli.options import DbOption, OutputOption, StackOption, TableOutput
from festival_cli.cli.selectors import (
    AtOption,
    DateOption,
    FromOption,
    MinPopularityOption,
    PerformerOption,
    StageOption,
    ToOption,
    selection_query,
)


def command(
    performer: PerformerOption = None,
    stage: StageOption = None,
    start: FromOption = None,
    end: ToOption = None,
    date: DateOption = None,
    at: AtOption = None,
    min_popularity: MinPopularityOption = None,
    output: OutputOption = TableOutput.table,
    stack: StackOption = None,
    db: DbOption = None,
) -> None:
    query = selection_query(performer=performer, stage=stage, start=start, end=end, date=date,
                            at=at, min_popularity=min_popularity)
    with open_target(stack, db) as target:
        found = target.store.query(query)

    from festival_cli.cli import render

    if output is TableOutput.json:
        answer(render.performances_json(found))
    elif output is TableOutput.csv:
        answer(render.performances_csv(found), exact=True)
    elif not found:
        message("no performances match")
    else:
        render.performances_table(found)
