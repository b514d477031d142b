"""What a published site shows, read once from a store: the sets, the tombstones, the changes.

Reading takes Queries only, never a scan: the register of stored dates, one `Date-Time` read per
date (tombstones included), and the latest ingestion records. Nothing is written.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from itertools import chain
from operator import attrgetter
from typing import NamedTuple

from festival_cli.core.errors import NotFoundError, OptionError
from festival_cli.core.model import Performance, day_over, festival_clock
from festival_cli.core.records import Ingestion
from festival_cli.core.store import Store

FEED_ENTRIES = 50  # changing ingestions in the Atom feed, newest first
RECORDS_READ = 200  # recent ingestion records read to find them (unchanged re-uploads between)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LEGACY = uuid.UUID("8f4a3c1e-6b2d-4e7f-a1c9-3d5e7f9b1a20")  # provisional guids of old sets


class Snapshot(NamedTuple):  # not a dataclass: see the package docstring
    """One festival's published state."""

    festival: str | None
    timezone: str | None
    sets: tuple[Performance, ...]  # live sets, chronological
    cancelled: tuple[Performance, ...]  # tombstones whose festival day has not passed
    changes: tuple[Ingestion, ...]  # ingestions that changed the lineup, newest first

    @property
    def updated(self) -> datetime:
        """When the lineup last changed (the newest changing ingestion's end), else the epoch:
        a stamp that stays the same while nothing changes, so republishing gives the same bytes."""
        for record in self.changes:
            if record.finished:
                return datetime.fromisoformat(record.finished)
        return EPOCH


def read_snapshot(store: Store, festival: str | None = None, *,
                  now: datetime | None = None) -> Snapshot:
    """The published state of one festival of the store: `festival` (by name; "" the sets of
    files that named none), or the only one it holds.

    A store that holds several festivals and no `festival` named is an OptionError listing
    them (the caller spells the option); a name it does not hold is a NotFoundError listing
    what it holds; an empty store is a NotFoundError.
    """
    return pick(read_snapshots(store, now=now), festival)


def pick(held: list[Snapshot], festival: str | None) -> Snapshot:
    """The festival named `festival` ("" the sets of files naming none) among `held`, or the
    only one: an OptionError listing them when there are several and no name, a NotFoundError
    listing them for a name that is not among them."""
    if festival is None:
        if len(held) > 1:
            raise OptionError(f"the store holds {len(held)} festivals ({{held}}): name the one "
                              "to publish with {festival}", "festival", held=listed(held))
        return held[0]
    for site in held:
        if (site.festival or "") == festival:
            return site
    raise NotFoundError(f"no festival named '{festival}' here: the store holds {listed(held)}")


def read_snapshots(store: Store, *, now: datetime | None = None) -> list[Snapshot]:
    """The published state of every festival the store holds, by name ("" first).

    The sets are read once (one `Date-Time` read per date) and told apart by the festival each
    keeps (that of the file that wrote it); each festival's time zone is the one most of its
    sets keep, its changes the ingestions of files naming it. A store without a set (live, or
    cancelled on a day still to come) is a NotFoundError.
    """
    records = store.recent_ingestions(RECORDS_READ)  # one read: the feeds of every festival
    rows = store.stored_on(store.stored_dates(), cancelled=True)
    clocks: dict[str | None, datetime] = {}

    def coming(p: Performance) -> bool:  # a tombstone is kept until its festival day has passed
        clock = clocks.get(p.timezone) or clocks.setdefault(
            p.timezone, festival_clock(p.timezone, now))
        return not day_over(p.festival_day, clock)

    live, gone = _identified([p for p in rows if not p.cancelled],
                             [p for p in rows if p.cancelled and coming(p)])
    by_name: dict[str, tuple[list[Performance], list[Performance]]] = {}
    festivals = {*map(_FESTIVAL, live), *map(_FESTIVAL, gone)}
    if len(festivals) == 1:  # the usual store: one festival, its sets as they are
        by_name[festivals.pop() or ""] = (live, gone)
    else:
        for group, found in ((0, live), (1, gone)):
            for p in found:
                by_name.setdefault(p.festival or "", ([], []))[group].append(p)
    if not by_name:
        raise NotFoundError("nothing to publish: the store holds no sets (upload a lineup first)")
    changes = [r for r in records if r.changed]
    sites = []
    for name in sorted(by_name):
        sets, cancelled = by_name[name]
        zones = Counter(map(_TIMEZONE, chain(sets, cancelled)))
        sites.append(Snapshot(
            festival=name or None,
            timezone=zones.most_common(1)[0][0],
            sets=tuple(sorted(sets, key=Performance.chronological)),
            cancelled=tuple(sorted(cancelled, key=Performance.chronological)),
            changes=tuple([r for r in changes if (r.festival or "") == name][:FEED_ENTRIES])))
    return sites


_FESTIVAL, _TIMEZONE = attrgetter("festival"), attrgetter("timezone")


def listed(sites: list[Snapshot]) -> str:
    """`'Riverside Sounds 2026' (3 sets), '' (files that named no festival: 2 sets)`."""
    def sets(site: Snapshot) -> str:
        n = len(site.sets) + len(site.cancelled)
        return f"{n:,} set{'s' if n != 1 else ''}"

    return ", ".join(f"'{s.festival}' ({sets(s)})" if s.festival
                     else f"'' (files that named no festival: {sets(s)})" for s in sites)


def _identified(*groups: list[Performance]) -> tuple[list[Performance], ...]:
    """The sets, each with a guid and an id. A set stored by a festival before identities (a
    stack's table; local stores were upgraded) gets a provisional one until its date is next
    revised: a guid from its key, an id after every stored one."""
    last = max((p.set_id or 0 for group in groups for p in group), default=0)
    out = []
    for group in groups:
        done = []
        for p in group:
            if p.guid is None or p.set_id is None:
                last += 1
                p = replace(p, guid=str(uuid.uuid5(LEGACY, "\n".join(p.key))), set_id=last)
            done.append(p)
        out.append(done)
    return tuple(out)
