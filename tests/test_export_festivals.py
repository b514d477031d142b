"""`festival export` of a store holding several festivals, and of a selection that is not the
whole of its dates (issue 13): each set in its own zone; a lineup file never lies about what
it holds, and uploading one back never removes what it did not select.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
from click.testing import Result

from festival_cli.stores.sqlite import SqliteStore
from tests.factories import document, record

Cli = Callable[..., Result]
LONDON = {"festival": "Riverside Sounds 2026", "timezone": "Europe/London"}
NEW_YORK = {"festival": "Hudson Nights", "timezone": "America/New_York"}


@pytest.fixture
def two_festivals(cli: Cli, db_path: Path, tmp_path: Path) -> Path:
    """London's sets on the 10th, New York's on the 11th (uploaded last), both at 20:00."""
    london, new_york = tmp_path / "london.json", tmp_path / "new-york.json"
    london.write_bytes(document(record(performer="Aurora Fields", start="20:00", end="21:00"),
                                **LONDON))
    new_york.write_bytes(document(record(performer="Brass Tide", date="2026-07-11",
                                         start="20:00", end="21:00"), **NEW_YORK))
    assert cli("upload", "--db", db_path, london, new_york).exit_code == 0
    return db_path


# -- 5. time zone and festival per set ---------------------------------------------------------
def test_each_festival_exports_in_its_own_zone(cli: Cli, two_festivals: Path) -> None:
    london = json.loads(cli("export", "--db", two_festivals, "--date", "2026-07-10").stdout)
    new_york = json.loads(cli("export", "--db", two_festivals, "--date", "2026-07-11").stdout)
    assert (london["festival"], london["timezone"]) == tuple(LONDON.values())
    assert (new_york["festival"], new_york["timezone"]) == tuple(NEW_YORK.values())


def test_a_json_export_of_two_festivals_is_refused_naming_them(
        cli: Cli, two_festivals: Path, tmp_path: Path) -> None:
    result = cli("export", "--db", two_festivals, "--file", tmp_path / "both.json")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: the selected sets come from 2 festivals or time zones (Hudson Nights, "
        "America/New_York: 1 set; Riverside Sounds 2026, Europe/London: 1 set), and a lineup "
        "file holds one of each: select the sets of one (by date, stage or performer), or "
        "export them as iCalendar (each set in its own zone) or CSV\n")
    assert not (tmp_path / "both.json").exists()


def test_a_calendar_of_two_festivals_has_each_set_in_its_zone(cli: Cli,
                                                              two_festivals: Path) -> None:
    result = cli("export", "--db", two_festivals, "--output", "ics")
    assert result.exit_code == 0, result.output
    calendar = icalendar.Calendar.from_ical(result.stdout)
    zones = {z["TZID"] for z in calendar.walk("VTIMEZONE")}
    assert zones == {"Europe/London", "America/New_York"}
    starts = {str(e["SUMMARY"]): e.decoded("DTSTART").astimezone(UTC)
              for e in calendar.walk("VEVENT")}
    # 20:00 in London (BST) and 20:00 in New York (EDT): 19:00 and 00:00 UTC, not both 19:00.
    assert starts == {"Aurora Fields": datetime(2026, 7, 10, 19, 0, tzinfo=UTC),
                      "Brass Tide": datetime(2026, 7, 12, 0, 0, tzinfo=UTC)}
    descriptions = {str(e["SUMMARY"]): str(e["DESCRIPTION"]) for e in calendar.walk("VEVENT")}
    assert descriptions["Brass Tide"].startswith("Hudson Nights")


def test_a_store_written_before_sets_had_a_zone_gets_the_latest_upload_s(
        cli: Cli, db_path: Path, tmp_path: Path) -> None:
    """Upgrading a version-2 store stamps its sets as export named them then."""
    lineup = tmp_path / "london.json"
    lineup.write_bytes(document(record(), **LONDON))
    assert cli("upload", "--db", db_path, lineup).exit_code == 0
    with SqliteStore(db_path) as store:  # back to version 2: no festival, no time zone
        for column in ("festival", "timezone", "upload"):  # (nor version 4's upload marks)
            store._db.execute(f"ALTER TABLE performances DROP COLUMN {column}")
        store._db.execute("ALTER TABLE date_versions DROP COLUMN newest")
        store._db.execute("PRAGMA user_version = 2")
    exported = json.loads(cli("export", "--db", db_path, "--date", "2026-07-10").stdout)
    assert (exported["festival"], exported["timezone"]) == tuple(LONDON.values())
    with SqliteStore(db_path, write=False) as store:
        assert {p.origin for p in store.stored_on(["2026-07-10"])} == {tuple(LONDON.values())}


# -- 6. a partial export cannot delete on re-import ------------------------------------------
def test_a_partial_export_uploaded_back_removes_nothing(cli: Cli, db_path: Path,
                                                        tmp_path: Path) -> None:
    lineup = tmp_path / "day.json"
    lineup.write_bytes(document(record(performer="Aurora Fields"),
                                record(performer="Brass Tide", start="20:00", end="21:00")))
    assert cli("upload", "--db", db_path, lineup).exit_code == 0
    partial = tmp_path / "aurora.json"
    exported = cli("export", "--db", db_path, "--performer", "Aurora Fields", "--file", partial)
    assert exported.exit_code == 0, exported.output
    assert json.loads(partial.read_bytes())["merge"] is True

    diff = cli("diff", "--db", db_path, partial)
    assert diff.exit_code == 0, diff.output  # nothing would change: Brass Tide stays
    result = cli("upload", "--db", db_path, partial)
    assert result.exit_code == 0, result.output
    assert "merged, as the file says" in result.stderr
    with SqliteStore(db_path, write=False) as store:
        assert sorted(p.performer for p in store.stored_on(["2026-07-10"])) == [
            "Aurora Fields", "Brass Tide"]
        assert store.recent_ingestions(1)[0].merge


def test_an_export_of_whole_dates_replaces_as_before(cli: Cli, db_path: Path,
                                                     tmp_path: Path) -> None:
    lineup = tmp_path / "day.json"
    lineup.write_bytes(document(record()))
    assert cli("upload", "--db", db_path, lineup).exit_code == 0
    exported = json.loads(cli("export", "--db", db_path, "--date", "2026-07-10").stdout)
    assert "merge" not in exported
