"""`festival export`: JSON that re-imports unchanged, CSV, iCalendar, --file, selectors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import icalendar
from click.testing import Result
from typer.testing import CliRunner

from festival_cli.cli.app import app
from festival_cli.core.ingest import ingest
from festival_cli.core.lineup import check_lineup
from festival_cli.core.model import Performance
from festival_cli.stores.sqlite import SqliteStore
from tests.test_timetable_layout import day_sets

DATES = ("2026-07-10", "2026-07-11")


def export(db: str, *args: str) -> Result:
    return CliRunner().invoke(app, ["export", "--db", db, *args])


def every_date() -> list[str]:
    return [arg for d in DATES for arg in ("--date", d)]


def stored(path: Path | str) -> list[Performance]:
    with SqliteStore(path) as store:
        return sorted(store.stored_on(DATES), key=Performance.chronological)


# -- JSON -------------------------------------------------------------------------------------
def test_json_is_a_lineup_file_with_the_festival_and_its_time_zone(day_db: str) -> None:
    result = export(day_db, *every_date())

    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["festival"] == "Riverside Sounds 2026"
    assert document["timezone"] == "Europe/London"
    assert len(document["performances"]) == len(day_sets())
    assert result.stderr == ""


def test_json_imported_into_another_store_gives_the_same_sets(day_db: str, tmp_path: Path) -> None:
    exported = export(day_db, *every_date()).stdout.encode()
    other = tmp_path / "other.db"

    with SqliteStore(other) as store:
        ingest(store, exported, "export.json")

    assert stored(other) == stored(day_db)


def test_json_imported_again_into_the_same_store_changes_nothing(day_db: str) -> None:
    exported = export(day_db, *every_date()).stdout.encode()

    lineup = check_lineup(exported, "export.json").accepted()
    with SqliteStore(day_db) as store:
        plan = store.plan(lineup)

    assert not plan.changed
    assert len(plan.unchanged) == len(day_sets())


# -- CSV and iCalendar ------------------------------------------------------------------------
def test_csv_has_a_header_and_one_row_per_set(day_db: str) -> None:
    result = export(day_db, "--date", "2026-07-10", "--output", "csv")

    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    expected = [p for p in stored(day_db) if p.date == "2026-07-10"]
    assert [(r["performer"], r["stage"], r["date"], r["start"], r["end"]) for r in rows] == [
        (p.performer, p.stage, p.date, p.start, p.end) for p in expected]
    assert [r["popularity"] for r in rows] == [
        "" if p.popularity is None else str(p.popularity) for p in expected]


def test_ics_holds_one_event_per_set_in_the_festival_time_zone(day_db: str) -> None:
    result = export(day_db, "--performer", "Night Owls Collective", "--output", "ics")

    assert result.exit_code == 0
    calendar = icalendar.Calendar.from_ical(result.stdout)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Night Owls Collective"
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.decoded("DTEND").isoformat() == "2026-07-11T01:30:00+01:00"


# -- selecting --------------------------------------------------------------------------------
def test_date_may_be_given_several_times(day_db: str) -> None:
    one = json.loads(export(day_db, "--date", "2026-07-10").stdout)["performances"]
    both = json.loads(export(day_db, *every_date()).stdout)["performances"]

    assert {r["date"] for r in one} == {"2026-07-10"}
    assert {r["date"] for r in both} == set(DATES)
    assert len(both) == len(day_sets())


def test_the_other_selectors_work_as_in_query(day_db: str) -> None:
    result = export(day_db, "--stage", "Main", "--from", "2026-07-10T19:00", "--to",
                    "2026-07-10T22:00", "--output", "csv")

    assert [r["performer"] for r in csv.DictReader(io.StringIO(result.stdout))] == [
        "Aurora Fields", "Neon Tide", "The Midnight Parade"]


def test_without_a_selector_every_stored_set_is_exported(day_db: str) -> None:
    whole, dated = export(day_db), export(day_db, *every_date())

    assert whole.exit_code == 0, whole.output
    assert whole.stdout == dated.stdout
    assert len(json.loads(whole.stdout)["performances"]) == len(day_sets())


def test_without_a_selector_an_empty_store_exports_an_empty_document(tmp_path: Path) -> None:
    SqliteStore(tmp_path / "empty.db").close()
    result = export(str(tmp_path / "empty.db"), "--output", "csv")

    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["performer,stage,date,start,end,popularity"]


def test_a_selector_that_makes_no_sense_alone_is_still_a_usage_error(day_db: str) -> None:
    result = export(day_db, "--at", "21:00")

    assert result.exit_code == 2
    assert result.stdout == ""


def test_a_json_selection_that_matches_nothing_is_refused(day_db: str, tmp_path: Path) -> None:
    """A lineup file of no set would not upload back: none is written."""
    result = export(day_db, "--date", "2026-08-01", "--file", str(tmp_path / "none.json"))

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == ("error: no performances match: nothing to export (a lineup file "
                             "holds at least one set)\n")
    assert not (tmp_path / "none.json").exists()


def test_a_csv_selection_that_matches_nothing_is_an_empty_document(day_db: str) -> None:
    result = export(day_db, "--date", "2026-08-01", "--output", "csv")

    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["performer,stage,date,start,end,popularity"]
    assert result.stderr == "no performances match: the document is empty\n"


# -- --file -----------------------------------------------------------------------------------
def test_file_receives_the_document_and_stdout_stays_empty(day_db: str, tmp_path: Path) -> None:
    target = tmp_path / "lineup.ics"

    result = export(day_db, *every_date(), "--output", "ics", "--file", str(target))

    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"wrote {len(day_sets())} sets to {target}\n"
    assert b"\r\nBEGIN:VEVENT\r\n" in target.read_bytes()
    assert [p.name for p in tmp_path.iterdir() if p.name != "festival.db"] == ["lineup.ics"]


def test_file_replaces_an_existing_file_whole(day_db: str, tmp_path: Path) -> None:
    target = tmp_path / "export.json"
    target.write_text("old content that is longer than nothing" * 1000)

    export(day_db, "--date", "2026-07-10", "--file", str(target))

    assert json.loads(target.read_text())["festival"] == "Riverside Sounds 2026"


def test_file_in_a_missing_directory_fails_and_writes_nothing(day_db: str, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "export.json"

    result = export(day_db, "--date", "2026-07-10", "--file", str(target))

    assert result.exit_code == 1
    assert result.stderr == f"error: {target}: cannot write (No such file or directory)\n"
    assert not target.parent.exists()


def test_json_export_does_not_import_rich(day_db: str) -> None:
    script = (
        "import sys\n"
        "from festival_cli.cli.app import app\n"
        f"try:\n    app(['export', '--db', {day_db!r}, '--date', '2026-07-10'])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'rich'), file=sys.stderr)\n"
    )

    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)

    assert done.stderr.strip() == "[]"
    assert json.loads(done.stdout)["festival"] == "Riverside Sounds 2026"
