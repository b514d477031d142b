"""The calendar feeds: `festival.ics` (every set) and `stages/<stage-slug>.ics` (one per stage).

Written by core.calendar (the writer `festival export --output ics` uses): UID `<guid>@festival`
(the same UID the page's "my schedule" download gives, so importing both never duplicates a
set), `SEQUENCE` the set's count of changes, and the tombstone of a removed set as
`STATUS:CANCELLED` with its sequence raised until its festival day has passed, so a subscribed
calendar drops it instead of keeping a ghost. Each VEVENT is made once and shared by the
festival's calendar and its stage's; each calendar carries one VTIMEZONE, the festival's.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from festival_cli.core.calendar import known_zone, utc_stamp, vcalendar_pieces, vevent
from festival_cli.core.model import Performance
from festival_cli.publish.c3voc import distinct, slug, stage_order
from festival_cli.publish.snapshot import Snapshot

FESTIVAL_CALENDAR = "festival.ics"
STAGES_FOLDER = "stages"


def stage_paths(stages: list[str]) -> dict[str, str]:
    """Each stage's calendar path, `stages/main.ics`; stages whose names make the same slug
    are told apart as `main-2.ics`, in the stages' (stable) order."""
    names = distinct(slug(stage, "-") or "stage" for stage in stages)
    return {stage: f"{STAGES_FOLDER}/{name}.ics" for stage, name in zip(stages, names,
                                                                        strict=True)}


def calendars(site: Snapshot, *, stamp: datetime) -> Iterator[tuple[str, list[str]]]:
    """(path, calendar text in pieces), made one at a time: the festival's, then one per stage (with
    its cancelled sets)."""
    zone = known_zone(site.timezone)
    zones = () if zone is None else (zone,)  # the festival's, the one every calendar carries
    # The snapshot's sets are chronological already: merged with its tombstones only if any.
    rows = (sorted((*site.sets, *site.cancelled), key=Performance.chronological)
            if site.cancelled else site.sets)
    dtstamp = utc_stamp(stamp)
    events = [vevent(p, dtstamp=dtstamp, festival=site.festival, zone=zone) for p in rows]
    yield FESTIVAL_CALENDAR, vcalendar_pieces(events, rows, festival=site.festival,
                                              zones=zones)
    by_stage: dict[str, list[int]] = {}
    for i, p in enumerate(rows):
        by_stage.setdefault(p.stage, []).append(i)
    title = site.festival or "Festival"
    for stage, path in stage_paths(stage_order(tuple(rows))).items():
        mine = by_stage[stage]
        yield path, vcalendar_pieces((events[i] for i in mine), (rows[i] for i in mine),
                                     festival=site.festival, zones=zones,
                                     name=f"{title}: {stage}")
