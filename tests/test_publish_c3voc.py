"""schedule.xml and schedule.json: valid against the c3voc schemas, and what they say.

The schemas are copies of voc/schedule's (tests/c3voc/SOURCE.md); validation uses xmlschema and
jsonschema with its format checks (uuid, date, date-time, uri), as the apps' own validators do.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema

from festival_cli.core.ingest import ingest
from festival_cli.core.model import Performance
from festival_cli.publish.c3voc import (
    EVENTS_CHUNKED,
    acronym,
    distinct,
    festival_days,
    schedules,
    slug,
    xml_text,
)
from festival_cli.publish.ics import stage_paths
from festival_cli.publish.site import SiteFile, build_site, version_of
from festival_cli.publish.snapshot import read_snapshot
from festival_cli.stores.sqlite import SqliteStore
from tests.factories import big_document, document, record

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = Path(__file__).with_name("c3voc")


@cache
def xsd() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(SCHEMAS / "schedule.xml.xsd")


def check_json(document: dict[str, Any]) -> None:
    schema = json.loads((SCHEMAS / "schema.json").read_text())
    validator = jsonschema.validators.validator_for(schema)
    # Every format jsonschema knows (uuid, date, date-time, uri...), not only draft-06's few.
    validator(schema, format_checker=jsonschema.FormatChecker()).validate(document)


def published(store: SqliteStore, *files: tuple[bytes, str]) -> dict[str, SiteFile]:
    for data, source in files:
        ingest(store, data, source)
    return {f.path: f for f in build_site(store)}


def schedule(site: dict[str, SiteFile]) -> dict[str, Any]:
    return json.loads(site["schedule.json"].body)


def events(site: dict[str, SiteFile]) -> list[dict[str, Any]]:
    days = schedule(site)["schedule"]["conference"]["days"]
    return [e for day in days for room in day["rooms"].values() for e in room]


def test_the_example_lineup_publishes_valid_schedules(sqlite_store: SqliteStore) -> None:
    site = published(sqlite_store, ((ROOT / "examples/lineup.json").read_bytes(), "lineup.json"))
    xsd().validate(site["schedule.xml"].body.decode())
    check_json(schedule(site))
    example = json.loads((ROOT / "examples/lineup.json").read_text())
    assert len(events(site)) == len(example["performances"])


def test_the_schedules_are_made_a_few_rooms_at_a_time_both_documents_together(
        sqlite_store: SqliteStore) -> None:
    site = published(sqlite_store, (big_document(1_000), "big.json"))
    snapshot = read_snapshot(sqlite_store)
    chunks = list(schedules(snapshot, version=version_of(snapshot)))
    largest_room = max(Counter((p.festival_day, p.stage) for p in snapshot.sets).values())
    assert len(chunks) > 2
    for as_json, as_xml in chunks:  # never all of the events at once; a room whole
        held = as_json.count('"type":"concert"')
        assert held <= EVENTS_CHUNKED + largest_room and as_xml.count("<event ") == held
    assert "".join(j for j, _ in chunks).encode() == site["schedule.json"].body
    assert "".join(x for _, x in chunks).encode() == site["schedule.xml"].body


@pytest.mark.slow
def test_a_10000_set_lineup_publishes_valid_schedules(sqlite_store: SqliteStore) -> None:
    site = published(sqlite_store, (big_document(10_000), "big.json"))
    xsd().validate(site["schedule.xml"].body.decode())
    check_json(schedule(site))
    found = events(site)
    assert len(found) == 10_000
    assert len({e["guid"] for e in found}) == len({e["id"] for e in found}) == 10_000


def test_a_hostile_name_stays_valid_xml_and_json(sqlite_store: SqliteStore) -> None:
    name = 'Ünïcode & <Söhne> "quoted" ]]>'
    site = published(sqlite_store, (document(record(performer=name, stage="Tent & Co"),
                                             festival="Fête 2026"), "odd.json"))
    xsd().validate(site["schedule.xml"].body.decode())
    check_json(schedule(site))
    [event] = events(site)
    assert event["title"] == name
    assert schedule(site)["schedule"]["conference"]["acronym"] == "fete_2026"


def test_days_run_from_06_00_to_06_00_with_the_festival_s_offset(
        sqlite_store: SqliteStore) -> None:
    late = record(performer="Night Owl", stage="Club", date="2026-07-11", start="01:00",
                  end="02:30")
    site = published(sqlite_store, (document(record(), late), "lineup.json"))
    conference = schedule(site)["schedule"]["conference"]
    [day] = conference["days"]  # the 01:00 set belongs to the night of the 10th
    assert (day["index"], day["date"], day["day_start"], day["day_end"]) == (
        1, "2026-07-10", "2026-07-10T06:00:00+01:00", "2026-07-11T06:00:00+01:00")
    assert conference["time_zone_name"] == "Europe/London"
    night = day["rooms"]["Club"][0]
    assert (night["date"], night["start"], night["duration"], night["end"]) == (
        "2026-07-11T01:00:00+01:00", "01:00", "01:30", "2026-07-11T02:30:00+01:00")
    xml = site["schedule.xml"].body.decode()
    assert '<day index="1" date="2026-07-10" start="2026-07-10T06:00:00+01:00"' in xml


def test_a_set_past_midnight_ends_on_the_next_day(sqlite_store: SqliteStore) -> None:
    late = record(performer="Night Owl", stage="Club", start="23:30", end="01:00")
    site = published(sqlite_store, (document(late), "lineup.json"))
    [event] = events(site)
    assert (event["date"], event["duration"], event["end"]) == (
        "2026-07-10T23:30:00+01:00", "01:30", "2026-07-11T01:00:00+01:00")
    assert "<duration>01:30</duration>" in site["schedule.xml"].body.decode()


def test_an_event_per_set_with_what_the_apps_read(sqlite_store: SqliteStore) -> None:
    site = published(sqlite_store, (document(record()), "lineup.json"))
    [event] = events(site)
    assert (event["title"], event["room"], event["type"], event["start"], event["duration"]) == (
        "Aurora Fields", "Main", "concert", "18:00", "01:15")
    [stored] = sqlite_store.stored_on(["2026-07-10"])
    assert (event["guid"], event["id"]) == (stored.guid, stored.set_id)
    conference = schedule(site)["schedule"]["conference"]
    assert (conference["title"], conference["acronym"]) == ("Riverside Sounds 2026",
                                                            "riverside_sounds_2026")


def test_rooms_are_every_stage_alphabetical_ignoring_case_on_every_day(
        sqlite_store: SqliteStore) -> None:
    sets = [record(performer="A", stage="tent"), record(performer="B", stage="Main"),
            record(performer="C", stage="Barn", date="2026-07-11")]
    conference = schedule(published(sqlite_store, (document(*sets), "l.json")))["schedule"][
        "conference"]
    assert [r["name"] for r in conference["rooms"]] == ["Barn", "Main", "tent"]
    assert [list(day["rooms"]) for day in conference["days"]] == [["Barn", "Main", "tent"]] * 2


def test_a_lineup_without_a_zone_is_published_in_utc(sqlite_store: SqliteStore) -> None:
    site = published(sqlite_store, (document(record(), timezone=None), "l.json"))
    conference = schedule(site)["schedule"]["conference"]
    assert conference["time_zone_name"] == "UTC"
    assert conference["days"][0]["day_start"] == "2026-07-10T06:00:00+00:00"
    xsd().validate(site["schedule.xml"].body.decode())


def test_festival_days_run_from_six_to_six_each_day_s_sets_chronological() -> None:
    def at(day: str, start: str) -> Performance:
        return Performance(f"Set {day} {start}", "Main", day, start, "23:59")

    sets = tuple(sorted((at("2026-07-10", "05:59"), at("2026-07-10", "06:00"),
                         at("2026-07-10", "23:00"), at("2026-07-11", "01:00"),
                         at("2026-07-11", "06:00"), at("2026-07-13", "02:00")),
                        key=Performance.chronological))
    days = festival_days(sets)
    assert {day: [p.performer for p in held] for day, held in days.items()} == {
        "2026-07-09": ["Set 2026-07-10 05:59"],
        "2026-07-10": ["Set 2026-07-10 06:00", "Set 2026-07-10 23:00", "Set 2026-07-11 01:00"],
        "2026-07-11": ["Set 2026-07-11 06:00"],
        "2026-07-12": ["Set 2026-07-13 02:00"]}
    assert list(days) == sorted(days) and festival_days(()) == {}


@pytest.mark.parametrize(("text", "written"), [
    ('a\x07b & <c> "d"', "ab &amp; &lt;c&gt; &quot;d&quot;"),  # XML forbids \x07: dropped
    ("Aurora Fields", "Aurora Fields"),
    ("Sigur Rós", "Sigur Rós"),
    ("a&b", "a&amp;b"), ("a<b", "a&lt;b"), ("a>b", "a&gt;b"), ('a"b', "a&quot;b"),
    ("tab\tkept", "tab\tkept"),
])
def test_xml_text_escapes_markup_and_drops_what_xml_forbids(text: str, written: str) -> None:
    assert xml_text(text) == written


@pytest.mark.parametrize("name, expected", [
    ("Riverside Sounds 2026", "riverside_sounds_2026"), (None, "festival"), ("X", "x_festival"),
    ("東京", "festival")])
def test_the_acronym_is_a_c3voc_acronym(name: str | None, expected: str) -> None:
    assert acronym(name) == expected


def test_the_checks_would_catch_a_bad_guid_or_date(sqlite_store: SqliteStore) -> None:
    site = published(sqlite_store, (document(record()), "l.json"))
    broken = schedule(site)
    broken["schedule"]["conference"]["days"][0]["rooms"]["Main"][0]["guid"] = "set-1"
    with pytest.raises(jsonschema.ValidationError, match="uuid"):
        check_json(broken)
    xml = site["schedule.xml"].body.decode().replace("+01:00", "", 1)  # a day without offset
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        xsd().validate(xml)


@pytest.mark.parametrize(("text", "made"), [
    # ASCII words (the quick way) ...
    ("Aurora Fields", "aurora_fields"),
    ("  The   Night  Shift ", "the_night_shift"),
    ("Band\t2\nLive", "band_2_live"),
    ("DJ 42", "dj_42"),
    # ... and everything else (the expression)
    ("AC/DC", "ac_dc"),
    ("a - b", "a_b"),
    ("x_y", "x_y"),
    ("--Edge--", "edge"),
    ("Sigur Rós", "sigur_ros"),
    ("Mötley Crüe", "motley_crue"),
    ("東京", ""),
    ("", ""),
    ("   ", ""),
    ("!!!", ""),
])
def test_slug_keeps_ascii_letters_and_digits_between_separators(text: str, made: str) -> None:
    assert slug(text) == made
    assert slug(text, "-") == made.replace("_", "-")


@pytest.mark.parametrize(("names", "made"), [
    ([], []),
    (["main", "tent"], ["main", "tent"]),
    (["main", "main", "main"], ["main", "main-2", "main-3"]),
    (["main", "main-2", "main"], ["main", "main-2", "main-3"]),
])
def test_distinct_names_get_a_number_where_they_meet(names: list[str], made: list[str]) -> None:
    assert distinct(names) == made


def test_stages_whose_names_make_one_slug_get_calendars_of_their_own() -> None:
    assert stage_paths(["Main Stage", "main-stage", "Tent"]) == {
        "Main Stage": "stages/main-stage.ics", "main-stage": "stages/main-stage-2.ics",
        "Tent": "stages/tent.ics"}


# The schedule's version changes exactly when what the apps show of a set does (its identity,
# its change count, its cancellation), whatever the minute of the last change.
@pytest.mark.parametrize(("change", "differs"), [
    (lambda p: p, False),
    (lambda p: dataclasses.replace(p, popularity=3), False),
    (lambda p: dataclasses.replace(p, sequence=p.sequence + 1), True),
    (lambda p: dataclasses.replace(p, guid="00000000-0000-4000-8000-000000000000"), True),
])
def test_the_schedule_s_version_follows_each_set_s_identity_and_changes(
        sqlite_store: SqliteStore, change: Any, differs: bool) -> None:
    ingest(sqlite_store, document(record(), record(performer="B", stage="Tent")), "l.json")
    site = read_snapshot(sqlite_store)
    first, *rest = site.sets
    changed = site._replace(sets=(change(first), *rest))
    assert (version_of(changed) != version_of(site)) is differs


def test_a_cancelled_set_changes_the_schedule_s_version(sqlite_store: SqliteStore) -> None:
    ingest(sqlite_store, document(record(), record(performer="B", stage="Tent")), "l.json")
    site = read_snapshot(sqlite_store)
    first, *rest = site.sets
    gone = dataclasses.replace(first, cancelled=True, sequence=first.sequence + 1)
    changed = site._replace(sets=tuple(rest), cancelled=(gone,))
    assert version_of(changed) != version_of(site)
    assert version_of(changed).split()[:2] == version_of(site).split()[:2]  # the same minute
