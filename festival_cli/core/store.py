"""The store interface: shared logic here, a few primitives per backend (festival_cli.stores).

As in Powertools' idempotency persistence layer (BasePersistenceLayer), the base class holds
every public method and owns every decision (what to read for a query, the diff, the order of
the answer, what a duplicate is), and a backend implements only private primitives: `_read` one
key range, `_apply` a plan, `_allocate_ids`, `_dates`, `_revision`, the newest upload of each
date (`_newest`, `_set_newest`: newest upload wins, core/newest.py), and the ingestion records
(`_put_record`, `_insert_record`, `_get_record`, `_latest_records`) and `_count`. Backend
errors are translated into the core's (`StoreError`, `TransientStoreError`) inside the backend,
so callers never see sqlite3 or botocore exceptions. One contract suite (tests/contract) runs
against every backend.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial
from itertools import chain
from typing import TYPE_CHECKING

from festival_cli.core.errors import NotFoundError
from festival_cli.core.interrupts import pause
from festival_cli.core.model import Lineup, Performance, festival_clock
from festival_cli.core.overlap import Meanwhile
from festival_cli.core.query import KeyRead, Query
from festival_cli.core.records import Ingestion
from festival_cli.core.schema import DATE_TIME

if TYPE_CHECKING:  # core.plan is imported where a store plans: ~2.6 ms of a query's start
    from festival_cli.core.plan import Plan
    from festival_cli.core.upload_order import Mark

# Called as work advances: (items done, items in all).
Progress = Callable[[int, int], None]


class Store(ABC):
    """Where performances and ingestion records live: SQLite locally, DynamoDB in a stack."""

    # -- primitives: each backend implements these ----------------------------------------
    @abstractmethod
    def _read(self, read: KeyRead) -> Iterable[Performance]:
        """Every stored set in one key range of the table or one index (a Query, never a scan)."""

    @abstractmethod
    def _apply(self, plan: Plan, progress: Progress | None = None,
               meanwhile: Meanwhile | None = None) -> None:
        """Write `plan.identified_puts()` and delete `plan.deletes`, all or (SQLite) nothing.
        A backend may run `meanwhile` (the caller's work, core/overlap.py) alongside a wait
        of its own outside Python; apply_lineup runs it after, if the backend did not."""

    @abstractmethod
    def _allocate_ids(self, count: int) -> int:
        """Reserve `count` consecutive set ids never handed out before (even to a concurrent
        ingestion); return the first. Called inside `_revision`."""

    @abstractmethod
    def _dates(self) -> Iterable[str]:
        """Every date that holds stored sets, in any order, without reading the sets (SQLite
        walks its date index; DynamoDB reads its register of dates). May name a date whose
        last sets an interrupted write removed, never miss one that holds sets."""

    @abstractmethod
    def _put_record(self, record: Ingestion) -> None:
        """Create or replace the ingestion record of `record.id`."""

    @abstractmethod
    def _insert_record(self, record: Ingestion) -> Ingestion | None:
        """Create the record unless its id is taken: None when created, else the record found
        there (DynamoDB: the item its refused conditional put met, not read a second time)."""

    @abstractmethod
    def _get_record(self, ingestion_id: str) -> Ingestion | None:
        """The record of that id, or None."""

    @abstractmethod
    def _latest_records(self, limit: int) -> list[Ingestion]:
        """The latest `limit` (at least 1) records, newest first."""

    @abstractmethod
    def _count(self) -> int:
        """How many sets are stored (DynamoDB: its approximate item count)."""

    @abstractmethod
    def _newest(self, dates: Sequence[str]) -> dict[str, str]:
        """The mark token (core.upload_order) of the newest upload that replaced each of
        `dates` (none known: absent). Called inside `_revision`, after `_plan_input`."""

    @abstractmethod
    def _set_newest(self, dates: Sequence[str], mark: str) -> None:
        """Keep `mark` as the newest upload that replaced `dates`; inside `_revision`."""

    def _revision(self, dates: Sequence[str]) -> contextlib.AbstractContextManager[None]:
        """Held while a plan for `dates` is computed and applied: no other revision of them runs.

        SQLite takes a write transaction; DynamoDB holds a lease per date.
        """
        return contextlib.nullcontext()

    def close(self) -> None:  # noqa: B027 - optional hook, most backends need nothing
        """Release what the store holds (a connection)."""

    # -- reading from two processes (publish/site.py) ----------------------------------------
    def reopened(self) -> Store | None:
        """This store opened anew, to read from another process (after a fork): None when the
        backend cannot (then one read serves both)."""
        return None

    def reading(self) -> contextlib.AbstractContextManager[str | None]:
        """Reads inside see one state of the store, and the block is given what identifies it:
        two readings given the same value read the same sets and records. A backend that
        cannot tell gives None (SQLite: a read transaction, its dates' versions and records)."""
        return contextlib.nullcontext()

    # -- the public interface: shared logic over the primitives ----------------------------
    def save_ingestion(self, record: Ingestion) -> None:
        """Create or replace an ingestion record."""
        self._put_record(record)

    def create_ingestion(self, record: Ingestion) -> Ingestion | None:
        """Create `record` unless its id is recorded already: None when it was created, else the
        record found under that id (a redelivery of the same upload)."""
        return self._insert_record(record)

    def get_ingestion(self, ingestion_id: str) -> Ingestion | None:
        """The record of that id, or None."""
        return self._get_record(ingestion_id)

    def recent_ingestions(self, limit: int = 10) -> list[Ingestion]:
        """The latest `limit` records, newest first (none for a limit below 1)."""
        return self._latest_records(limit) if limit > 0 else []

    def count(self) -> int:
        """How many sets are stored (DynamoDB: its approximate item count, refreshed about
        every six hours)."""
        return self._count()

    def query(self, query: Query) -> list[Performance]:
        """The answer to `query`, with the semantics and order of core.query."""
        found = chain.from_iterable(self._read(r) for r in query.reads())
        return query.answer(p for p in found if not p.cancelled)

    def stored_dates(self) -> list[str]:
        """Every date that holds stored sets, in order: each can then be read with one Query
        (`stored_on`), so the whole lineup is read without a scan (export, publish)."""
        return sorted(set(self._dates()))

    def stored_on(self, dates: Iterable[str], *, cancelled: bool = False) -> list[Performance]:
        """Every stored set of these dates, read through the `Date-Time` index; with
        `cancelled`, the tombstones of removed sets too (the diff and the published feeds)."""
        found = chain.from_iterable(self._read(KeyRead(DATE_TIME, d)) for d in dates)
        return list(found) if cancelled else [p for p in found if not p.cancelled]

    def _plan_input(self, dates: Sequence[str]) -> list[Performance]:
        """What a plan diffs against: every stored item of `dates`, tombstones included.
        DynamoDB checks its index read against per-date manifests (stores/dynamodb_manifest)."""
        return self.stored_on(dates, cancelled=True)

    def plan(self, lineup: Lineup, *, merge: bool = False,
             now: datetime | None = None) -> Plan:
        """What ingesting `lineup` would change, without writing anything. `now` (default: this
        moment) tells which festival days have passed (their tombstones go). A lineup that
        says it is not the whole of its dates (`merge`, a partial export) always merges."""
        return self._planned(lineup, lineup.dates, merge=merge or lineup.merge, now=now)

    def apply_lineup(
        self,
        lineup: Lineup,
        *,
        merge: bool = False,
        progress: Progress | None = None,
        now: datetime | None = None,
        then: Callable[[Plan], None] | None = None,
        mark: Mark | None = None,
        meanwhile: Callable[[Plan], None] | None = None,
    ) -> Plan:
        """Make the stored sets of the lineup's dates what the lineup says; return the plan.

        New sets get fresh ids here, inside the revision, so no two sets ever share one.
        `then(plan)` runs inside the same revision once the plan is applied: what it writes
        (the ingestion record) commits with the sets in SQLite, or is written while the leases
        of the dates are held in DynamoDB, never on its own.

        With the upload's `mark` (core.upload_order), newest upload wins (core/newest.py): what
        newer uploads wrote is left as it is (the plan's `kept` and `superseded` say what), a
        replacing upload is kept as the newest of the dates it wrote, and a merge's sets carry
        its mark. Without one (tests, tools) the lineup is applied whatever came before.

        `meanwhile(plan)` is the caller's work that needs the plan but not the store (the
        record's change list, the file's warnings): it runs once before `then`, while the
        backend waits on its own work where it can (core/overlap.py).
        """
        dates = lineup.dates  # once: a pass over every set (~7 ms for 100,000)
        with self._revision(dates):
            plan = self._planned(lineup, dates, merge=merge or lineup.merge, now=now,
                                 mark=mark)
            if plan.writes and (fresh := plan.fresh_count):
                from festival_cli.core.plan import new_guid_prefix

                plan = plan.with_fresh_ids(self._allocate_ids(fresh), new_guid_prefix())
            work = Meanwhile(None if meanwhile is None else partial(meanwhile, plan))
            if plan.writes:
                self._apply(plan, progress, work)
            elif progress is not None:
                progress(len(lineup.performances), len(lineup.performances))
            work()  # unless the backend ran it alongside a wait of its own
            if mark is not None and not plan.merge and plan.dates:
                self._set_newest(plan.dates, mark.token)
            pause("applied")
            if then is not None:
                then(plan)
            pause("recorded")
        return plan

    def _planned(self, lineup: Lineup, dates: Sequence[str], *, merge: bool,
                 now: datetime | None, mark: Mark | None = None) -> Plan:
        """The plan of `lineup` (its `dates`) against what is stored; with the upload's `mark`,
        what newer uploads wrote left out (core/newest.py: inside the revision only)."""
        from festival_cli.core.plan import compute_plan

        stored = self._plan_input(dates)
        clock = festival_clock(lineup.timezone, now)
        if mark is None:
            return compute_plan(lineup.performances, stored, merge=merge, clock=clock,
                                dates=dates)
        # Imported here: only an upload sifts, and with core.upload_order (hashlib behind it)
        # it is ~6 ms of every command's start, `festival query`'s included (its 0.3x row).
        from festival_cli.core.newest import sift

        sifted = sift(lineup, dates, stored, self._newest(dates), mark, merge=merge)
        plan = compute_plan(sifted.incoming, sifted.stored, merge=merge, dates=sifted.dates,
                            clock=clock)
        return replace(plan, kept=sifted.kept, superseded=sifted.superseded,
                       superseded_sets=sifted.dropped)

    def export(self, queries: Iterable[Query] | None = None) -> Lineup:
        """The sets any of `queries` selects (None: every stored set, read date by date), once
        each and in order (what `festival export` writes). Each set keeps the festival and time
        zone of the file that wrote it; the lineup is named with theirs when they share one,
        else with none (`Lineup.origins()` lists them). A selection that is not the whole of
        its dates (by performer, stage, time or popularity) is marked `merge`: uploaded back,
        it must not remove the other sets of those dates."""
        partial = False
        if queries is None:
            found = {p.key: p for p in self.stored_on(self.stored_dates())}
        else:
            queries = list(queries)
            partial = not all(q.whole_date for q in queries)
            found = {p.key: p for q in queries for p in self.query(q)}
        sets = tuple(sorted(found.values(), key=Performance.chronological))
        return Lineup.named_by_origin(sets, merge=partial)

    def ingestions(self, ingestion_id: str | None = None, limit: int = 10, *,
                   where: str = "") -> list[Ingestion]:
        """The record of `ingestion_id` (NotFoundError naming `where` when there is none), or
        the latest `limit` records (what `festival status` lists)."""
        if ingestion_id is None:
            return self.recent_ingestions(limit)
        record = self.get_ingestion(ingestion_id)
        if record is None:
            raise NotFoundError(f"no ingestion with id '{ingestion_id}'{where}")
        return [record]

    @staticmethod
    def _dates_touched(plan: Plan) -> tuple[set[str], set[str]]:
        """(dates the plan writes sets to, dates it leaves without any set): what a backend
        that keeps a register of dates adds before writing and takes off after deleting.
        A plan of `compute_plan` lists every row its dates keep (as added, updated, unchanged,
        cancelled or resting tombstones), and a merge deletes nothing, so a date is left empty
        only when all its rows are deleted."""
        filled = {p.date for p in plan.puts}
        kept = filled | {p.date for p in chain(plan.unchanged, plan.resting, plan.kept)}
        return filled, {p.date for p in plan.deletes} - kept

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
