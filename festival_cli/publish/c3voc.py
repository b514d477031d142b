"""The c3voc schedule of a lineup: `schedule.json` and `schedule.xml`, the format frab, pretalx
and pentabarf publish and Giggity, EventFahrplan, congress apps and info-beamer read.

Valid against the c3voc schemas (`validator/json/schema.json`, nested version 1, and
`validator/xsd/schedule.xml.xsd` of github.com/voc/schedule; copies under tests/c3voc/):
- conference title and acronym from the festival (the acronym a slug: `riverside_sounds_2026`);
- one day per festival day that has sets, 06:00 to 06:00 next morning (`model.festival_day`,
  the timetable's rule), `day_start`/`day_end` with the festival's UTC offset (UTC when the
  lineup names no zone);
- one room per stage on every day, alphabetical ignoring case (the timetable's default order,
  so a stage keeps its place), each with a guid derived from the festival and the stage;
- one event per live set: its guid and id (stable through moves), title = performer, room =
  stage, `date` with offset, `start`, `duration`, `end`, type `concert`.

The JSON document is built first and the XML is written from it, so the two cannot disagree.
Cancelled sets are not events (neither schema has a status); the page learns of them by their
absence, calendars by the `.ics` feeds.
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

from festival_cli.core.calendar import known_zone
from festival_cli.core.model import DEFAULT_DAY_STARTS, Performance, shift_date
from festival_cli.publish.snapshot import Snapshot

SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
GENERATOR = "festival"
EVENT_TYPE = "concert"
TIMESLOT = "00:15"
# Names are derived from these (uuid5), so the same stage of the same festival keeps its guid.
NAMESPACE = uuid.UUID("5b0c1f7e-3a52-4f3e-9a55-0f9b6e1c2d40")
# What the JSON schema accepts as `time_zone_name` (its own pattern, searched as JSON Schema does).
_ZONE_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Characters XML 1.0 does not allow at all (a performer name may hold one): dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def slug(text: str, separator: str = "_") -> str:
    """`Sigur Rós` -> `sigur_ros`: ASCII letters and digits, accents dropped ('' if none)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _NOT_SLUG.sub(separator, folded).strip(separator)


def acronym(festival: str | None) -> str:
    """The conference acronym (c3voc: `[a-z0-9_]{4,}`): the festival's name as a slug."""
    name = slug(festival or "") or "festival"
    return name if len(name) >= 4 else f"{name}_festival"


def festival_days(sets: tuple[Performance, ...]) -> dict[str, list[Performance]]:
    """The sets by festival day, days in order, each day's sets chronological."""
    days: dict[str, list[Performance]] = {}
    for p in sets:  # chronological already
        days.setdefault(p.festival_day, []).append(p)
    return dict(sorted(days.items()))


def stage_order(sets: tuple[Performance, ...]) -> list[str]:
    """Every stage, alphabetical ignoring case (as `festival timetable` orders them)."""
    return sorted({p.stage for p in sets}, key=lambda s: (s.casefold(), s))


def schedule_document(site: Snapshot, *, version: str, base_url: str | None = None,
                      ) -> dict[str, Any]:
    """The schedule.json document (c3voc, version 1)."""
    zone = known_zone(site.timezone)
    short = acronym(site.festival)
    stages = stage_order(site.sets)
    at = _Clock(zone)
    days = []
    for index, (day, sets) in enumerate(festival_days(site.sets).items(), start=1):
        rooms: dict[str, list[dict[str, Any]]] = {stage: [] for stage in stages}
        for p in sets:
            rooms[p.stage].append(_event(p, at, short, base_url))
        days.append({"index": index, "date": day, "day_start": at(day, DEFAULT_DAY_STARTS),
                     "day_end": at(shift_date(day, 1), DEFAULT_DAY_STARTS), "rooms": rooms})
    dates = [d["date"] for d in days]
    conference: dict[str, Any] = {
        "acronym": short,
        "title": site.festival or "Festival",
        "start": dates[0] if dates else site.updated.date().isoformat(),
        "end": dates[-1] if dates else site.updated.date().isoformat(),
        "daysCount": len(days),
        "timeslot_duration": TIMESLOT,
    }
    zone_name = zone.key if zone is not None else "UTC"
    if _ZONE_NAME.search(zone_name):
        conference["time_zone_name"] = zone_name
    if base_url:
        conference["url"] = base_url
    conference["rooms"] = [{"name": s, "guid": room_guid(short, s)} for s in stages]
    conference["days"] = days
    return {"$schema": SCHEMA_URL, "generator": {"name": GENERATOR},
            "schedule": {"version": version, "conference": conference}}


def room_guid(short: str, stage: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{short}\n{stage}"))


def _event(p: Performance, at: _Clock, short: str, base_url: str | None) -> dict[str, Any]:
    guid, set_id = p.guid, p.set_id  # every set of a snapshot has them
    minutes = p.duration_minutes
    return {
        "guid": guid,
        "id": set_id,
        "date": at(p.date, p.start),
        "start": p.start,
        "end": at(p.end_date, p.end),
        "duration": f"{minutes // 60:02d}:{minutes % 60:02d}",
        "room": p.stage,
        "slug": f"{short}-{set_id}-{slug(p.performer) or 'set'}",
        "url": f"{base_url}#day={p.festival_day}" if base_url else f"urn:uuid:{guid}",
        "title": p.performer,
        "subtitle": None,
        "track": None,
        "type": EVENT_TYPE,
        "language": None,
        "abstract": None,
        "persons": [],
        "links": [],
    }


class _Clock:
    """Local festival date and time -> ISO 8601 with the zone's offset on that day (cached:
    a lineup has few distinct start times)."""

    def __init__(self, zone: ZoneInfo | None) -> None:
        self.zone = zone
        self._stamp = cache(self._format)

    def __call__(self, day: str, hhmm: str) -> str:
        return self._stamp(day, hhmm)

    def _format(self, day: str, hhmm: str) -> str:
        local = datetime.fromisoformat(f"{day}T{hhmm}")
        offset = local.replace(tzinfo=self.zone).utcoffset() if self.zone else None
        return f"{day}T{hhmm}:00{_offset(offset or timedelta(0))}"


def _offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# -- the two serialisations --------------------------------------------------------------------
def schedule_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def schedule_xml(document: dict[str, Any]) -> bytes:
    """schedule.xml from the JSON document (pentabarf/frab layout)."""
    conference = document["schedule"]["conference"]
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<schedule>\n',
           f"  <generator name={_attr(GENERATOR)}/>\n",
           f"  <version>{_text(document['schedule']['version'])}</version>\n",
           "  <conference>\n"]
    for key, tag in (("acronym", "acronym"), ("title", "title"), ("start", "start"),
                     ("end", "end"), ("daysCount", "days"),
                     ("timeslot_duration", "timeslot_duration"),
                     ("time_zone_name", "time_zone_name"), ("url", "url")):
        if key in conference:
            out.append(f"    <{tag}>{_text(str(conference[key]))}</{tag}>\n")
    out.append("  </conference>\n")
    guids = {room["name"]: room["guid"] for room in conference["rooms"]}
    for day in conference["days"]:
        out.append(f"  <day index=\"{day['index']}\" date=\"{day['date']}\" "
                   f"start=\"{day['day_start']}\" end=\"{day['day_end']}\">\n")
        for room, events in day["rooms"].items():
            out.append(f"    <room name={_attr(room)} guid=\"{guids[room]}\">\n")
            out.extend(_xml_event(e) for e in events)
            out.append("    </room>\n")
        out.append("  </day>\n")
    out.append("</schedule>\n")
    return "".join(out).encode()


def _xml_event(e: dict[str, Any]) -> str:
    url = e["url"]
    link = f"<url>{_text(url)}</url>" if url.startswith(("http://", "https://")) else ""
    return (f"      <event guid=\"{e['guid']}\" id=\"{e['id']}\">"
            f"<date>{e['date']}</date><start>{e['start']}</start>"
            f"<duration>{e['duration']}</duration><room>{_text(e['room'])}</room>"
            f"<slug>{e['slug']}</slug>{link}<title>{_text(e['title'])}</title><subtitle/>"
            f"<track/><type>{EVENT_TYPE}</type><language/><abstract/><description/>"
            "<persons/><links/></event>\n")


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("", value))
