"""Ingestion: parse -> validate -> plan -> apply -> record. Shared by the CLI and the Lambda."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from festival_cli.core.errors import FestivalError, LineupError, TransientStoreError
from festival_cli.core.interrupts import pause
from festival_cli.core.lineup import Checked, Report, checked_lineup
from festival_cli.core.model import Performance, origin_change
from festival_cli.core.plan import Plan
from festival_cli.core.records import Ingestion, new_ingestion_id
from festival_cli.core.store import Progress, Store
from festival_cli.core.upload_contract import file_size_problems, size_problems
from festival_cli.core.upload_order import Mark, UploadOrder

log = logging.getLogger(__name__)

CHANGES_CAP = 50  # set-by-set lines kept in a record (and so in a notification)
PROBLEMS_CAP = 50  # errors and warnings kept in a record: only these are located and written


@dataclass(frozen=True)
class Outcome:
    """What one ingestion did: its final record, and the report and plan behind it."""

    record: Ingestion
    report: Report
    plan: Plan | None = None
    duplicate: bool = False


def ingest(
    store: Store,
    data: bytes,
    source: str,
    *,
    merge: bool = False,
    strict: bool = False,
    ingestion_id: str | None = None,
    progress: Progress | None = None,
    max_sets: int | None = None,
    max_bytes: int | None = None,
    size: int | None = None,
    also: Callable[[Outcome], None] | None = None,
    order: UploadOrder | None = None,
) -> Outcome:
    """Ingest one lineup file into `store`, whole or not at all, leaving an ingestion record.

    Raises `LineupError` (record `rejected`) for invalid data, and re-raises any other failure
    after recording `failed`. With an `ingestion_id` already recorded as finished, nothing is
    done again: the outcome is marked `duplicate` (at-least-once delivery is safe).
    A file of more than `max_sets` sets, or `max_bytes` bytes (not even parsed), is rejected
    (the pipeline's limits; none locally). `size` is the file's size when `data` was not read
    because of it (the pipeline knows an object's size before reading it).

    The final record is written inside the store's revision with the sets, and so is whatever
    `also` writes (given the outcome): in SQLite one transaction holds the sets, the record and
    the memo, so they are stored together or not at all. Locally (no `ingestion_id`) nothing is
    written before that: an interrupted or failed write leaves the store as it was, no record
    `pending`. A pipeline ingestion records `pending` first, its idempotency key.

    `order` is the upload's place in the upload order (core/upload_order.py; the pipeline's
    comes from the S3 event; default: now, as a local upload's): what newer uploads wrote is
    left as it is (core/newest.py), and an upload of which nothing could be written is
    recorded `superseded`, naming the newer ingestions.
    """
    record = Ingestion(id=ingestion_id or new_ingestion_id(), file=source, merge=merge)
    if (ingestion_id is not None and (existing := store.create_ingestion(record)) is not None
            and existing.done):
        log.info("duplicate delivery of %s (%s): already %s", source, ingestion_id,
                 existing.state)
        return Outcome(record=existing, report=Report(source, None), duplicate=True)
    # Otherwise created, or pending: an earlier attempt died midway; applying again is safe.

    too_large = file_size_problems(len(data) if size is None else size, max_bytes)
    checked = Checked.of(Report(source, None, errors=too_large)) if too_large else \
        checked_lineup(data, source, strict=strict, shown=PROBLEMS_CAP)
    counts = {"performances": checked.count}
    errors = checked.errors or size_problems(checked.count, max_sets)
    if errors or checked.lineup is None:
        report = checked.report()
        rejected = record.finish(
            "rejected",
            counts=counts,
            errors=[p.describe(source) for p in errors[:PROBLEMS_CAP]],
            warnings=_warnings(report),
            totals={"warnings": report.warning_total, "errors": len(errors)},
        )
        store.save_ingestion(rejected)
        raise LineupError(source, errors)
    lineup = checked.lineup
    if lineup.merge and not merge:  # the file says it is not the whole of its dates
        merge, record = True, replace(record, merge=True)
    pause("validated")
    finished: list[Outcome] = []
    changes: list[list[str]] = []

    def meanwhile(plan: Plan) -> None:  # while the store writes: the warnings, the changes
        checked.report()
        changes.append(describe_changes(plan, cap=CHANGES_CAP))

    def record_with_the_sets(plan: Plan) -> None:  # inside the revision, before its commit
        report = checked.report()
        superseded = {"superseded": plan.superseded_sets} if plan.superseded else {}
        done = record.finish(
            "superseded" if _all_superseded(plan, report.count) else "succeeded",
            counts=counts | plan.counts() | superseded,
            warnings=_warnings(report),
            changes=changes[0],  # apply_lineup ran `meanwhile` before this
            totals={"warnings": report.warning_total, "changes": plan.change_count(),
                    **({"superseded": len(plan.superseded)} if plan.superseded else {})},
            festival=lineup.festival,
            timezone=lineup.timezone,
            superseded=[f"{what}: ingestion {by} is newer"
                        for what, by in plan.superseded[:PROBLEMS_CAP]],
            superseded_by=sorted({by for _, by in plan.superseded}),
        )
        store.save_ingestion(done)
        finished.append(Outcome(record=done, report=report, plan=plan))
        if also is not None:
            also(finished[0])

    mark = Mark(order or UploadOrder.now(source), record.id)
    try:
        store.apply_lineup(lineup, merge=merge, progress=progress, then=record_with_the_sets,
                           mark=mark, meanwhile=meanwhile)
    except Exception as exc:
        if ingestion_id is not None:
            _record_failure(store, record, counts, exc)
        raise  # locally the store is as it was: the error itself is the report
    return finished[0]


def _warnings(report: Report) -> list[str]:
    """The warnings a record keeps: the first PROBLEMS_CAP, written out."""
    return [p.describe(report.source) for p in report.warnings[:PROBLEMS_CAP]]


def _all_superseded(plan: Plan, count: int) -> bool:
    """Nothing of the file was written, because newer uploads had written its every set."""
    return bool(plan.superseded) and plan.superseded_sets >= count and not plan.changed


def _record_failure(store: Store, record: Ingestion, counts: dict[str, int],
                    exc: Exception) -> None:
    """A pipeline ingestion's record after its write failed: `pending` with a note when SQS
    will redeliver it (else the retry would be taken for a duplicate), `failed` otherwise."""
    if isinstance(exc, TransientStoreError):
        store.save_ingestion(replace(record, counts=counts, errors=[f"will retry: {exc}"]))
    elif isinstance(exc, FestivalError):
        store.save_ingestion(record.finish("failed", counts=counts, errors=[str(exc)]))
    else:
        store.save_ingestion(
            record.finish("failed", counts=counts, errors=[f"{type(exc).__name__}: {exc}"]))


def describe_change(kind: str, before: Performance | None, after: Performance | None) -> str:
    """One change as a person reads it: `moved: Aurora Fields, Main: 18:00–19:15 → 19:00–20:15`."""
    p = after or before
    assert p is not None
    head = f"{kind}: {p.performer}, {p.stage}, {p.date}"
    if before is None:
        return f"{head}: {_slot(after)}"
    if after is None:
        return f"{head}: {_slot(before)}"
    if before.stage != after.stage:
        head = f"{kind}: {p.performer}, {before.stage} → {after.stage}, {p.date}"
    origin = f" ({origin_change(before, after)})" if before.origin != after.origin else ""
    return f"{head}: {_slot(before)} → {_slot(after)}{origin}"


def describe_changes(plan: Plan, *, cap: int) -> list[str]:
    """The first `cap` changes of `plan`, one line each (the record keeps the total)."""
    return [describe_change(*row) for row in plan.changes(limit=cap)]


def _slot(p: Performance | None) -> str:
    assert p is not None
    text = f"{p.start}–{p.end}"
    return text if p.popularity is None else f"{text} (popularity {p.popularity})"
