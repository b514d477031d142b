"""iCalendar (RFC 5545) for a list of sets: one VEVENT each, so fans can put them in a calendar.

Written here, without a library: the subset needed (one calendar of simple events, a time zone,
text escaping and line folding) is about a hundred lines, and the `icalendar` package would be a
runtime dependency of every install for it. Tests parse the output back with `icalendar`.

- UID: `<guid>@festival` for a stored set (its guid: kept when the set moves, so a calendar
  moves the event), else a digest of its key (performer, `date#start`); either way the same set
  exported again gets the same UID and a calendar updates it instead of duplicating it.
  `SEQUENCE` is the set's count of changes; a cancelled set (a tombstone, in the published
  feeds) is `STATUS:CANCELLED`, so subscribed calendars drop it.
- Times: with a lineup time zone, `DTSTART;TZID=Europe/London:20260710T180000` and a VTIMEZONE
  built from the system's zoneinfo (the zone's transitions over the years of the sets); without
  one (or one this machine does not know), floating local times, which calendars show as given.
- Lines end with CRLF and are folded at 75 octets, never inside a UTF-8 character.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import MAXYEAR, MINYEAR, UTC, datetime, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from festival_cli.core import logs
from festival_cli.core.model import MINUTES_PER_DAY, Performance, shift_date

PRODID = "-//festival//festival lineup export//EN"
UID_DOMAIN = "festival"
LINE_OCTETS = 75
CRLF = "\r\n"
_LOCAL = "%Y%m%dT%H%M%S"
_CANCELLED = f"STATUS:CANCELLED{CRLF}"
# Control characters other than newline and tab (Unicode category Cc) are not allowed in TEXT.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def event_uid(p: Performance) -> str:
    """A stable UID: from the set's guid when it has one (kept through moves), else its key."""
    if p.guid is not None:
        return f"{p.guid}@{UID_DOMAIN}"
    performer, when = p.key
    digest = hashlib.sha1(f"{performer}\n{when}".encode()).hexdigest()
    return f"{digest}@{UID_DOMAIN}"


def known_zone(name: str | None) -> ZoneInfo | None:
    """The zone of that IANA name, or None when there is none or this machine does not know it."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        logs.warning(__name__, "time zone %r is not known here: the calendar uses floating local "
                     "times", name)
        return None


def to_ics(
    performances: Iterable[Performance],
    *,
    stamp: datetime,
    festival: str | None = None,
    timezone: str | None = None,
) -> str:
    """The sets as one VCALENDAR (CRLF line endings). `stamp` becomes every DTSTAMP.

    Each set is written in its own time zone and named with its own festival (those of the
    file that wrote it; `timezone` and `festival` stand in for a set that has none), and the
    calendar holds a VTIMEZONE for each zone its sets use.
    """
    sets = sorted(performances, key=Performance.chronological)
    dtstamp = utc_stamp(stamp)
    zones: dict[str | None, ZoneInfo | None] = {}
    events = []
    for p in sets:
        name = p.timezone or timezone
        if name not in zones:
            zones[name] = known_zone(name)
        events.append(vevent(p, dtstamp=dtstamp, festival=p.festival or festival,
                             zone=zones[name]))
    named = sorted({name for p in sets if (name := p.festival or festival)})
    return vcalendar(events, sets, festival=", ".join(named) or festival,
                     zones=[z for z in zones.values() if z is not None])


def utc_stamp(moment: datetime) -> str:
    """A DTSTAMP value: `20260710T170000Z`."""
    return moment.astimezone(UTC).strftime(_LOCAL) + "Z"


def vcalendar(events: Iterable[str], sets: Iterable[Performance], *, festival: str | None,
              zones: Iterable[ZoneInfo], name: str | None = None) -> str:
    """A VCALENDAR of `events` (from `vevent`): `vcalendar_pieces`, joined."""
    return "".join(vcalendar_pieces(events, sets, festival=festival, zones=zones, name=name))


def vcalendar_pieces(events: Iterable[str], sets: Iterable[Performance], *,
                     festival: str | None, zones: Iterable[ZoneInfo],
                     name: str | None = None) -> list[str]:
    """A VCALENDAR of `events` (from `vevent`), its text in pieces (joined only by whoever
    needs it whole); `sets` are the events', for the VTIMEZONE's span.

    `name` (default: the festival's) is the calendar's display name; each zone of `zones`
    (the zones the events' times are written in; none for floating times) gets a VTIMEZONE,
    once however often it is listed.
    """
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH"]
    if name or festival:
        lines.append(f"X-WR-CALNAME:{escape_text(name or festival or '')}")
    head = [fold(line) + CRLF for line in lines]
    dates = [p.date for p in sets]  # in any order; the last end is at most a day later
    for one in {z.key: z for z in zones}.values():
        if dates:
            head.append(_vtimezone_text(one, int(min(dates)[:4]),
                                        int(shift_date(max(dates), 1)[:4])))
    # Flat pieces (a festival's calendar, 3 MB, is never copied once per level).
    return [*head, *events, "END:VCALENDAR" + CRLF]


def vevent(p: Performance, *, dtstamp: str, festival: str | None,
           zone: ZoneInfo | None) -> str:
    """One set's VEVENT, folded, each line ending with CRLF (made once, put in any calendar).

    `dtstamp` from `utc_stamp`; times are written from the set's strings (`2026-07-10`,
    `18:00` -> `20260710T180000`): a festival's 100,000 sets need no datetime each.
    """
    # Lines of fixed, short form need no folding (the longest zone name, quoted, leaves a
    # DTSTART line under 75 octets): only the texts do.
    # One f-string, one allocation: a festival's 100,000 VEVENTs are each built once.
    return (f"BEGIN:VEVENT{CRLF}UID:{event_uid(p)}{CRLF}DTSTAMP:{dtstamp}{CRLF}"
            f"{_times(zone.key if zone is not None else None, p.date, p.start, p.end)}"
            f"{fold('SUMMARY:' + escape_text(p.performer))}{CRLF}"
            f"{_location(p.stage)}"
            f"{f'SEQUENCE:{p.sequence}{CRLF}' if p.guid is not None else ''}"
            f"{_CANCELLED if p.cancelled else ''}"
            f"{_description(festival, p.popularity)}END:VEVENT{CRLF}")


@lru_cache(maxsize=4096)  # a festival's sets share a few dozen (date, start, end)
def _times(zone: str | None, day: str, start: str, end: str) -> str:
    """The DTSTART and DTEND lines of a set."""
    when = _when(zone)
    end_day = day if end > start else shift_date(day, 1)
    return (f"DTSTART{when}{_local(day, start)}{CRLF}"
            f"DTEND{when}{_local(end_day, end)}{CRLF}")


@cache
def _when(zone: str | None) -> str:
    return f";TZID={_param(zone)}:" if zone is not None else ":"


@lru_cache(maxsize=4096)
def _location(stage: str) -> str:
    return fold("LOCATION:" + escape_text(stage)) + CRLF


@lru_cache(maxsize=4096)
def _description(festival: str | None, popularity: int | None) -> str:
    """The DESCRIPTION line (festival, popularity), or nothing: one per festival and score."""
    details = [festival] if festival else []
    if popularity is not None:
        details.append(f"Popularity: {popularity}")
    return fold("DESCRIPTION:" + escape_text("\n".join(details))) + CRLF if details else ""


def _local(day: str, hhmm: str) -> str:
    return f"{day[:4]}{day[5:7]}{day[8:]}T{hhmm[:2]}{hhmm[3:]}00"


# -- time zones -------------------------------------------------------------------------------
def vtimezone(zone: ZoneInfo, first: datetime, last: datetime) -> list[str]:
    """A VTIMEZONE for `zone` valid from `first` to `last` (naive local times).

    zoneinfo does not expose its rules, so the transitions are found by probing the UTC offset:
    every transition from the start of the year before `first` to the end of `last`'s year,
    each as an explicit STANDARD or DAYLIGHT component (no RRULE: valid, and exact).
    """
    return list(_vtimezone(zone, first.year, last.year))


@cache
def _vtimezone_text(zone: ZoneInfo, first_year: int, last_year: int) -> str:
    """`_vtimezone`'s lines folded, each ending with CRLF: once for every calendar of a site
    (a publish writes one per stage: 240 of them for the benchmark's lineup)."""
    return "".join(fold(line) + CRLF for line in _vtimezone(zone, first_year, last_year))


@cache
def _vtimezone(zone: ZoneInfo, first_year: int, last_year: int) -> tuple[str, ...]:
    """`vtimezone` by years, worked out once (every calendar of a site shares it)."""
    # Within the years a datetime can hold, a day of margin either side for the zone's offset.
    begin = datetime(max(first_year - 1, MINYEAR + 1), 1, 1, tzinfo=UTC)
    end = datetime(min(last_year + 1, MAXYEAR), 1, 1, tzinfo=UTC)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone.key}"]
    transitions = list(_transitions(zone, begin, end))
    if not transitions:
        # A zone without changes in that span: one component, its offset since ever.
        offset = _offset(zone, begin)
        lines += _observance(zone, begin, offset, offset, datetime(1970, 1, 1))
    for instant, before, after in transitions:
        local_start = (instant + before).replace(tzinfo=None)  # in the offset it replaces
        lines += _observance(zone, instant, before, after, local_start)
    lines.append("END:VTIMEZONE")
    return tuple(lines)


def _observance(zone: ZoneInfo, instant: datetime, before: timedelta, after: timedelta,
                local_start: datetime) -> list[str]:
    local = instant.astimezone(zone)
    kind = "DAYLIGHT" if local.dst() else "STANDARD"
    lines = [f"BEGIN:{kind}", f"DTSTART:{local_start.strftime(_LOCAL)}",
             f"TZOFFSETFROM:{_format_offset(before)}", f"TZOFFSETTO:{_format_offset(after)}"]
    name = local.tzname()
    if name:
        lines.append(f"TZNAME:{escape_text(name)}")
    return [*lines, f"END:{kind}"]


def _transitions(zone: ZoneInfo, begin: datetime,
                 end: datetime) -> Iterable[tuple[datetime, timedelta, timedelta]]:
    """(UTC instant, offset before, offset after) of each change of offset in [begin, end)."""
    day = timedelta(days=1)
    t = begin
    before = _offset(zone, t)
    while t < end:
        after = _offset(zone, t + day)  # the next day's `before`: each day probed once
        if before != after:
            low, high = 0, MINUTES_PER_DAY  # minutes after t: low has `before`, high not
            while high - low > 1:
                mid = (low + high) // 2
                if _offset(zone, t + timedelta(minutes=mid)) == before:
                    low = mid
                else:
                    high = mid
            instant = t + timedelta(minutes=high)
            yield instant, before, _offset(zone, instant)
        before = after
        t += day


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta:
    return instant.astimezone(zone).utcoffset() or timedelta(0)


def _format_offset(offset: timedelta) -> str:
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    mins, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{mins:02d}" + (f"{secs:02d}" if secs else "")


# -- text -------------------------------------------------------------------------------------
def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newline escaped.

    Performance: printable text (no line break, no control character: a usual name) is only
    looked through for the three characters to escape, and given back as it is when it has
    none: a festival's 10,000 performer names 3.1 -> 1.5 ms."""
    if text.isprintable():
        if "\\" not in text and ";" not in text and "," not in text:
            return text
    else:
        text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def _param(value: str) -> str:
    """A parameter value, quoted when it holds `:`, `;` or `,`."""
    return f'"{value}"' if any(c in value for c in ':;,') else value


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, continuing with one space.

    Splits only between characters, so a UTF-8 sequence is never cut in two.
    """
    if len(line) <= LINE_OCTETS and (line.isascii() or len(line.encode()) <= LINE_OCTETS):
        return line
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for ch in line:
        size = len(ch.encode())
        if used + size > LINE_OCTETS:
            parts.append("".join(current))
            current, used = [" "], 1  # the continuation's leading space counts
        current.append(ch)
        used += size
    parts.append("".join(current))
    return CRLF.join(parts)
