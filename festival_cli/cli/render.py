"""How results look: performances, a plan of changes, a status report, warnings.

Documents for scripts (JSON, CSV) are built with the standard library only; Rich is imported
only inside the functions that draw for a person on a terminal, so `--output json` stays light.
Plain aligned text replaces Rich when stdout is not a terminal or NO_COLOR is set.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING

from festival_cli.cli.console import answer, message, to_json
from festival_cli.cli.tables import table

if TYPE_CHECKING:  # pragma: no cover - types only: the JSON path imports as little as it can
    from festival_cli.core.model import Performance
    from festival_cli.core.plan import Plan
    from festival_cli.core.problems import Problem
    from festival_cli.core.records import Ingestion
    from festival_cli.targets.base import StatusReport

    Change = tuple[str, Performance | None, Performance | None]

FIELDS = ("performer", "stage", "date", "start", "end", "popularity")
HEADERS = ("Performer", "Stage", "Date", "Start", "End", "Popularity")



# -- performances ------------------------------------------------------------------------------


def performances_json(sets: Sequence[Performance]) -> str:
    """A JSON array of objects with performer, stage, date, start, end, popularity (or null)."""
    return to_json([p.to_record() for p in sets])


# A cell starting with one of these runs as a formula in a spreadsheet (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: object) -> object:
    """A text cell that a spreadsheet would run as a formula, made text: a `'` in front
    (OWASP's advice; the performer `-M-` reads `'-M-`). Numbers are left as they are."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV document for spreadsheets: the header row, then the rows (`\n` line ends), no
    cell able to run as a formula. JSON, not CSV, is the format to re-import."""
    import csv  # here, for CSV output alone: ~1 ms of every start otherwise

    lines: list[str] = []
    # Rows end in CRLF for the writer, so that it quotes a cell holding a lone CR or LF (it
    # quotes only the characters of its line end); each row then ends in `\n` as before.
    sink = _RowSink(lines)
    writer = csv.writer(sink, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return "".join(lines)


class _RowSink:
    """Where csv.writer writes (one call per row): each row kept with `\n` as its line end."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def write(self, row: str) -> int:
        self.lines.append(row[:-2] + "\n")
        return len(row)


def performances_csv(sets: Sequence[Performance]) -> str:
    """CSV with a header row; an empty popularity cell when there is none."""
    return csv_text(FIELDS, ([p.performer, p.stage, p.date, p.start, p.end,
                              "" if p.popularity is None else p.popularity] for p in sets))


def performances_table(sets: Sequence[Performance]) -> None:
    rows = [(p.performer, p.stage, p.date, p.start, p.end,
             "" if p.popularity is None else str(p.popularity)) for p in sets]
    table(HEADERS, rows, blocks=True)


# -- a plan of changes -------------------------------------------------------------------------


def _popularity(value: int | None) -> str:
    return "none" if value is None else str(value)


def _slot(p: Performance) -> str:
    return f"{p.start}–{p.end}"


def change_text(kind: str, before: Performance | None, after: Performance | None) -> str:
    """`moved    Aurora Fields, Main: 18:00–19:15 → 19:00–20:15`: only what differs is arrowed."""
    if before is None or after is None:
        p = after or before
        assert p is not None
        score = "" if p.popularity is None else f" (popularity {p.popularity})"
        return f"{kind:<8} {p.performer}, {p.stage}: {_slot(p)}{score}"
    stage = before.stage if before.stage == after.stage else f"{before.stage} → {after.stage}"
    slot = _slot(before) if _slot(before) == _slot(after) else (
        f"{_slot(before)} → {_slot(after)}")
    text = f"{kind:<8} {before.performer}, {stage}: {slot}"
    if before.popularity != after.popularity:
        text += f", popularity {_popularity(before.popularity)} → {_popularity(after.popularity)}"
    if before.origin != after.origin:
        from festival_cli.core.model import origin_change

        text += f", {origin_change(before, after)}"
    return text


def plan_lines(plan: Plan, *, cap: int | None = None,
               changes: Sequence[Change] | None = None) -> list[str]:
    """The changes grouped by date (a heading each), then stage and time; at most `cap` lines."""
    rows = list(plan.changes() if changes is None else changes)
    shown = rows if cap is None else rows[:cap]
    lines: list[str] = []
    current_date = None
    for kind, before, after in shown:
        p = after or before
        assert p is not None
        if p.date != current_date:
            current_date = p.date
            lines.append(p.date)
        lines.append(f"  {change_text(kind, before, after)}")
    if len(rows) > len(shown):
        lines.append(f"  … and {len(rows) - len(shown)} more changes")
    return lines


def plan_summary(plan: Plan, changes: Sequence[Change] | None = None) -> str:
    """`2 added, 1 moved, 1 changed, 0 removed, 57 unchanged` (a move is not also added)."""
    rows = plan.changes() if changes is None else changes
    kinds = [kind for kind, _, _ in rows]
    counts = [f"{kinds.count(k)} {k}" for k in ("added", "moved", "changed", "removed")]
    return ", ".join([*counts, f"{len(plan.unchanged)} unchanged"])


def plan_json(plan: Plan, source: str) -> str:
    """`{"file", "dates", "counts", "changes": [{"kind", "before", "after"}]}`."""
    document = {
        "file": source,
        "dates": list(plan.dates),
        "merge": plan.merge,
        "counts": plan.counts(),
        "changes": [
            {"kind": kind,
             "before": None if before is None else before.to_record(),
             "after": None if after is None else after.to_record()}
            for kind, before, after in plan.changes()
        ],
    }
    return to_json(document)


def counts_text(counts: dict[str, int]) -> str:
    """`(3 added, 1 updated, 0 removed, 57 unchanged)` from an ingestion's counts."""
    parts = [f"{counts.get(k, 0)} {k}" for k in ("added", "updated", "removed", "unchanged")]
    return f"({', '.join(parts)})"


# -- warnings ----------------------------------------------------------------------------------


def warnings(problems: Sequence[Problem], source: str,
             counts: Mapping[str, int] | None = None) -> None:
    """The first warnings on stderr at their place (`lineup.json:12:5: warning:
    performances[3]: …`), then the rest counted by rule (`counts`: every warning by rule)."""
    from festival_cli.core.checks import rest_text
    from festival_cli.core.problems import SHOWN

    shown = problems[:SHOWN]
    for problem in shown:
        message(problem.describe(source, severity=True))
    if counts is None:
        counts = Counter(p.rule for p in problems)
    rest = rest_text(counts, shown)
    if rest:
        message(f"{source}: {rest}")


# -- status ------------------------------------------------------------------------------------


def _when(stamp: str | None, *, seconds: bool = True) -> str:
    """An ISO UTC time as local `2026-11-25 11:43:25` (as written when it cannot be parsed)."""
    if not stamp:
        return "—"
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime(
            "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


def duration(record: Ingestion) -> str:
    if record.finished is None:
        return "—"
    try:
        seconds = (datetime.fromisoformat(record.finished)
                   - datetime.fromisoformat(record.started)).total_seconds()
    except ValueError:
        return "—"
    return f"{seconds:.1f} s"


STATUS_HEADERS = ("Id", "File", "State", "Sets", "Started", "Duration")
# When the table is too wide, these go first, in this order: the file and state never do.
STATUS_DROPPABLE = ("Duration", "Started", "Id", "Sets")


def sets_text(record: Ingestion) -> str:
    """`+76 ~0 -0 =0` (added, updated, removed, unchanged), or the file's count of sets when
    nothing was written (`12 sets`)."""
    counts = record.counts
    if "added" in counts:
        return " ".join(f"{sign}{counts.get(name, 0):,}" for sign, name in (
            ("+", "added"), ("~", "updated"), ("-", "removed"), ("=", "unchanged")))
    total = counts.get("performances")
    return "" if total is None else f"{total:,} set{'s' if total != 1 else ''}"


def status_rows(report: StatusReport) -> list[tuple[str, ...]]:
    return [(r.id, r.file, state_text(r), sets_text(r), _when(r.started, seconds=False),
             duration(r)) for r in report.ingestions]


def state_text(record: Ingestion) -> str:
    """The state, and whether the stack's site still waits for this ingestion's publish."""
    state: str = record.state
    if record.state == "superseded" and record.superseded_by:
        state = f"superseded by {', '.join(record.superseded_by)}"
    elif record.superseded:
        state = f"{state}, partly superseded"
    return f"{state}, site unpublished" if record.published is False else state


def health_lines(report: StatusReport) -> list[str]:
    """The target and, for a stack, its queues and subscriptions (only what is known)."""
    head = report.target
    if report.item_count is not None:
        head += f": {report.item_count} performance{'s' if report.item_count != 1 else ''}"
    lines = [head]
    if report.queue_depth is not None:
        lines.append(f"queue: {report.queue_depth} message(s) waiting")
    if report.dead_letter_depth is not None:
        hint = " (ingestions that kept failing: inspect them)" if report.dead_letter_depth else ""
        lines.append(f"dead-letter queue: {report.dead_letter_depth} message(s){hint}")
    if report.subscriptions_pending:
        lines.append(
            "subscriptions pending confirmation: " + ", ".join(report.subscriptions_pending)
            + " (no email arrives until the recipient confirms AWS's subscription message)"
        )
    for name, reason, since in report.alarms_firing or []:
        lines.append(f"ALARM {name} (since {since}): {reason}")
    lines += [f"note: {note}" for note in report.notes]
    return lines


def status_table(report: StatusReport) -> None:
    answer("\n".join(health_lines(report)) + "\n")
    if not report.ingestions:
        message("no ingestions yet: festival upload FILE")
        return
    table(STATUS_HEADERS, status_rows(report), droppable=STATUS_DROPPABLE)


def ingestion_detail(record: Ingestion) -> str:
    """One ingestion in full: its fields, then its errors, warnings and changes."""
    counts = ", ".join(f"{k} {v}" for k, v in record.counts.items()) or "—"
    lines = [
        f"id:        {record.id}",
        f"file:      {record.file}",
        f"state:     {record.state}",
        f"started:   {_when(record.started)}",
        f"finished:  {_when(record.finished)}",
        f"duration:  {duration(record)}",
        f"counts:    {counts}",
        f"merge:     {'yes' if record.merge else 'no'}",
    ]
    if record.published is not None:
        lines.append("site:      " + ("published" if record.published else
                                      "not yet published (the function retries it)"))
    if record.festival:
        lines.append(f"festival:  {record.festival}")
    if record.timezone:
        lines.append(f"timezone:  {record.timezone}")
    if record.superseded_by:
        lines.append(f"newer:     {', '.join(record.superseded_by)} (newest upload wins)")
    for title in ("errors", "warnings", "changes", "superseded"):
        items: list[str] = getattr(record, title)
        if items or record.total(title):
            lines.append(f"{title}:")
            lines += [f"  {item}" for item in items]
            if record.hidden(title):
                lines.append(f"  … and {record.hidden(title)} more")
    return "\n".join(lines) + "\n"


def status_detail(report: StatusReport) -> None:
    answer("\n".join([*health_lines(report), ""]) + "".join(
        ingestion_detail(r) for r in report.ingestions))


def status_json(report: StatusReport) -> str:
    document = asdict(report)
    document["ingestions"] = [r.to_dict() for r in report.ingestions]
    return to_json(document)
