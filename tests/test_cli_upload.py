"""`festival upload`: exit codes, what it prints, and what it leaves in the store."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from festival_cli.cli.commands.upload import PROGRESS_MIN, ProgressBar
from festival_cli.core.records import Ingestion
from festival_cli.stores.sqlite import SqliteStore
from festival_cli.targets.local import LocalTarget
from tests.factories import document, perf, record

Cli = Callable[..., Result]
DAY = "2026-07-10"
DATES = [DAY, "2026-07-11"]


def write(path: Path, *records: dict[str, object]) -> Path:
    path.write_bytes(document(*records))
    return path


@pytest.fixture
def lineup_file(tmp_path: Path) -> Path:
    return write(tmp_path / "lineup.json", record(),
                 record(performer="Bo", start="20:00", end="21:00", popularity=...))


def stored(db: Path) -> set[object]:
    with SqliteStore(db) as store:
        return set(store.stored_on(DATES))


def test_upload_ingests_and_says_what_it_added(cli: Cli, db_path: Path,
                                               lineup_file: Path) -> None:
    result = cli("upload", "--db", db_path, lineup_file)
    assert result.exit_code == 0, result.stderr
    assert re.fullmatch(
        r"2026-07-10\n"
        r"  added    Aurora Fields, Main: 18:00–19:15 \(popularity 87\)\n"
        r"  added    Bo, Main: 20:00–21:00\n"
        rf"ingested {re.escape(str(lineup_file))}: 2 performances "
        r"\(2 added, 0 updated, 0 removed, 0 unchanged\) \[\w+\]\n",
        result.stdout,
    ), result.stdout
    assert stored(db_path) == {perf(), perf("Bo", start="20:00", end="21:00", popularity=None)}


def test_reuploading_the_same_file_changes_nothing(cli: Cli, db_path: Path,
                                                   lineup_file: Path) -> None:
    cli("upload", "--db", db_path, lineup_file)
    before = stored(db_path)
    result = cli("upload", "--db", db_path, lineup_file)
    assert result.exit_code == 0
    assert "(0 added, 0 updated, 0 removed, 2 unchanged)" in result.stdout
    assert "added " not in result.stdout
    assert stored(db_path) == before


def test_a_moved_set_is_shown_as_a_move(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    cli("upload", "--db", db_path, write(tmp_path / "a.json", record()))
    result = cli("upload", "--db", db_path,
                 write(tmp_path / "b.json", record(start="19:00", end="20:15")))
    assert "  moved    Aurora Fields, Main: 18:00–19:15 → 19:00–20:15\n" in result.stdout
    assert "(1 added, 0 updated, 1 removed, 0 unchanged)" in result.stdout


def test_merge_keeps_the_sets_the_file_does_not_list(cli: Cli, db_path: Path,
                                                     tmp_path: Path) -> None:
    cli("upload", "--db", db_path, write(tmp_path / "a.json", record()))
    result = cli("upload", "--merge", "--db", db_path,
                 write(tmp_path / "b.json", record(performer="Bo")))
    assert result.exit_code == 0
    assert {p.performer for p in stored(db_path)} == {"Aurora Fields", "Bo"}  # type: ignore[attr-defined]


def test_a_rejected_file_writes_nothing_and_exits_1(cli: Cli, db_path: Path,
                                                    tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.json", record(), record(performer="Bo", start="25:00"))
    result = cli("upload", "--db", db_path, bad)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {bad}: 1 problem; nothing was written\n")
    assert "performances[1].start: '25:00' is not a time (HH:MM, 24-hour)" in result.stderr
    assert result.stdout == ""
    assert stored(db_path) == set()


def test_a_rejected_revision_keeps_the_stored_lineup(cli: Cli, db_path: Path,
                                                     lineup_file: Path, tmp_path: Path) -> None:
    cli("upload", "--db", db_path, lineup_file)
    before = stored(db_path)
    bad = write(tmp_path / "bad.json", record(start="19:00", end="19:00"))
    assert cli("upload", "--db", db_path, bad).exit_code == 1
    assert stored(db_path) == before


def test_a_rejected_file_is_recorded_for_status(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    cli("upload", "--db", db_path, write(tmp_path / "bad.json", record(date="2026-02-30")))
    with SqliteStore(db_path) as store:
        [rejected] = store.recent_ingestions()
    assert rejected.state == "rejected"
    assert len(rejected.errors) == 1


def overlapping(tmp_path: Path) -> Path:
    return write(tmp_path / "overlap.json", record(),
                 record(performer="Bo", start="19:00", end="20:00"))


def test_warnings_go_to_stderr_with_their_place_and_the_file_is_accepted(
        cli: Cli, db_path: Path, tmp_path: Path) -> None:
    result = cli("upload", "--db", db_path, overlapping(tmp_path))
    assert result.exit_code == 0
    assert re.search(r"^\S+overlap\.json:\d+:\d+: warning: performances\[1\]", result.stderr,
                     re.MULTILINE), result.stderr
    assert "warning:" not in result.stdout
    assert len(stored(db_path)) == 2


def test_strict_makes_warnings_errors_and_writes_nothing(cli: Cli, db_path: Path,
                                                         tmp_path: Path) -> None:
    result = cli("upload", "--strict", "--db", db_path, overlapping(tmp_path))
    assert result.exit_code == 1
    assert stored(db_path) == set()


def test_a_missing_file_is_a_one_line_error(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    result = cli("upload", "--db", db_path, tmp_path / "nope.json")
    assert result.exit_code == 1
    assert result.stderr == f"error: {tmp_path / 'nope.json'}: no such file\n"


def test_a_missing_second_file_stops_before_anything_is_written(
        cli: Cli, db_path: Path, lineup_file: Path, tmp_path: Path) -> None:
    result = cli("upload", "--db", db_path, lineup_file, tmp_path / "nope.json")
    assert result.exit_code == 1
    assert stored(db_path) == set()


def test_several_files_are_ingested_in_turn(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    a = write(tmp_path / "a.json", record())
    b = write(tmp_path / "b.json", record(date="2026-07-11"))
    result = cli("upload", "--db", db_path, a, b)
    assert result.exit_code == 0
    assert result.stdout.count("ingested ") == 2
    assert len(stored(db_path)) == 2


def test_the_first_rejected_file_stops_the_rest(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.json", record(start="x"))
    good = write(tmp_path / "good.json", record())
    result = cli("upload", "--db", db_path, bad, good)
    assert result.exit_code == 1
    assert stored(db_path) == set()


def test_festival_db_is_honoured(cli: Cli, db_path: Path, lineup_file: Path) -> None:
    result = cli("upload", lineup_file, env={"FESTIVAL_DB": str(db_path)})
    assert result.exit_code == 0
    assert len(stored(db_path)) == 2


def test_the_default_store_is_in_the_data_directory(cli: Cli, lineup_file: Path,
                                                    tmp_path: Path) -> None:
    data = tmp_path / "xdg"
    result = cli("upload", lineup_file, env={"XDG_DATA_HOME": str(data)})
    assert result.exit_code == 0
    assert len(stored(data / "festival" / "festival.db")) == 2


def test_no_wait_has_no_effect_on_the_local_store(cli: Cli, db_path: Path,
                                                  lineup_file: Path) -> None:
    result = cli("upload", "--no-wait", "--timeout", "5", "--db", db_path, lineup_file)
    assert result.exit_code == 0
    assert len(stored(db_path)) == 2


def test_stack_and_db_together_are_a_usage_error(cli: Cli, db_path: Path,
                                                 lineup_file: Path) -> None:
    result = cli("upload", "--stack", "s", "--db", db_path, lineup_file)
    assert result.exit_code == 2
    assert result.stderr == "error: give either --stack or --db, not both\n"


def test_a_corrupt_store_is_a_clear_error(cli: Cli, db_path: Path, lineup_file: Path) -> None:
    db_path.write_bytes(b"not a database at all, just some text" * 100)
    result = cli("upload", "--db", db_path, lineup_file)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {db_path}: not a festival local store")
    assert "Traceback" not in result.stderr


def test_upload_turns_the_garbage_collector_back_on(cli: Cli, db_path: Path,
                                                    lineup_file: Path) -> None:
    cli("upload", "--db", db_path, lineup_file)
    assert gc.isenabled()


def test_many_changes_are_counted_not_listed(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    many = [record(performer=f"P{i:03d}", stage=f"S{i:03d}") for i in range(60)]
    result = cli("upload", "--db", db_path, write(tmp_path / "many.json", *many))
    assert result.exit_code == 0
    assert "added " not in result.stdout
    assert "(60 added, 0 updated, 0 removed, 0 unchanged)" in result.stdout


# -- the progress display ------------------------------------------------------------------


def test_no_progress_bar_for_a_small_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("festival_cli.cli.commands.upload.plain", lambda stream: False)
    bar = ProgressBar("x.json")
    bar(0, PROGRESS_MIN - 1)
    assert bar._bar is None


def test_no_progress_bar_when_stderr_is_plain() -> None:
    bar = ProgressBar("x.json")
    bar(0, PROGRESS_MIN * 2)  # stderr is not a terminal under pytest
    assert bar._bar is None


def test_a_progress_bar_for_a_large_file_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("festival_cli.cli.commands.upload.plain", lambda stream: False)
    bar = ProgressBar("x.json")
    bar(0, PROGRESS_MIN)
    bar(PROGRESS_MIN, PROGRESS_MIN)
    assert bar._bar is not None
    assert bar._bar.tasks[0].completed == PROGRESS_MIN
    bar.close()


def test_local_target_opens_the_default_path(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    target = LocalTarget.open(None, write=True)
    target.store.save_ingestion(Ingestion(id="x", file="f.json"))
    target.close()
    assert target.path == tmp_path / "xdg" / "festival" / "festival.db"
    assert target.path.exists()


# -- the same bytes again ------------------------------------------------------------------


def test_the_same_bytes_again_are_not_validated_again(
        cli: Cli, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("upload", "--db", db_path, overlapping(tmp_path))
    monkeypatch.setattr("festival_cli.core.ingest.checked_lineup",
                        lambda *a, **k: pytest.fail("validated again"))
    result = cli("upload", "--db", db_path, overlapping(tmp_path))
    assert result.exit_code == 0
    assert "(0 added, 0 updated, 0 removed, 2 unchanged)" in result.stdout
    assert re.search(r"^\S+overlap\.json:\d+:\d+: warning: performances\[1\]", result.stderr,
                     re.MULTILINE), result.stderr


def test_the_same_bytes_after_another_revision_are_ingested_again(
        cli: Cli, db_path: Path, lineup_file: Path, tmp_path: Path) -> None:
    cli("upload", "--db", db_path, lineup_file)
    cli("upload", "--db", db_path, write(tmp_path / "other.json", record(performer="Zed")))
    result = cli("upload", "--db", db_path, lineup_file)
    assert "(2 added, 0 updated, 1 removed, 0 unchanged)" in result.stdout
    assert {p.performer for p in stored(db_path)} == {"Aurora Fields", "Bo"}  # type: ignore[attr-defined]


def test_strict_is_not_answered_from_a_lenient_upload(cli: Cli, db_path: Path,
                                                      tmp_path: Path) -> None:
    cli("upload", "--db", db_path, overlapping(tmp_path))
    assert cli("upload", "--strict", "--db", db_path, overlapping(tmp_path)).exit_code == 1


def test_the_same_bytes_again_leave_a_succeeded_record(cli: Cli, db_path: Path,
                                                       lineup_file: Path) -> None:
    cli("upload", "--db", db_path, lineup_file)
    cli("upload", "--db", db_path, lineup_file)
    with SqliteStore(db_path) as store:
        again, first = store.recent_ingestions()
    assert again.state == "succeeded"
    assert again.counts == {"performances": 2, "added": 0, "updated": 0, "removed": 0,
                            "unchanged": 2}
    assert (again.festival, again.timezone) == (first.festival, first.timezone)


# -- newest upload wins, locally (a store whose newest upload is stamped in the future) --------
def _newest_in_the_future(db: Path, *dates: str) -> None:
    """What a store written on a machine whose clock ran ahead holds: dates replaced "later"."""
    from festival_cli.core.upload_order import Mark, UploadOrder

    with SqliteStore(db) as store:
        store._set_newest(list(dates), Mark(UploadOrder.of("2999-01-01T00:00:00Z", "x.json"),
                                            "future").token)


def test_a_wholly_superseded_local_upload_writes_nothing_and_exits_1(
    cli: Cli, db_path: Path, lineup_file: Path, tmp_path: Path
) -> None:
    cli("upload", "--db", db_path, lineup_file)
    _newest_in_the_future(db_path, DAY)
    before = stored(db_path)
    result = cli("upload", "--db", db_path, write(tmp_path / "late.json", record(end="20:00")))
    assert result.exit_code == 1
    assert "late.json was superseded by newer uploads" in result.stderr
    assert f"{DAY}: every set of the date: ingestion future is newer" in result.stderr
    assert stored(db_path) == before
    with SqliteStore(db_path) as store:
        assert store.recent_ingestions(1)[0].state == "superseded"


def test_a_partly_superseded_local_upload_says_what_it_did_not_write(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    cli("upload", "--db", db_path, write(tmp_path / "a.json", record()))
    _newest_in_the_future(db_path, DAY)
    result = cli("upload", "--db", db_path, write(tmp_path / "b.json", record(end="20:00"),
                                                  record(date=DATES[1])))
    assert result.exit_code == 0, result.stderr
    assert (f"b.json: not written, {DAY}: every set of the date: ingestion future is newer"
            in result.stderr)
    assert stored(db_path) == {perf(), perf(date=DATES[1])}
