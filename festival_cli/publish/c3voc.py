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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, lru_cache
from itertools import chain, islice, repeat
from json.encoder import encode_basestring
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from festival_cli.core.calendar import known_zone
from festival_cli.core.model import DEFAULT_DAY_STARTS, Performance, hhmm, shift_date
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
# Characters XML 1.0 does not allow at all (a performer name may hold one): dropped. Compiled
# when first needed (rarely: names are checked): compiling it takes 1.4 ms of every publish.
_NOT_XML = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]"


def slug(text: str, separator: str = "_") -> str:
    """`Sigur Rós` -> `sigur_ros`: ASCII letters and digits, accents dropped ('' if none).

    Performance: a name of ASCII words (the usual) is split on its spaces and joined, in C,
    with no expression: 6.7 -> 3.6 ms for the benchmark's 10,000 performers. Its rule: only when
    what is left between the spaces is letters and digits, exactly where the expression's runs
    of other characters are the runs of spaces (a table test pins both ways)."""
    if text.isascii():
        words = text.lower().split()
        if "".join(words).isalnum():
            return separator.join(words)
    folded = (text if text.isascii() else unicodedata.normalize("NFKD", text).encode(
        "ascii", "ignore").decode()).lower()
    return _NOT_SLUG.sub(separator, folded).strip(separator)


def distinct(names: Iterable[str]) -> list[str]:
    """Each name, in order, with `-2`, `-3`, … added where it meets an earlier one (two
    stages, or two festivals, whose names make the same slug)."""
    taken: set[str] = set()
    out = []
    for base in names:
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name)
        out.append(name)
    return out


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


@dataclass(frozen=True)
class Schedule:
    """The schedule of a snapshot: conference facts, then days -> rooms -> events, each event
    already written both ways (JSON object, XML element) from the same values."""

    version: str
    conference: dict[str, Any]  # title, acronym, start, end, daysCount, ... (no rooms/days)
    rooms: list[tuple[str, str]]  # (name, guid), in order
    days: list[tuple[int, str, str, str, dict[str, Events]]]  # index, date, start, end, rooms


class Events(NamedTuple):
    """A room's events on one day, in order: each as its JSON object and its XML element."""

    json: list[str]
    xml: list[str]


def build_schedule(site: Snapshot, *, version: str, base_url: str | None = None) -> Schedule:
    """The schedule of `site` (see the module docstring for what is in it)."""
    zone = known_zone(site.timezone)
    short = acronym(site.festival)
    stages = stage_order(site.sets)
    write = _EventWriter(zone, short, stages, base_url)
    days = []
    for index, (day, sets) in enumerate(festival_days(site.sets).items(), start=1):
        rooms = {stage: Events([], []) for stage in stages}
        write.day(day)
        for p in sets:
            events = rooms[p.stage]
            as_json, as_xml = write(p)
            events.json.append(as_json)
            events.xml.append(as_xml)
        days.append((index, day, write.at(day, DEFAULT_DAY_STARTS),
                     write.at(shift_date(day, 1), DEFAULT_DAY_STARTS), rooms))
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


class _EventWriter:
    """One set -> its event as a JSON object and as an XML element, from the same values.

    Performance: what repeats across a festival's sets is worked out once per distinct value,
    not per set: the dates, end and duration of each (date, start, end) (a 10,000-set lineup
    has a few dozen), written once as the JSON members and the XML elements that hold them,
    each stage's escaped name, each day's link. Only the set's own texts (guid, id, performer,
    slug) are written per set. Measured on the 10,000-set benchmark lineup: the schedule's
    events and both documents in 40 ms instead of 125; the times written once per (date, start,
    end), not their four values per set, 28 -> 25 ms of the events'.
    """

    def __init__(self, zone: ZoneInfo | None, short: str, stages: list[str],
                 base_url: str | None) -> None:
        self.at = _Clock(zone)
        self.short = short
        self.base_url = base_url
        self.rooms = {s: (_js(s), xml_text(s)) for s in stages}
        self.times: dict[tuple[str, str, str], tuple[str, str]] = {}  # (JSON, XML)
        self.url_json = self.url_xml = ""

    def day(self, day: str) -> None:
        """The festival day of the sets that follow (their link, with a base URL)."""
        if self.base_url:
            url = f"{self.base_url}#day={day}"
            link = url.startswith(("http://", "https://"))
            self.url_json = _js(url)
            self.url_xml = f"<url>{xml_text(url)}</url>" if link else ""

    def __call__(self, p: Performance) -> tuple[str, str]:
        guid, set_id, start = p.guid, p.set_id, p.start  # every set of a snapshot has them
        assert guid is not None and set_id is not None
        when = (p.date, start, p.end)
        times_json, times_xml = self.times.get(when) or self._times(p, when)
        room_json, room_xml = self.rooms[p.stage]
        performer = p.performer
        slug_ = f"{self.short}-{set_id}-{slug(performer) or 'set'}"
        url_json = self.url_json or f'"urn:uuid:{guid}"'
        return (
            f'{{"guid":"{guid}","id":{set_id},{times_json},"room":{room_json},"slug":"{slug_}",'
            f'"url":{url_json},"title":{encode_basestring(performer)},"subtitle":null,'
            f'"track":null,"type":"{EVENT_TYPE}","language":null,"abstract":null,'
            '"persons":[],"links":[]}',
            f'      <event guid="{guid}" id="{set_id}">{times_xml}<room>{room_xml}</room>'
            f"<slug>{slug_}</slug>{self.url_xml}<title>{xml_text(performer)}</title><subtitle/>"
            f"<track/><type>{EVENT_TYPE}</type><language/><abstract/><description/>"
            "<persons/><links/></event>\n")

    def _times(self, p: Performance, when: tuple[str, str, str]) -> tuple[str, str]:
        """The event's date, start, end and duration (from the set's own (`Performance`)
        length and end date) as JSON members and as XML elements; kept under `when`, its
        (date, start, end)."""
        date, end, duration = (self.at(p.date, p.start), self.at(p.end_date, p.end),
                               hhmm(p.duration_minutes))
        times = (f'"date":"{date}","start":"{p.start}","end":"{end}","duration":"{duration}"',
                 f"<date>{date}</date><start>{p.start}</start><duration>{duration}</duration>")
        self.times[when] = times
        return times


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
def schedule_json(schedule: Schedule) -> list[str]:
    """schedule.json: `{"$schema", "generator", "schedule": {"version", "conference"}}`, the
    conference with its rooms and days (each day's rooms an object: room -> events).

    Its text as a flat list of pieces (each event's text, the commas and brackets between),
    joined only by whoever needs it whole: a 10,000-set schedule, 4 MB, is never copied once
    per level of nesting, and a local publish writes it without joining it (site._aside).
    """
    head = json.dumps({"$schema": SCHEMA_URL, "generator": {"name": GENERATOR},
                       "schedule": {"version": schedule.version,
                                    "conference": schedule.conference}},
                      ensure_ascii=False, separators=(",", ":"))
    rooms = ",".join(f'{{"name":{_js(name)},"guid":"{guid}"}}' for name, guid in schedule.rooms)
    # The conference object reopened for its rooms and days.
    out = [head[:-3], ',"rooms":[', rooms, '],"days":[']
    for n, (index, day, start, end, rooms_) in enumerate(schedule.days):
        out.append(f'{"," if n else ""}{{"index":{index},"date":"{day}","day_start":"{start}",'
                   f'"day_end":"{end}","rooms":{{')
        for m, (room, events) in enumerate(rooms_.items()):
            out.append(f'{"," if m else ""}{_js(room)}:[')
            out.extend(_separated(events.json))
            out.append("]")
        out.append("}}")
    out.append("]}}}")  # the days, the conference, the schedule, the document
    return out


def _separated(items: list[str]) -> Iterator[str]:
    """`a`, `,`, `b`, `,`, `c`: the items with commas between, for one join."""
    if items:
        yield items[0]
        yield from chain.from_iterable(
            zip(repeat(",", len(items) - 1), islice(items, 1, None), strict=True))


def schedule_xml(schedule: Schedule) -> list[str]:
    """schedule.xml (the pentabarf/frab layout), from the same schedule as the JSON: its text
    in pieces, as `schedule_json`."""
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
            out.extend(events.xml)
            out.append("    </room>\n")
        out.append("  </day>\n")
    out.append("</schedule>\n")
    return out


@lru_cache(maxsize=4096)  # stage names repeat on every set
def _js(value: str) -> str:
    """A JSON string literal (json's own C encoder of strings)."""
    return encode_basestring(value)


def xml_text(value: str) -> str:
    """XML text or attribute value: escaped, and without the characters XML 1.0 forbids
    (not xml.sax.saxutils: importing it imports urllib and http.client, 70 ms)."""
    if not value.isprintable():  # the common case skips the expression
        value = re.sub(_NOT_XML, "", value)  # re's own cache keeps it compiled
    return (value.replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))
