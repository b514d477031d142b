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

Both documents are made together (`schedules`), each event's values worked out once, so they
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
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from functools import cache, lru_cache
from json.encoder import encode_basestring
from operator import attrgetter
from typing import Any
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
    with no expression: 6.7 -> 4.0 ms for the benchmark's 10,000 performers. Its rule: only when
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


def festival_days(sets: tuple[Performance, ...]) -> dict[str, tuple[Performance, ...]]:
    """The sets by festival day, days in order, each day's sets chronological: `sets` must
    be chronological (a snapshot's are).

    Performance: the festival days of chronological sets are in order too, so each day ends
    where a binary search finds the next one beginning, instead of every set being asked its
    day (two calls a set): 1.9 -> 0.04 ms for the 10,000 sets of the benchmark's lineup."""
    days: dict[str, tuple[Performance, ...]] = {}
    start = 0
    while start < len(sets):
        day = sets[start].festival_day
        end = bisect_right(sets, day, lo=start, key=_FESTIVAL_DAY)
        days[day] = sets[start:end]
        start = end
    return days


_FESTIVAL_DAY = attrgetter("festival_day")


def stage_order(sets: tuple[Performance, ...]) -> list[str]:
    """Every stage, alphabetical ignoring case (as `festival timetable` orders them)."""
    return sorted({p.stage for p in sets}, key=lambda s: (s.casefold(), s))


def schedules(site: Snapshot, *, version: str, base_url: str | None = None,
              ) -> Iterator[tuple[str, str]]:
    """schedule.json and schedule.xml of `site` (see the module docstring), made together:
    (JSON text, XML text) chunks, in order, each document the concatenation of its own.

    Performance: each day's events are made, put in their rooms and handed on in chunks of
    about `EVENTS_CHUNKED` (~50 KB of each document), so a festival's events are never all held
    at once: the memory of one day's is the next day's. For the 10,000-set benchmark lineup
    (7.5 MB of events), both documents, the page and its files made and written (a publish's
    first half, after its read) take ~840 fresh pages instead of ~2,370, and 47 ms instead of
    54 (in-process, a fresh process each time). Its rule: a chunk ends only between rooms, and
    the two documents' chunks together.
    """
    zone = known_zone(site.timezone)
    short = acronym(site.festival)
    stages = stage_order(site.sets)
    days = festival_days(site.sets)
    write = _EventWriter(zone, short, stages, base_url)
    conference = _conference(site, list(days), zone, short, base_url)
    rooms = [(stage, room_guid(short, stage)) for stage in stages]
    as_json, as_xml = [_json_head(version, conference, rooms)], [_xml_head(version, conference)]
    guids = dict(rooms)
    held = 0
    for index, (day, sets) in enumerate(days.items(), start=1):
        write.day(day)
        events: dict[str, tuple[list[str], list[str]]] = {stage: ([], []) for stage in stages}
        for p in sets:
            room = events[p.stage]
            event_json, event_xml = write(p)
            room[0].append(event_json)
            room[1].append(event_xml)
        start, end = write.at(day, DEFAULT_DAY_STARTS), write.at(shift_date(day, 1),
                                                                  DEFAULT_DAY_STARTS)
        as_json.append(f'{"," if index > 1 else ""}{{"index":{index},"date":"{day}",'
                       f'"day_start":"{start}","day_end":"{end}","rooms":{{')
        as_xml.append(f'  <day index="{index}" date="{day}" start="{start}" end="{end}">\n')
        for n, (stage, (room_json, room_xml)) in enumerate(events.items()):
            as_json += (f'{"," if n else ""}{_js(stage)}:[', ",".join(room_json), "]")
            as_xml += (f'    <room name="{xml_text(stage)}" guid="{guids[stage]}">\n',
                       *room_xml, "    </room>\n")
            held += len(room_json)
            if held >= EVENTS_CHUNKED:
                yield "".join(as_json), "".join(as_xml)
                as_json.clear()
                as_xml.clear()
                held = 0
        del events  # the next day's events take its memory
        as_json.append("}}")
        as_xml.append("  </day>\n")
    as_json.append("]}}}")  # the days, the conference, the schedule, the document
    as_xml.append("</schedule>\n")
    yield "".join(as_json), "".join(as_xml)


EVENTS_CHUNKED = 128  # events of both documents handed on at once (`schedules`)


def _conference(site: Snapshot, days: list[str], zone: ZoneInfo | None, short: str,
                base_url: str | None) -> dict[str, Any]:
    """The conference's facts (title, acronym, start, end, daysCount, ...; no rooms or days)."""
    first = days[0] if days else site.updated.date().isoformat()
    conference: dict[str, Any] = {
        "acronym": short,
        "title": site.festival or "Festival",
        "start": first,
        "end": days[-1] if days else first,
        "daysCount": len(days),
        "timeslot_duration": TIMESLOT,
    }
    zone_name = zone.key if zone is not None else "UTC"
    if _ZONE_NAME.search(zone_name):
        conference["time_zone_name"] = zone_name
    if base_url:
        conference["url"] = base_url
    return conference


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
    end), not their four values per set, and the slugs' quick way: the events 28.8 -> 23.4 ms.
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


# -- what surrounds the events -----------------------------------------------------------------
def _json_head(version: str, conference: dict[str, Any], rooms: list[tuple[str, str]]) -> str:
    """schedule.json up to its first day: `{"$schema", "generator", "schedule": {"version",
    "conference"}}`, the conference reopened for its rooms and its days (each day's rooms an
    object: room -> events)."""
    head = json.dumps({"$schema": SCHEMA_URL, "generator": {"name": GENERATOR},
                       "schedule": {"version": version, "conference": conference}},
                      ensure_ascii=False, separators=(",", ":"))
    listed = ",".join(f'{{"name":{_js(name)},"guid":"{guid}"}}' for name, guid in rooms)
    return f'{head[:-3]},"rooms":[{listed}],"days":['


def _xml_head(version: str, conference: dict[str, Any]) -> str:
    """schedule.xml (the pentabarf/frab layout) up to its first day."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<schedule>\n',
           f'  <generator name="{GENERATOR}"/>\n',
           f"  <version>{xml_text(version)}</version>\n",
           "  <conference>\n"]
    for key, tag in (("acronym", "acronym"), ("title", "title"), ("start", "start"),
                     ("end", "end"), ("daysCount", "days"),
                     ("timeslot_duration", "timeslot_duration"),
                     ("time_zone_name", "time_zone_name"), ("url", "url")):
        if key in conference:
            out.append(f"    <{tag}>{xml_text(str(conference[key]))}</{tag}>\n")
    out.append("  </conference>\n")
    return "".join(out)


@lru_cache(maxsize=4096)  # stage names repeat on every set
def _js(value: str) -> str:
    """A JSON string literal (json's own C encoder of strings)."""
    return encode_basestring(value)


def xml_text(value: str) -> str:
    """XML text or attribute value: escaped, and without the characters XML 1.0 forbids
    (not xml.sax.saxutils: importing it imports urllib and http.client, 70 ms)."""
    if not value.isprintable():  # the common case skips the expression
        value = re.sub(_NOT_XML, "", value)  # re's own cache keeps it compiled
    if "&" in value or "<" in value or ">" in value or '"' in value:
        return (value.replace("&", "&amp;").replace("<", "&lt;")
                .replace(">", "&gt;").replace('"', "&quot;"))
    return value  # the usual name: looked through, nothing to escape
