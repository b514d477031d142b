"""Estimate the monthly AWS bill of the stack for a given volume, by service, and its limits.

Measured from the items the DynamoDB store really writes; list prices of one region, kept in the
code with the date they were read. Nothing is deployed or called.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer

from festival_cli.cli.console import answer, message, out, plain
from festival_cli.cli.errors import flag
from festival_cli.core.errors import UsageError
from festival_cli.cost.assumptions import Assumptions, describe_assumptions
from festival_cli.cost.estimate import Estimate, measured_estimate

HEADERS = ("service", "what", "quantity a month", "USD", "after free tier")


class CostOutput(StrEnum):
    """A table for people, JSON for scripts."""

    table = "table"
    json = "json"


def command(
    records_per_day: Annotated[
        int, typer.Option("--records-per-day", "-n", help="Records uploaded a day.",
                          show_default=False)
    ],
    uploads_per_day: Annotated[
        int, typer.Option("--uploads-per-day", help="Files uploaded a day (the records spread "
                          "over them).")
    ] = 10,
    churn: Annotated[
        float, typer.Option("--churn", help="Percent of uploaded records that are new or changed "
                            "(the rest are unchanged re-uploads, which write nothing).")
    ] = 100.0,
    queries_per_day: Annotated[
        int, typer.Option("--queries-per-day", help="Queries a day (a fixed mix, listed).")
    ] = 1_000,
    months: Annotated[
        int, typer.Option("--months", help="Months of growth: the storage billed is that after "
                          "this many months with nothing deleted.")
    ] = 12,
    output: Annotated[
        CostOutput, typer.Option("--output", "-o", help="table for people; json for scripts.",
                                 case_sensitive=False)
    ] = CostOutput.table,
) -> None:
    if records_per_day < 0:
        raise UsageError("--records-per-day cannot be negative")
    if uploads_per_day < 1:
        raise UsageError("--uploads-per-day must be at least 1")
    if not 0 <= churn <= 100:
        raise UsageError(f"--churn: {churn:g} is not a percentage between 0 and 100")
    if queries_per_day < 0 or months < 1:
        raise UsageError("--queries-per-day cannot be negative and --months must be at least 1")
    assumptions = Assumptions(
        records_per_day=records_per_day,
        uploads_per_day=uploads_per_day,
        churn_pct=churn,
        queries_per_day=queries_per_day,
        months_of_growth=months,
    )
    if assumptions.records_per_upload > assumptions.max_sets_per_file:
        message(
            f"warning: {assumptions.records_per_upload:,.0f} records a file is over the "
            f"pipeline's limit of {assumptions.max_sets_per_file:,} sets a file; use "
            f"--uploads-per-day {-(-records_per_day // assumptions.max_sets_per_file)} or more"
        )
    result = measured_estimate(assumptions)
    if output is CostOutput.json:
        answer(json.dumps(result.to_dict(flag), indent=2))
    elif plain(sys.stdout):
        answer(render_plain(result))
    else:
        render_rich(result)


def _usd(value: float) -> str:
    return f"{value:,.2f}" if value >= 0.01 or value == 0 else f"{value:.4f}"


def _quantity(value: float, unit: str) -> str:
    if value >= 1_000_000:
        text = f"{value / 1_000_000:,.2f} M"
    elif value >= 100:
        text = f"{value:,.0f}"
    else:
        text = f"{value:,.3g}"
    return f"{text} {unit}"


def _rows(result: Estimate) -> list[tuple[str, str, str, str, str]]:
    return [
        (line.service, line.what, _quantity(line.quantity, line.unit), _usd(line.monthly),
         _usd(line.monthly_after_free_tier))
        for line in result.lines
    ]


def _heading(result: Estimate) -> str:
    a = result.assumptions
    return (f"Monthly cost of {a.records_per_day:,} records a day, USD, "
            f"{result.prices.region} on-demand list prices read {result.prices.read_on}")


def _notes(result: Estimate) -> list[str]:
    p = result.profile
    indexes = ", ".join(f"{k} {v:.2g}" for k, v in p.index_write_units.items())
    lines = ["", "By service (list / after always-free tier):"]
    lines += [f"  {s}: {_usd(a)} / {_usd(b)}" for s, (a, b) in result.by_service().items()]
    lines += [
        "",
        f"Measured item: {p.table_bytes:.0f} bytes; a put costs {p.write_units_per_put:.2f} write "
        f"units (table {p.table_write_units:.2g}, {indexes}); stored with its index entries "
        f"{p.stored_bytes:.0f} bytes.",
        "",
        "Assumptions:",
    ]
    lines += [f"  - {text}" for text in describe_assumptions(result.assumptions, flag)]
    lines += ["", "Where this design stops scaling:"]
    lines += [f"  - {x.what}: {x.value} ({x.why})" for x in result.limits]
    return lines


def render_plain(result: Estimate) -> str:
    from festival_cli.cli.tables import plain_table

    rows = [*_rows(result),
            ("total", "", "", _usd(result.total), _usd(result.total_after_free_tier))]
    body = plain_table(HEADERS, rows, numeric=HEADERS[3:]).rstrip("\n")
    return "\n".join([_heading(result), "", body, *_notes(result)])


def render_rich(result: Estimate) -> None:
    from rich.table import Table

    table = Table(title=_heading(result), title_justify="left")
    for i, name in enumerate(HEADERS):  # on a terminal, quantities align right too
        table.add_column(name, justify="right" if i >= 2 else "left")
    for row in _rows(result):
        table.add_row(*row)
    table.add_section()
    table.add_row("total", "", "", f"[bold]{_usd(result.total)}[/]",
                  f"[bold]{_usd(result.total_after_free_tier)}[/]")
    console = out()
    console.print(table)
    for line in _notes(result):
        console.print(line, markup=False)
