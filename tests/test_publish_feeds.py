"""The calendars, the Atom feed, lineup.json and how every file is served (issue 15, 2-4).

Dates are in 2030 so that removed sets are still kept as cancelled (their day has not passed).
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import icalendar
import pytest

from festival_cli.core.errors import NotFoundError, PublishError, UsageError
from festival_cli.core.ingest import ingest
from festival_cli.core.lineup import check_lineup
from festival_cli.core.model import Lineup
from festival_cli.publish.page import ASSETS
from festival_cli.publish.site import (
    CACHE_CONTROL,
    SiteFile,
    build_site,
    lineup_json,
    write_site,
)
from festival_cli.stores.sqlite import SqliteStore
from tests.factories import document, perf, record

DAY = "2030-07-10"
FIRST = [record(performer="Aurora Fields", date=DAY, start="18:00", end="19:00"),
         record(performer="Brass Tide", stage="Tent", date=DAY, start="20:00", end="21:00"),
         record(performer="Cobalt", date=DAY, start="21:30", end="22:30")]
# Aurora moves to the Tent at 22:45; Brass Tide is cancelled; Cobalt is unchanged.
REVISED = [record(performer="Aurora Fields", stage="Tent", date=DAY, start="22:45",
                  end="23:30"), FIRST[2]]


def site_of(store: SqliteStore, **kwargs: Any) -> dict[str, SiteFile]:
    return {f.path: f for f in build_site(store, **kwargs)}


def ingested(store: SqliteStore, *revisions: list[dict[str, Any]]) -> dict[str, SiteFile]:
    for n, sets in enumerate(revisions):
        ingest(store, document(*sets), f"lineup-{n + 1}.json")
    return site_of(store)


def vevents(site: dict[str, SiteFile], path: str = "festival.ics") -> dict[str, Any]:
    calendar = icalendar.Calendar.from_ical(site[path].body)
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def test_calendar_uids_are_stable_across_a_revision_and_a_move_raises_sequence(
        sqlite_store: SqliteStore) -> None:
    before = vevents(ingested(sqlite_store, FIRST))
    after = vevents(ingested(sqlite_store, REVISED))
    assert {n: str(e["UID"]) for n, e in after.items()} == {
        n: str(e["UID"]) for n, e in before.items()}
    moved = after["Aurora Fields"]
    assert (int(before["Aurora Fields"]["SEQUENCE"]), int(moved["SEQUENCE"])) == (0, 1)
    assert (str(moved["LOCATION"]), moved["DTSTART"].dt.hour) == ("Tent", 22)
    assert int(after["Cobalt"]["SEQUENCE"]) == 0
    [stored] = [p for p in sqlite_store.stored_on([DAY]) if p.performer == "Aurora Fields"]
    assert str(moved["UID"]) == f"{stored.guid}@festival"  # what the page's download uses


def test_a_cancelled_set_stays_in_the_calendars_as_cancelled(sqlite_store: SqliteStore) -> None:
    site = ingested(sqlite_store, FIRST, REVISED)
    gone = vevents(site)["Brass Tide"]
    assert (str(gone["STATUS"]), int(gone["SEQUENCE"])) == ("CANCELLED", 1)
    assert str(vevents(site, "stages/tent.ics")["Brass Tide"]["STATUS"]) == "CANCELLED"
    assert "STATUS" not in vevents(site)["Cobalt"]
    # ... but not in the schedule the apps read, and gone once its festival day has passed.
    titles = [e["title"] for day in json.loads(site["schedule.json"].body)["schedule"][
        "conference"]["days"] for room in day["rooms"].values() for e in room]
    assert sorted(titles) == ["Aurora Fields", "Cobalt"]
    later = site_of(sqlite_store, now=datetime(2030, 7, 11, 6, 0, tzinfo=UTC))
    assert "Brass Tide" not in vevents(later)


def test_one_calendar_per_stage_with_one_time_zone(sqlite_store: SqliteStore) -> None:
    site = ingested(sqlite_store, FIRST)
    assert sorted(p for p in site if p.startswith("stages/")) == ["stages/main.ics",
                                                                   "stages/tent.ics"]
    assert sorted(vevents(site, "stages/main.ics")) == ["Aurora Fields", "Cobalt"]
    calendar = icalendar.Calendar.from_ical(site["stages/tent.ics"].body)
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(calendar["X-WR-CALNAME"]) == "Riverside Sounds 2026: Tent"


def test_the_guid_of_a_moved_set_is_unchanged_in_the_schedule(sqlite_store: SqliteStore) -> None:
    def by_title(site: dict[str, SiteFile]) -> dict[str, tuple[str, int]]:
        days = json.loads(site["schedule.json"].body)["schedule"]["conference"]["days"]
        return {e["title"]: (e["guid"], e["id"]) for day in days
                for room in day["rooms"].values() for e in room}

    before, after = by_title(ingested(sqlite_store, FIRST)), by_title(
        ingested(sqlite_store, REVISED))
    assert after["Aurora Fields"] == before["Aurora Fields"]


def test_the_atom_feed_lists_each_changing_ingestion_newest_first(
        sqlite_store: SqliteStore) -> None:
    ingested(sqlite_store, FIRST, REVISED)
    ingest(sqlite_store, document(*REVISED), "unchanged.json")  # changes nothing: no entry
    feed = feedparser.parse(site_of(sqlite_store)["changes.atom"].body)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Riverside Sounds 2026: lineup changes"
    assert [e.title for e in feed.entries] == [
        "lineup-2.json: 1 added, 2 removed, 1 unchanged", "lineup-1.json: 3 added"]
    newest = feed.entries[0].content[0].value
    assert ("<li>moved: Aurora Fields, Main → Tent, 2030-07-10: 18:00–19:00 (popularity 87) "
            "→ 22:45–23:30 (popularity 87)</li>") in newest
    [record_2] = [r for r in sqlite_store.recent_ingestions() if r.file == "lineup-2.json"]
    assert all(f"<li>{line}</li>" in newest for line in record_2.changes)  # the email's lines
    assert feed.entries[0].updated_parsed >= feed.entries[1].updated_parsed
    assert len({e.id for e in feed.entries}) == 2


def test_lineup_json_is_format_1_and_reimports_as_it_is(sqlite_store: SqliteStore) -> None:
    site = ingested(sqlite_store, FIRST, REVISED)
    again = check_lineup(site["lineup.json"].body, "lineup.json").accepted()
    assert set(again.performances) == set(sqlite_store.stored_on([DAY]))
    assert (again.festival, again.timezone) == ("Riverside Sounds 2026", "Europe/London")


@pytest.mark.parametrize("festival, timezone, merge", [
    ("Fête \"2026\" \\ </script>", "Europe/London", False), (None, None, False),
    ("Riverside", None, True)])
def test_lineup_json_is_the_bytes_json_dumps_gives(festival: str | None, timezone: str | None,
                                                    merge: bool) -> None:
    odd = ['Ünïcode & <Söhne> "quoted"', "tab\tand\\slash", "日本語 🎸", "\u2028 line"]
    sets = tuple(perf(performer=name, stage=stage, start=start, popularity=score)
                 for name, stage, start, score in zip(
                     odd, ["Tent & Co", "Main", "Ünï", "Main"],
                     ["21:00", "18:00", "18:00", "02:00"], [87, None, 0, 100], strict=True))
    lineup = Lineup(sets, festival=festival, timezone=timezone, merge=merge)
    assert "".join(lineup_json(lineup)) == json.dumps(lineup.to_document(), ensure_ascii=False)


@pytest.mark.parametrize("path, kind", [
    ("index.html", "text/html"), ("schedule.xml", "application/xml"),
    ("schedule.json", "application/json"), ("lineup.json", "application/json"),
    ("festival.ics", "text/calendar"), ("stages/main.ics", "text/calendar"),
    ("changes.atom", "application/atom+xml")])
def test_every_file_has_its_content_type_cache_control_and_etag(
        sqlite_store: SqliteStore, path: str, kind: str) -> None:
    f = ingested(sqlite_store, FIRST)[path]
    assert f.content_type == f"{kind}; charset=utf-8"
    assert f.cache_control == CACHE_CONTROL == "public, max-age=60"
    assert f.etag == f'"{hashlib.md5(f.body).hexdigest()}"'  # as S3 computes it


def test_publishing_again_gives_the_same_bytes(sqlite_store: SqliteStore) -> None:
    first = ingested(sqlite_store, FIRST)
    assert {p: f.etag for p, f in site_of(sqlite_store).items()} == {
        p: f.etag for p, f in first.items()}


def test_the_page_gets_the_schedule_embedded(sqlite_store: SqliteStore) -> None:
    site = ingested(sqlite_store, FIRST)
    html = site["index.html"].body.decode()
    assert '<script id="schedule-data" type="application/json">{' in html
    assert set(ASSETS) <= set(site)


def test_the_site_is_written_whole_into_a_folder(sqlite_store: SqliteStore,
                                                 tmp_path: Path) -> None:
    files = build_site_after(sqlite_store, FIRST)
    out = tmp_path / "site"
    (out / "stages").mkdir(parents=True)
    (out / "stages" / "old-stage.ics").write_text("gone")
    (out / "keep.txt").write_text("not ours")
    write_site(files, out)
    assert {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} == {
        *(f.path for f in files), "keep.txt"}
    assert (out / "schedule.xml").read_bytes() == next(
        f.body for f in files if f.path == "schedule.xml")
    umask = os.umask(0)
    os.umask(umask)
    assert (out / "schedule.xml").stat().st_mode & 0o777 == 0o644 & ~umask  # for a server


def build_site_after(store: SqliteStore, sets: list[dict[str, Any]]) -> list[SiteFile]:
    ingest(store, document(*sets), "lineup.json")
    return build_site(store)


def test_a_file_where_the_folder_should_be_is_refused(sqlite_store: SqliteStore,
                                                      tmp_path: Path) -> None:
    files = build_site_after(sqlite_store, FIRST)
    (tmp_path / "site").write_text("")
    with pytest.raises(UsageError, match="is a file"):
        write_site(files, tmp_path / "site")


def test_a_write_that_fails_leaves_the_site_as_it_was(sqlite_store: SqliteStore,
                                                      tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_site(build_site_after(sqlite_store, FIRST), site)
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    revised = build_site_after(sqlite_store, REVISED)
    for calendar in (site / "stages").iterdir():
        calendar.unlink()
    (site / "stages").rmdir()
    (site / "stages").write_text("in the way")  # the calendars cannot be written
    with pytest.raises(PublishError, match="cannot write the site into"):
        write_site(revised, site)
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == {**{k: v for k, v in before.items() if k.parts[0] != "stages"},
                     Path("stages"): b"in the way"}  # not one file of the revision, no leftovers
    assert any(f.body != before[Path(f.path)] for f in revised if Path(f.path) in before)


def test_an_empty_store_has_nothing_to_publish(sqlite_store: SqliteStore) -> None:
    with pytest.raises(NotFoundError, match="nothing to publish"):
        build_site(sqlite_store)


def test_another_festival_s_name_is_refused_naming_the_one_held(
        sqlite_store: SqliteStore) -> None:
    ingest(sqlite_store, document(*FIRST), "lineup.json")
    with pytest.raises(NotFoundError, match="the store holds 'Riverside Sounds 2026'"):
        build_site(sqlite_store, festival="Other Fest")
    assert build_site(sqlite_store, festival="Riverside Sounds 2026")


def test_a_file_that_has_not_changed_is_not_written_again(sqlite_store: SqliteStore,
                                                          tmp_path: Path) -> None:
    files = build_site_after(sqlite_store, FIRST)
    write_site(files, tmp_path)
    for f in files:
        os.utime(tmp_path / f.path, ns=(1, 1))
    ingest(sqlite_store, document(FIRST[0], FIRST[1]), "lineup.json")  # Cobalt is cancelled
    again = build_site(sqlite_store)
    write_site(again, tmp_path)
    touched = {f.path for f in again if (tmp_path / f.path).stat().st_mtime_ns != 1}
    assert {"festival.ics", "schedule.json", "changes.atom"} <= touched
    assert not touched & (set(ASSETS) - {"index.html"})  # the same bytes: left alone
    assert touched < {f.path for f in files}
