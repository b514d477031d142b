"""The one diff: what ingesting a lineup changes in what is stored.

A lineup file is the whole lineup of every date it lists. Against the sets stored for those
dates, ingesting it adds the new sets, updates those whose stage, end or popularity changed,
removes the stored sets it no longer lists (unless merging) and leaves the unchanged ones alone.
A set is identified by performer + date + start (its key); a moved set is therefore a removal
plus an addition, which `Plan.moves()` pairs up for people to read.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import chain

from festival_cli.core.model import Performance


@dataclass(frozen=True, slots=True)
class Update:
    """A set whose key stayed but whose stage, end or popularity changed."""

    before: Performance
    after: Performance


@dataclass(frozen=True, slots=True)
class Move:
    """A removal and an addition of one performer on one date and stage: shown as old -> new."""

    before: Performance
    after: Performance


@dataclass(frozen=True)
class Plan:
    """The changes one ingestion makes, computed once in the core and applied by any store."""

    dates: tuple[str, ...]
    added: tuple[Performance, ...] = ()
    updated: tuple[Update, ...] = ()
    removed: tuple[Performance, ...] = ()
    unchanged: tuple[Performance, ...] = ()
    merge: bool = False

    # -- what a store writes --------------------------------------------------------------
    @property
    def puts(self) -> list[Performance]:
        """Items to write: the new sets and the new version of each updated set."""
        return [*self.added, *(u.after for u in self.updated)]

    @property
    def deletes(self) -> list[Performance]:
        return list(self.removed)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "removed": len(self.removed),
            "unchanged": len(self.unchanged),
        }

    # -- what a person reads --------------------------------------------------------------
    def moves(self) -> list[Move]:
        """Removed + added pairs of the same performer, date and stage (the first of each)."""
        return list(self._moves)

    @cached_property
    def _moves(self) -> tuple[Move, ...]:
        # Paired once per plan: changes() and change_count() both need them.
        if not (self.removed and self.added):
            return ()  # nothing to pair (a first upload of 100,000 sets need not sort them)
        removed_by: dict[tuple[str, str, str], list[Performance]] = {}
        for p in sorted(self.removed, key=Performance.chronological):
            removed_by.setdefault((p.performer, p.date, p.stage), []).append(p)
        moves = []
        for p in sorted(self.added, key=Performance.chronological):
            candidates = removed_by.get((p.performer, p.date, p.stage))
            if candidates:
                moves.append(Move(before=candidates.pop(0), after=p))
        return tuple(moves)

    def changes(
        self, limit: int | None = None
    ) -> list[tuple[str, Performance | None, Performance | None]]:
        """Every change set by set, in display order: (kind, before, after).

        kind is `added`, `moved`, `changed` or `removed`; a move replaces its removal and
        addition. Ordered by date, stage, then time. With `limit`, only the first `limit`
        (a first upload of 100,000 sets need not sort them all to show 50).
        """
        moves = self._moves
        moved_from = {m.before.key for m in moves}
        moved_to = {m.after.key for m in moves}
        rows: Iterable[tuple[str, Performance | None, Performance | None]] = chain(
            (("added", None, p) for p in self.added if not moves or p.key not in moved_to),
            (("moved", m.before, m.after) for m in moves),
            (("changed", u.before, u.after) for u in self.updated),
            (("removed", p, None) for p in self.removed
             if not moves or p.key not in moved_from),
        )

        def order(row: tuple[str, Performance | None, Performance | None]) -> tuple[str, ...]:
            p = row[2] or row[1]
            assert p is not None
            return (p.date, p.stage, p.start, p.performer)

        if limit is not None:
            return heapq.nsmallest(limit, rows, key=order)
        return sorted(rows, key=order)

    def change_count(self) -> int:
        """How many rows `changes()` has: each move is one row, not a removal and an addition."""
        return len(self.added) + len(self.updated) + len(self.removed) - len(self._moves)


def compute_plan(
    incoming: Iterable[Performance], stored: Iterable[Performance], *, merge: bool = False
) -> Plan:
    """Diff a validated lineup (its keys are unique) against the sets stored for its dates.

    `stored` may hold sets of other dates too; they are never touched.
    """
    incoming = tuple(incoming)
    covered = {p.date for p in incoming}
    dates = sorted(covered)
    current = {p.key: p for p in stored if p.date in covered}
    if not current:
        # Nothing stored for these dates (a first upload): every set is new, and keying
        # 100,000 of them only to find that out would cost a tenth of a second.
        return Plan(dates=tuple(dates), added=incoming, merge=merge)
    wanted = {p.key: p for p in incoming}

    added: list[Performance] = []
    updated: list[Update] = []
    unchanged: list[Performance] = []
    for key, new in wanted.items():
        old = current.get(key)
        if old is None:
            added.append(new)
        elif old == new:
            unchanged.append(new)
        else:
            updated.append(Update(before=old, after=new))
    removed = [] if merge else [p for key, p in current.items() if key not in wanted]
    return Plan(
        dates=tuple(dates),
        added=tuple(added),
        updated=tuple(updated),
        removed=tuple(removed),
        unchanged=tuple(unchanged),
        merge=merge,
    )
