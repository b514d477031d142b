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

Both documents are written from one `Schedule` (each event's values worked out once), so they
cannot disagree; they are written as text, not as dicts for json.dumps: a 10,000-set festival
publishes in a fraction of the time.
Cancelled sets are not events (neither schema has a status); the page learns of them by their
absence, calendars by the `.ics` feeds.
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, lru_cache
from json.encoder import encode_basestring
from typing import Any, NamedTuple
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
    folded = (text if text.isascii() else unicodedata.normalize("NFKD", text).encode(
        "ascii", "ignore").decode()).lower()
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


class Event(NamedTuple):
    """One set as both schedules say it: every value worked out once, for JSON and XML alike."""

    guid: str
    id: int
    date: str  # 2026-07-10T18:00:00+01:00
    start: str
    end: str
    duration: str
    room: str
    slug: str
    url: str
    title: str


@dataclass(frozen=True)
class Schedule:
    """The schedule of a snapshot: conference facts, then days -> rooms -> events."""

    version: str
    conference: dict[str, Any]  # title, acronym, start, end, daysCount, ... (no rooms/days)
    rooms: list[tuple[str, str]]  # (name, guid), in order
    days: list[tuple[int, str, str, str, dict[str, list[Event]]]]  # index, date, start, end


def build_schedule(site: Snapshot, *, version: str, base_url: str | None = None) -> Schedule:
    """The schedule of `site` (see the module docstring for what is in it)."""
    zone = known_zone(site.timezone)
    short = acronym(site.festival)
    stages = stage_order(site.sets)
    at = _Clock(zone)
    days = []
    for index, (day, sets) in enumerate(festival_days(site.sets).items(), start=1):
        rooms: dict[str, list[Event]] = {stage: [] for stage in stages}
        for p in sets:
            rooms[p.stage].append(_event(p, at, short, base_url))
        days.append((index, day, at(day, DEFAULT_DAY_STARTS),
                     at(shift_date(day, 1), DEFAULT_DAY_STARTS), rooms))
    first = days[0][1] if days else site.updated.date().isoformat()
    last = days[-1][1] if days else first
    conference: dict[str, Any] = {
        "acronym": short,
        "title": site.festival or "Festival",
        "start": first,
        "end": last,
        "daysCount": len(days),
        "timeslot_duration": TIMESLOT,
    }
    zone_name = zone.key if zone is not None else "UTC"
    if _ZONE_NAME.search(zone_name):
        conference["time_zone_name"] = zone_name
    if base_url:
        conference["url"] = base_url
    return Schedule(version, conference, [(s, room_guid(short, s)) for s in stages], days)


def room_guid(short: str, stage: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{short}\n{stage}"))


def _event(p: Performance, at: _Clock, short: str, base_url: str | None) -> Event:
    guid, set_id = p.guid, p.set_id  # every set of a snapshot has them
    assert guid is not None and set_id is not None
    minutes = p.duration_minutes
    return Event(  # positional: a NamedTuple is built fastest so
        guid, set_id, at(p.date, p.start), p.start, at(p.end_date, p.end),
        f"{minutes // 60:02d}:{minutes % 60:02d}", p.stage,
        f"{short}-{set_id}-{slug(p.performer) or 'set'}",
        f"{base_url}#day={p.festival_day}" if base_url else f"urn:uuid:{guid}", p.performer)


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
def schedule_json(schedule: Schedule) -> bytes:
    """schedule.json: `{"$schema", "generator", "schedule": {"version", "conference"}}`, the
    conference with its rooms and days (each day's rooms an object: room -> events)."""
    head = json.dumps({"$schema": SCHEMA_URL, "generator": {"name": GENERATOR},
                       "schedule": {"version": schedule.version,
                                    "conference": schedule.conference}},
                      ensure_ascii=False, separators=(",", ":"))
    rooms = ",".join(f'{{"name":{_js(name)},"guid":"{guid}"}}' for name, guid in schedule.rooms)
    days = ",".join(
        f'{{"index":{index},"date":"{day}","day_start":"{start}","day_end":"{end}",'
        f'"rooms":{{{_json_rooms(rooms_)}}}}}'
        for index, day, start, end, rooms_ in schedule.days)
    # Close the conference object with its rooms and days, then the schedule and the document.
    return f'{head[:-3]},"rooms":[{rooms}],"days":[{days}]}}}}}}'.encode()


def _json_rooms(rooms: dict[str, list[Event]]) -> str:
    return ",".join(f"{_js(room)}:[{_json_events(events)}]" for room, events in rooms.items())


def _json_events(events: list[Event]) -> str:
    return ",".join(
        f'{{"guid":"{e.guid}","id":{e.id},"date":"{e.date}","start":"{e.start}",'
        f'"end":"{e.end}","duration":"{e.duration}","room":{_js(e.room)},"slug":"{e.slug}",'
        f'"url":{_js(e.url)},"title":{_js(e.title)},"subtitle":null,"track":null,'
        f'"type":"{EVENT_TYPE}","language":null,"abstract":null,"persons":[],"links":[]}}'
        for e in events)


def schedule_xml(schedule: Schedule) -> bytes:
    """schedule.xml (the pentabarf/frab layout), from the same schedule as the JSON."""
    conference = schedule.conference
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<schedule>\n',
           f'  <generator name="{GENERATOR}"/>\n',
           f"  <version>{xml_text(schedule.version)}</version>\n",
           "  <conference>\n"]
    for key, tag in (("acronym", "acronym"), ("title", "title"), ("start", "start"),
                     ("end", "end"), ("daysCount", "days"),
                     ("timeslot_duration", "timeslot_duration"),
                     ("time_zone_name", "time_zone_name"), ("url", "url")):
        if key in conference:
            out.append(f"    <{tag}>{xml_text(str(conference[key]))}</{tag}>\n")
    out.append("  </conference>\n")
    guids = dict(schedule.rooms)
    for index, day, start, end, rooms in schedule.days:
        out.append(f'  <day index="{index}" date="{day}" start="{start}" end="{end}">\n')
        for room, events in rooms.items():
            out.append(f'    <room name="{xml_text(room)}" guid="{guids[room]}">\n')
            out.extend(_xml_event(e) for e in events)
            out.append("    </room>\n")
        out.append("  </day>\n")
    out.append("</schedule>\n")
    return "".join(out).encode()


def _xml_event(e: Event) -> str:
    link = f"<url>{xml_text(e.url)}</url>" if e.url.startswith(("http://", "https://")) else ""
    return (f'      <event guid="{e.guid}" id="{e.id}">'
            f"<date>{e.date}</date><start>{e.start}</start>"
            f"<duration>{e.duration}</duration><room>{xml_text(e.room)}</room>"
            f"<slug>{e.slug}</slug>{link}<title>{xml_text(e.title)}</title><subtitle/>"
            f"<track/><type>{EVENT_TYPE}</type><language/><abstract/><description/>"
            "<persons/><links/></event>\n")


@lru_cache(maxsize=4096)  # stage names repeat on every set
def _js(value: str) -> str:
    """A JSON string literal (json's own C encoder of strings)."""
    return encode_basestring(value)


@lru_cache(maxsize=4096)
def xml_text(value: str) -> str:
    """XML text or attribute value: escaped, and without the characters XML 1.0 forbids
    (not xml.sax.saxutils: importing it imports urllib and http.client, 70 ms)."""
    if not value.isprintable():  # the common case skips the expression
        value = _NOT_XML.sub("", value)
    return (value.replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))
