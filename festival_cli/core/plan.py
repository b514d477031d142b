"""The one diff: what ingesting a lineup changes in what is stored, and what that writes.

A lineup file is the whole lineup of every date it lists. Against the sets stored for those
dates, ingesting it adds the new sets, updates those whose stage, end or popularity changed,
removes the stored sets it no longer lists (unless merging) and leaves the unchanged ones alone.
A set is keyed by performer + date + start, so a set that moves to another start is a removal
plus an addition; a removal and an addition of one performer on one festival day (06:00 to
06:00, `model.festival_day`) are paired as a move (`Plan.moves()`, same stage first): one set
that changed, shown as old -> new.

Identity (what apps track a set by: guid, integer id, and `sequence`, its count of changes) is
carried over here, so that it survives revisions:
- an updated or moved set keeps its guid and id, its sequence raised;
- a removed set is kept as a cancelled tombstone (sequence raised) until its festival day has
  passed, then deleted; a later revision listing that performer on that day again revives it,
  identity and all (at its old key, or at another time or stage);
- a set never stored before has no identity in the plan: the store gives it a fresh id when it
  applies the plan (`with_fresh_ids`), and `identified_puts()` yields every put with its identity.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import chain
from operator import attrgetter

from festival_cli.core.model import Performance, day_over, new_performance

# What a store writes for one set: the set, its guid, id, sequence and cancelled flag.
IdentifiedSet = tuple[Performance, str, int, int, bool]
Group = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Update:
    """A set whose key stayed but whose stage, end or popularity changed."""

    before: Performance
    after: Performance


@dataclass(frozen=True, slots=True)
class Move:
    """A removal and an addition of one performer on one festival day: shown as old -> new."""

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
    moved: tuple[Move, ...] = ()  # removals paired with additions (each in both lists too)
    cancelled: tuple[Performance, ...] = ()  # tombstones of the removals that are not moves
    purged: tuple[Performance, ...] = ()  # stored rows deleted: passed tombstones, revived ones
    # Unchanged sets rewritten for bookkeeping only: stored without an identity yet, or listed
    # by a merge upload whose mark they now carry (core/newest.py).
    backfilled: tuple[Performance, ...] = ()
    resting: tuple[Performance, ...] = ()  # stored tombstones the plan leaves as they are
    # Newest upload wins (core/newest.py): stored sets a newer upload wrote, left as they are;
    # what of the file was not written, with the newer ingestion; how many of its sets.
    kept: tuple[Performance, ...] = ()
    superseded: tuple[tuple[str, str], ...] = ()
    superseded_sets: int = 0
    first_id: int | None = None  # the first fresh id the store allocated (`with_fresh_ids`)
    guid_prefix: str = ""

    # -- what a store writes --------------------------------------------------------------
    @property
    def puts(self) -> list[Performance]:
        """Items to write: new sets, the new version of updated ones, tombstones, backfills."""
        return [*self.added, *(u.after for u in self.updated), *self.cancelled,
                *self.backfilled]

    @property
    def deletes(self) -> list[Performance]:
        """Keys to delete: the old keys of moved sets, and what was purged."""
        return [*(m.before for m in self.moved), *self.purged]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    @property
    def writes(self) -> bool:
        """Whether applying the plan writes anything (a change, or identities to backfill)."""
        return self.changed or bool(self.backfilled)

    @property
    def fresh_count(self) -> int:
        """How many puts need a fresh identity (the ids a store allocates for this plan)."""
        return sum(1 for p in self.puts if p.guid is None or p.set_id is None)

    def with_fresh_ids(self, first_id: int, guid_prefix: str) -> Plan:
        """The plan whose fresh sets get ids `first_id`, `first_id + 1`, … (in `puts` order)
        and guids `guid_prefix` + the id as 12 hex digits (see `new_guid_prefix`)."""
        return replace(self, first_id=first_id, guid_prefix=guid_prefix)

    def identified_puts(self) -> Iterator[IdentifiedSet]:
        """Every put with its identity: carried over, or fresh from `with_fresh_ids`.

        Fresh identities are made here, as the store writes, not as 100,000 copies of sets.
        """
        next_id = self.first_id
        for p in self.puts:
            if p.guid is not None and p.set_id is not None:
                yield p, p.guid, p.set_id, p.sequence, p.cancelled
                continue
            if next_id is None:
                raise ValueError("a plan with new sets is applied without fresh ids")
            yield p, fresh_guid(self.guid_prefix, next_id), next_id, p.sequence, p.cancelled
            next_id += 1

    @property
    def all_fresh(self) -> bool:
        """Every put gets a fresh identity: its id `first_id` + its place in `puts`, its guid
        `fresh_guid` of that (a first upload; a store may then make them itself). A put
        without a guid is fresh; looked for in C (`any` of the guids, no guid being empty)."""
        puts = self.puts
        return self.first_id is not None and bool(puts) and not any(map(_GUID, puts))

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "removed": len(self.removed),
            "unchanged": len(self.unchanged),
        }

    # -- what a person reads --------------------------------------------------------------
    def moves(self) -> list[Move]:
        """Removed + added pairs of the same performer and festival day."""
        return list(self.moved)

    def changes(
        self, limit: int | None = None
    ) -> list[tuple[str, Performance | None, Performance | None]]:
        """Every change set by set, in display order: (kind, before, after).

        kind is `added`, `moved`, `changed` or `removed`; a move replaces its removal and
        addition. Ordered by date, stage, then time. With `limit`, only the first `limit`
        (a first upload of 100,000 sets need not sort them all to show 50).
        """
        moves = self.moved
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
        return len(self.added) + len(self.updated) + len(self.removed) - len(self.moved)


def compute_plan(
    incoming: Iterable[Performance],
    stored: Iterable[Performance],
    *,
    merge: bool = False,
    clock: datetime | None = None,
    dates: Iterable[str] | None = None,
) -> Plan:
    """Diff a validated lineup (its keys are unique) against the sets stored for its dates.

    `stored` may hold sets of other dates too (never touched) and tombstones (`cancelled`).
    `clock` is the festival's local wall-clock time (`model.festival_clock`): tombstones of the
    festival days before it are deleted; without it none is. `dates`: the dates the lineup
    revises (default: those of its sets; newest-upload-wins may leave a date without any).
    """
    incoming = tuple(incoming)
    covered = set(dates) if dates is not None else {p.date for p in incoming}
    dates = tuple(sorted(covered))
    current: dict[tuple[str, str], Performance] = {}
    tombs: dict[tuple[str, str], Performance] = {}
    for p in stored:
        if p.date in covered:
            (tombs if p.cancelled else current)[p.key] = p
    if not current and not tombs:
        # Nothing stored for these dates (a first upload): every set is new, and keying
        # 100,000 of them only to find that out would cost a tenth of a second.
        return Plan(dates=dates, added=incoming, merge=merge)
    wanted = {p.key: p for p in incoming}

    added: list[Performance] = []
    updated: list[Update] = []
    unchanged: list[Performance] = []
    backfilled: list[Performance] = []
    for key, new in wanted.items():
        old = current.get(key)
        if old is None:
            tomb = tombs.pop(key, None)
            added.append(new if tomb is None else succeed(new, tomb))  # revived in place
        elif old == new and old.origin == new.origin:
            unchanged.append(new)
            if old.guid is None:
                backfilled.append(new)
            elif new.upload is not None and new.upload != old.upload:
                # new_performance, not replace: 100,000 backfilled sets plan in 285 ms, not 676
                backfilled.append(new_performance(
                    new.performer, new.stage, new.date, new.start, new.end, new.popularity,
                    old.guid, old.set_id, old.sequence, new.cancelled, new.festival,
                    new.timezone, new.upload))
        else:
            updated.append(Update(before=old, after=succeed(new, old)))
    removed = [] if merge else [p for key, p in current.items() if key not in wanted]

    moved: list[Move] = []
    revived: list[Performance] = []
    if removed or tombs:
        fresh = [p for p in added if p.guid is None]
        moved, revived, heirs = _pair(fresh, removed, list(tombs.values()))
        added = [heirs.get(p.key, p) for p in added]
    moved_from = {m.before.key for m in moved}
    revived_keys = {p.key for p in revived}
    gone = [p for p in removed if p.key not in moved_from]
    passed = [] if clock is None else [p for p in gone if day_over(p.festival_day, clock)]
    passed_keys = {p.key for p in passed}
    cancelled = [replace(p, cancelled=True, sequence=p.sequence + 1)
                 for p in gone if p.key not in passed_keys]
    expired = [] if clock is None else [
        p for p in tombs.values()
        if p.key not in revived_keys and day_over(p.festival_day, clock)]
    ending = revived_keys | {p.key for p in expired}
    return Plan(
        dates=dates,
        added=tuple(added),
        updated=tuple(updated),
        removed=tuple(removed),
        unchanged=tuple(unchanged),
        merge=merge,
        moved=tuple(moved),
        cancelled=tuple(cancelled),
        purged=(*revived, *passed, *expired),
        backfilled=tuple(backfilled),
        resting=tuple(p for p in tombs.values() if p.key not in ending),
    )


_GUID = attrgetter("guid")
GUID_ID_HEX_DIGITS = 12  # a fresh guid: its plan's prefix, then the set's id in 12 hex digits


def fresh_guid(prefix: str, set_id: int) -> str:
    """The guid of a fresh set: `prefix` (`new_guid_prefix`) and the id, GUID_ID_HEX_DIGITS
    hex digits."""
    return f"{prefix}{set_id:0{GUID_ID_HEX_DIGITS}x}"


def new_guid_prefix() -> str:
    """The first 24 characters of a random (version 4) UUID, `xxxxxxxx-xxxx-4xxx-yxxx-`.

    A fresh set's guid is this prefix and its id as 12 hex digits: a well-formed UUID, random
    per ingestion and unique by the id, made for 100,000 sets without 100,000 uuid4() calls.
    """
    import uuid  # only when writing new sets

    return str(uuid.uuid4())[:24]


def succeed(new: Performance, old: Performance) -> Performance:
    """`new` as the next version of `old`: its identity, one more change."""
    return replace(new, guid=old.guid, set_id=old.set_id, sequence=old.sequence + 1)


def _pair(
    added: list[Performance], removed: list[Performance], tombs: list[Performance]
) -> tuple[list[Move], list[Performance], dict[tuple[str, str], Performance]]:
    """Give new sets the identity of a removed set (a move) or of a tombstone (a revival) of the
    same performer and festival day: the same stage first, earliest with earliest.

    Returns the moves, the tombstones revived at another key (to delete), and the new sets
    with the identity they inherit, by key.
    """
    heirs: dict[tuple[str, str], Performance] = {}
    moves: list[Move] = []
    revived: list[Performance] = []
    taken: set[tuple[str, str]] = set()
    pending = sorted(added, key=Performance.chronological)
    for candidates, is_move in ((removed, True), (tombs, False)):
        for group in (_same_stage, _same_day):
            if not pending or not candidates:
                break
            by_group: dict[Group, list[Performance]] = {}
            for p in sorted(candidates, key=Performance.chronological):
                if p.key not in taken:
                    by_group.setdefault(group(p), []).append(p)
            left = []
            for p in pending:
                found = by_group.get(group(p))
                if not found:
                    left.append(p)
                    continue
                old = found.pop(0)
                taken.add(old.key)
                heirs[p.key] = heir = succeed(p, old)
                if is_move:
                    moves.append(Move(before=old, after=heir))
                else:
                    revived.append(old)
            pending = left
    return moves, revived, heirs


def _same_stage(p: Performance) -> Group:
    return (p.performer, p.festival_day, p.stage)


def _same_day(p: Performance) -> Group:
    return (p.performer, p.festival_day)
