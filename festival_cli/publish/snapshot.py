"""What a published site shows, read once from a store: the sets, the tombstones, the changes.

Reading takes Queries only, never a scan: the register of stored dates, one `Date-Time` read per
date (tombstones included), and the latest ingestion records. Nothing is written.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from festival_cli.core.errors import NotFoundError
from festival_cli.core.model import Performance, day_over, festival_clock
from festival_cli.core.records import Ingestion, named_festival
from festival_cli.core.store import Store

FEED_ENTRIES = 50  # changing ingestions in the Atom feed, newest first
RECORDS_READ = 200  # recent ingestion records read to find them (unchanged re-uploads between)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LEGACY = uuid.UUID("8f4a3c1e-6b2d-4e7f-a1c9-3d5e7f9b1a20")  # provisional guids of old sets


@dataclass(frozen=True)
class Snapshot:
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


def changed(record: Ingestion) -> bool:
    """Did this ingestion change the stored lineup?"""
    return record.state == "succeeded" and any(
        record.counts.get(name) for name in ("added", "updated", "removed"))


def read_snapshot(store: Store, festival: str | None = None, *,
                  now: datetime | None = None) -> Snapshot:
    """The published state of the store's festival (`festival` names it when it is asked for).

    A name that is not the store's is a NotFoundError naming the one it holds.
    """
    records = store.recent_ingestions(RECORDS_READ)  # one read: the festival and the feed
    name, zone = named_festival(records)
    if festival is not None and festival != name:
        held = f"'{name}'" if name else "an unnamed festival"
        raise NotFoundError(f"no festival named '{festival}' here: the store holds {held}")
    rows = store.stored_on(store.stored_dates(), cancelled=True)
    clock = festival_clock(zone, now)
    live = sorted((p for p in rows if not p.cancelled), key=Performance.chronological)
    gone = sorted((p for p in rows if p.cancelled and not day_over(p.festival_day, clock)),
                  key=Performance.chronological)
    changes = [r for r in records if changed(r)]
    live, gone = _identified(live, gone)
    return Snapshot(festival=name, timezone=zone, sets=tuple(live), cancelled=tuple(gone),
                    changes=tuple(changes[:FEED_ENTRIES]))


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
