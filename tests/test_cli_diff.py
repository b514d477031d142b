"""`festival diff`: the plan, grouped by date, as text or JSON; exit 0 / 3 / 1; writes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from festival_cli.stores.sqlite import SqliteStore
from tests.factories import FESTIVAL, ZONE, document, lineup, perf, record

Cli = Callable[..., Result]

STORED = [
    perf("Aurora Fields", "Main", "2026-07-10", "18:00", "19:15", 87),
    perf("Bo", "Main", "2026-07-10", "20:00", "21:00", 50),
    perf("Cy", "Tent", "2026-07-10", "21:00", "22:00", None),
    perf("Di", "Tent", "2026-07-10", "22:00", "23:00", 10),
    perf("Elsewhere", "Main", "2026-07-11", "12:00", "13:00", 10),
]


@pytest.fixture
def db(db_path: Path) -> Path:
    with SqliteStore(db_path) as store:
        # Stored as uploading a `document` of them would: same festival and zone.
        store.apply_lineup(lineup(*STORED, festival=FESTIVAL, timezone=ZONE))
    return db_path


def revision(tmp_path: Path, *records: dict[str, object]) -> Path:
    path = tmp_path / "revision.json"
    path.write_bytes(document(*records))
    return path


def as_record(p: object) -> dict[str, object]:
    return p.to_record()  # type: ignore[attr-defined, no-any-return]


def stored(db: Path) -> set[object]:
    with SqliteStore(db) as store:
        return set(store.stored_on(["2026-07-10", "2026-07-11"]))


@pytest.fixture
def changed_file(tmp_path: Path) -> Path:
    """Aurora moved, Bo's end changed, Cy moved to Main, Di cancelled, Eve new."""
    return revision(
        tmp_path,
        record(performer="Aurora Fields", start="19:00", end="20:15"),
        record(performer="Bo", start="20:00", end="21:30", popularity=50),
        record(performer="Cy", stage="Main", start="21:00", end="22:00", popularity=...),
        record(performer="Eve", stage="Tent", start="23:00", end="00:30", popularity=...),
    )


def test_no_change_exits_0(cli: Cli, db: Path, tmp_path: Path) -> None:
    same = revision(tmp_path, *(as_record(p) for p in STORED if p.date == "2026-07-11"))
    result = cli("diff", "--db", db, same)
    assert result.exit_code == 0
    assert result.stdout == f"{same}: 0 added, 0 moved, 0 changed, 0 removed, 1 unchanged\n"


def test_changes_are_listed_by_date_and_stage_and_exit_3(cli: Cli, db: Path,
                                                         changed_file: Path) -> None:
    result = cli("diff", "--db", db, changed_file)
    assert result.exit_code == 3
    assert result.stdout == (
        "2026-07-10\n"
        "  moved    Aurora Fields, Main: 18:00–19:15 → 19:00–20:15\n"
        "  changed  Bo, Main: 20:00–21:00 → 20:00–21:30\n"
        "  changed  Cy, Tent → Main: 21:00–22:00\n"
        "  removed  Di, Tent: 22:00–23:00 (popularity 10)\n"
        "  added    Eve, Tent: 23:00–00:30\n"
        f"{changed_file}: 1 added, 1 moved, 2 changed, 1 removed, 0 unchanged\n"
    )


def test_a_popularity_change_is_shown_old_to_new(cli: Cli, db: Path, tmp_path: Path) -> None:
    result = cli("diff", "--db", db, revision(tmp_path, record(performer="Bo", start="20:00",
                                                              end="21:00", popularity=...)))
    assert "  changed  Bo, Main: 20:00–21:00, popularity 50 → none\n" in result.stdout


def test_diff_writes_nothing(cli: Cli, db: Path, changed_file: Path) -> None:
    before = stored(db)
    cli("diff", "--db", db, changed_file)
    assert stored(db) == before
    with SqliteStore(db) as store:
        assert store.recent_ingestions() == []


def test_merge_shows_no_removals(cli: Cli, db: Path, changed_file: Path) -> None:
    result = cli("diff", "--merge", "--db", db, changed_file)
    assert result.exit_code == 3
    assert "removed" not in result.stdout.replace("0 removed", "")
    assert "  added    Aurora Fields, Main: 19:00–20:15 (popularity 87)\n" in result.stdout


def test_json(cli: Cli, db: Path, changed_file: Path) -> None:
    result = cli("diff", "--db", db, changed_file, "--output", "json")
    assert result.exit_code == 3
    document = json.loads(result.stdout)
    assert document["file"] == str(changed_file)
    assert document["dates"] == ["2026-07-10"]
    assert document["counts"] == {"added": 2, "updated": 2, "removed": 2, "unchanged": 0}
    assert [c["kind"] for c in document["changes"]] == [
        "moved", "changed", "changed", "removed", "added"]
    moved = document["changes"][0]
    assert (moved["before"]["start"], moved["after"]["start"]) == ("18:00", "19:00")
    assert document["changes"][4]["before"] is None
    assert document["changes"][3]["after"] is None


def test_an_invalid_file_exits_1_with_its_problems(cli: Cli, db: Path, tmp_path: Path) -> None:
    bad = revision(tmp_path, record(end="18:00"))
    result = cli("diff", "--db", db, bad)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {bad}: 1 problem; nothing was written\n")
    assert result.stdout == ""


def test_a_missing_file_exits_1(cli: Cli, db: Path, tmp_path: Path) -> None:
    result = cli("diff", "--db", db, tmp_path / "nope.json")
    assert result.exit_code == 1
    assert result.stderr == f"error: {tmp_path / 'nope.json'}: no such file\n"
