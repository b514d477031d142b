"""iCalendar export: parsed back by `icalendar`, times and zones right, folding and escaping."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from festival_cli.core.calendar import (
    escape_text,
    event_uid,
    fold,
    to_ics,
    utc_stamp,
    vcalendar,
    vevent,
    vtimezone,
)
from tests.factories import perf
from tests.test_timetable_layout import day_sets

STAMP = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


def parse(text: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(text)


def events(text: str) -> dict[str, icalendar.Event]:
    """The events by SUMMARY (performer)."""
    return {str(e["SUMMARY"]): e for e in parse(text).walk("VEVENT")}


def london_ics() -> str:
    return to_ics(day_sets(), stamp=STAMP, festival="Riverside Sounds 2026",
                  timezone="Europe/London")


def test_every_set_is_an_event() -> None:
    found = events(london_ics())

    assert sorted(found) == sorted(p.performer for p in day_sets())
    assert {str(e["LOCATION"]) for e in found.values()} == {"Main", "Forest", "Club"}


def test_times_carry_the_lineup_time_zone() -> None:
    aurora = events(london_ics())["Aurora Fields"]

    assert aurora["DTSTART"].params["TZID"] == "Europe/London"
    assert aurora.decoded("DTSTART") == datetime(2026, 7, 10, 18, 0, tzinfo=LONDON)
    assert aurora.decoded("DTEND") == datetime(2026, 7, 10, 19, 15, tzinfo=LONDON)
    assert aurora.decoded("DTSTART").utcoffset() == timedelta(hours=1)  # BST in July


def test_a_set_past_midnight_ends_the_next_day() -> None:
    night = events(london_ics())["Night Owls Collective"]

    assert night.decoded("DTSTART") == datetime(2026, 7, 10, 23, 0, tzinfo=LONDON)
    assert night.decoded("DTEND") == datetime(2026, 7, 11, 1, 30, tzinfo=LONDON)


def test_without_a_time_zone_times_are_floating() -> None:
    text = to_ics([perf()], stamp=STAMP)

    aurora = events(text)["Aurora Fields"]
    assert aurora.decoded("DTSTART") == datetime(2026, 7, 10, 18, 0)  # naive: floating
    assert "TZID" not in aurora["DTSTART"].params
    assert "BEGIN:VTIMEZONE" not in text


def test_an_unknown_time_zone_falls_back_to_floating_times(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        text = to_ics([perf()], stamp=STAMP, timezone="Mars/Olympus_Mons")

    assert "TZID" not in text
    assert "Mars/Olympus_Mons" in caplog.text


def test_the_calendar_names_itself_and_stamps_each_event() -> None:
    calendar = parse(london_ics())

    assert calendar["VERSION"] == "2.0"
    assert "festival" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == "Riverside Sounds 2026"
    assert all(e.decoded("DTSTAMP") == STAMP for e in calendar.walk("VEVENT"))


def test_the_description_holds_festival_and_popularity() -> None:
    found = events(london_ics())

    assert str(found["Aurora Fields"]["DESCRIPTION"]) == "Riverside Sounds 2026\nPopularity: 87"
    assert str(found["Dawn Patrol"]["DESCRIPTION"]) == "Riverside Sounds 2026"


# -- UIDs -------------------------------------------------------------------------------------
def test_uids_are_stable_across_exports() -> None:
    first = {str(e["UID"]) for e in parse(london_ics()).walk("VEVENT")}
    again = {str(e["UID"]) for e in parse(
        to_ics(reversed(day_sets()), stamp=datetime.now(UTC))).walk("VEVENT")}

    assert first == again
    assert len(first) == len(day_sets())


def test_a_uid_depends_on_the_key_only() -> None:
    assert event_uid(perf(stage="Main", end="19:15")) == event_uid(perf(stage="Tent", end="20:00"))
    assert event_uid(perf(start="18:00")) != event_uid(perf(start="19:00"))
    assert event_uid(perf()).endswith("@festival")


# -- time zone component ----------------------------------------------------------------------
def test_the_vtimezone_lists_the_zone_transitions() -> None:
    zone = parse(london_ics()).walk("VTIMEZONE")[0]

    summer = [c for c in zone.walk("DAYLIGHT") if c.decoded("DTSTART").year == 2026]
    assert len(summer) == 1
    assert summer[0].decoded("DTSTART") == datetime(2026, 3, 29, 1, 0)  # 01:00 GMT -> BST
    assert summer[0].decoded("TZOFFSETFROM") == timedelta(0)
    assert summer[0].decoded("TZOFFSETTO") == timedelta(hours=1)
    assert str(summer[0]["TZNAME"]) == "BST"


@pytest.mark.parametrize("name", ["Europe/London", "America/New_York", "Australia/Sydney",
                                  "Asia/Kolkata"])
def test_the_vtimezone_agrees_with_zoneinfo(name: str) -> None:
    zone = ZoneInfo(name)
    text = "\r\n".join(["BEGIN:VCALENDAR", *vtimezone(zone, datetime(2026, 7, 10),
                                                      datetime(2026, 7, 11)), "END:VCALENDAR"])

    for part in parse(text).walk("VTIMEZONE")[0].subcomponents:
        start = part.decoded("DTSTART")  # local time in the offset it replaces
        before, after = part.decoded("TZOFFSETFROM"), part.decoded("TZOFFSETTO")
        instant = (start - before).replace(tzinfo=UTC)
        if start.year > 2000:  # a transition (not the fixed component of a zone without any)
            assert (instant - timedelta(minutes=1)).astimezone(zone).utcoffset() == before
        assert instant.astimezone(zone).utcoffset() == after


def test_a_zone_without_transitions_has_one_fixed_component() -> None:
    lines = vtimezone(ZoneInfo("Asia/Tokyo"), datetime(2026, 7, 10), datetime(2026, 7, 11))

    assert lines.count("BEGIN:STANDARD") == 1
    assert "TZOFFSETFROM:+0900" in lines and "TZOFFSETTO:+0900" in lines


# -- the text format --------------------------------------------------------------------------
def test_lines_end_with_crlf_and_are_at_most_75_octets() -> None:
    long_names = [perf("坂本龍一トリビュート" * 6, stage="森のステージ" * 5),
                  perf("Velvet Static and the Long Goodbye " * 4, start="20:00", end="21:00")]

    raw = to_ics(long_names, stamp=STAMP, festival="Riverside Sounds 2026",
                 timezone="Europe/London").encode()

    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(b"\n" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    assert all(line.decode() for line in lines)  # no UTF-8 sequence was cut in two


def test_folded_names_come_back_whole() -> None:
    name = "坂本龍一トリビュート" * 6

    found = events(to_ics([perf(name)], stamp=STAMP))

    assert list(found) == [name]


@pytest.mark.parametrize(
    ("line", "parts"),
    [
        ("A" * 75, ["A" * 75]),
        ("A" * 76, ["A" * 75, " A"]),
        ("A" * 74 + "é", ["A" * 74, " é"]),  # é is two octets: it moves to the next line whole
        ("A" * 73 + "é", ["A" * 73 + "é"]),
        ("B" * 200, ["B" * 75, " " + "B" * 74, " " + "B" * 51]),
    ],
)
def test_fold_splits_at_75_octets_between_characters(line: str, parts: list[str]) -> None:
    assert fold(line).split("\r\n") == parts


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("Moss & Lichen", "Moss & Lichen"),
        ("Earth, Wind", "Earth\\, Wind"),
        ("A;B", "A\\;B"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines", "two\\nlines"),
        ("crlf\r\nline", "crlf\\nline"),
        ("bell\x07", "bell "),  # control characters are not allowed in TEXT
        ("lone\rcr", "lone\\ncr"),
        ("tab\there, then; more\n", "tab\there\\, then\\; more\\n"),
        ("Sigur Rós", "Sigur Rós"),
    ],
)
def test_text_is_escaped(text: str, escaped: str) -> None:
    assert escape_text(text) == escaped


def test_escaped_text_parses_back_to_the_original() -> None:
    name = "Earth, Wind; and \\ Fire"

    found = events(to_ics([perf(name, stage="Main, North")], stamp=STAMP))

    assert str(found[name]["LOCATION"]) == "Main, North"


def test_vcalendar_carries_one_vtimezone_per_zone_it_is_given() -> None:
    sets = [perf()]
    [event] = [vevent(p, dtstamp=utc_stamp(STAMP), festival=None, zone=LONDON) for p in sets]
    new_york = ZoneInfo("America/New_York")

    def zones_of(*zones: ZoneInfo) -> list[str]:
        text = vcalendar([event], sets, festival="F", zones=zones)
        return [str(z["TZID"]) for z in parse(text).walk("VTIMEZONE")]

    assert zones_of() == []
    assert zones_of(LONDON, ZoneInfo("Europe/London")) == ["Europe/London"]
    assert zones_of(LONDON, new_york, LONDON) == ["Europe/London", "America/New_York"]


def test_an_empty_selection_is_an_empty_calendar() -> None:
    calendar = parse(to_ics([], stamp=STAMP, timezone="Europe/London"))

    assert calendar.walk("VEVENT") == []
    assert calendar.walk("VTIMEZONE") == []
