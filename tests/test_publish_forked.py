"""publish/forked.py: the calendars of a local publish made in a forked child, and every failure of
either half leaving the site as it was."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from festival_cli.core.errors import PublishError
from festival_cli.core.ingest import ingest
from festival_cli.publish import forked
from festival_cli.publish.forked import written_aside
from festival_cli.publish.site import build_site, publish_to
from festival_cli.stores.sqlite import SqliteStore
from tests.factories import document, record

DAY = "2030-07-10"
SETS = [record(performer="Aurora Fields", date=DAY, start="18:00", end="19:00"),
        record(performer="Brass Tide", stage="Tent", date=DAY, start="20:00", end="21:00")]
REVISED = [record(performer="Aurora Fields", stage="Tent", date=DAY, start="22:45",
                  end="23:30")]


def files_of(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def writers(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Which process wrote each file aside (its pid is in the name written aside)."""
    seen: dict[str, int] = {}
    real = os.replace

    def replace(temporary: Any, target: Any) -> None:
        seen[os.path.basename(target)] = int(str(temporary).rsplit(".", 2)[1])
        real(temporary, target)

    monkeypatch.setattr(forked.os, "replace", replace)
    return seen


@pytest.fixture
def store(sqlite_store: SqliteStore) -> SqliteStore:
    ingest(sqlite_store, document(*SETS), "lineup.json")
    return sqlite_store


def test_the_calendars_lineup_and_feed_are_made_by_a_second_process_the_schedules_here(
        store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = writers(monkeypatch)
    (tmp_path / "site").mkdir()  # a folder there already: every file written aside, renamed
    done = publish_to(tmp_path / "site", store)
    assert seen["schedule.json"] == seen["schedule.xml"] == seen["index.html"] == os.getpid()
    assert seen["festival.ics"] != os.getpid()
    theirs = {seen[name] for name in seen if name.endswith(".ics")}
    assert theirs == {seen["festival.ics"]} == {seen["lineup.json"]} == {seen["changes.atom"]}
    assert set(files_of(tmp_path / "site")) == set(done.files)


def test_both_halves_are_made_here_when_another_thread_runs(
        store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = writers(monkeypatch)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    (tmp_path / "site").mkdir()
    try:
        publish_to(tmp_path / "site", store)
    finally:
        release.set()
        other.join()
    assert set(seen.values()) == {os.getpid()}


def test_it_writes_what_one_process_writes(store: SqliteStore, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    publish_to(tmp_path / "two", store)
    monkeypatch.setattr(forked, "_fork", lambda work: None)
    publish_to(tmp_path / "one", store)
    assert files_of(tmp_path / "two") == files_of(tmp_path / "one")


def test_the_second_process_is_reaped_after_the_switch_not_before(
        store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Its report is read as soon as it is whole; the child's own ending (letting go of its
    # copy of this process's memory) overlaps the renames instead of preceding them.
    calls: list[str] = []
    real_replace, real_rename, real_waitpid = os.replace, os.rename, os.waitpid

    def replace(temporary: Any, target: Any) -> None:
        calls.append("rename")
        real_replace(temporary, target)

    def rename(staging: Any, target: Any) -> None:
        calls.append("rename")
        real_rename(staging, target)

    def waitpid(pid: int, options: int) -> tuple[int, int]:
        calls.append("reap")
        return real_waitpid(pid, options)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "rename", rename)
    monkeypatch.setattr(os, "waitpid", waitpid)
    publish_to(tmp_path / "new", store)  # one rename: the folder written beside it
    assert calls == ["rename", "reap"]
    calls.clear()
    ingest(store, document(*REVISED), "lineup.json")
    publish_to(tmp_path / "new", store)  # a rename per changed file
    assert calls.count("reap") == 1 and calls[-1] == "reap" and "rename" in calls


def test_a_failure_in_the_second_process_leaves_the_site_as_it_was(
        store: SqliteStore, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish_to(site, store)
    for calendar in (site / "stages").iterdir():
        calendar.unlink()
    (site / "stages").rmdir()
    (site / "stages").write_text("in the way")  # the child cannot write the calendars
    before = files_of(site)
    ingest(store, document(*REVISED), "lineup.json")
    with pytest.raises(PublishError, match=r"cannot write the site into .*stages"):
        publish_to(site, store)
    assert files_of(site) == before  # not one file switched, nothing left aside


def test_a_failure_here_removes_what_the_second_process_wrote_aside(
        store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    publish_to(site, store)
    before = files_of(site)
    ingest(store, document(*REVISED), "lineup.json")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OSError(28, "No space left on device", str(site / "schedule.xml"))

    monkeypatch.setattr("festival_cli.publish.site.schedules", broken)
    with pytest.raises(PublishError, match=r"schedule\.xml: No space left on device"):
        publish_to(site, store)
    assert files_of(site) == before


def test_files_made_together_are_left_alone_when_their_bytes_have_not_changed(
        store: SqliteStore, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish_to(site, store, now=NOW)
    together = ("schedule.json", "index.html", "schedule.xml")
    for name in together:
        os.utime(site / name, ns=(1, 1))
    publish_to(site, store, now=NOW)  # nothing changed
    assert {(site / name).stat().st_mtime_ns for name in together} == {1}
    ingest(store, document(*REVISED), "lineup.json")
    publish_to(site, store, now=NOW)
    assert 1 not in {(site / name).stat().st_mtime_ns for name in together}
    assert not [name for name in os.listdir(site) if name.endswith(".publishing")]


# -- a folder that is not there yet: written beside it, then renamed to it (folder._write_new) --
def test_a_new_folder_is_written_beside_it_and_renamed_whole(
        store: SqliteStore, tmp_path: Path) -> None:
    done = publish_to(tmp_path / "deep" / "site", store)
    assert set(files_of(tmp_path / "deep" / "site")) == set(done.files)
    assert os.listdir(tmp_path / "deep") == ["site"]  # nothing left beside it
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "deep" / "site").stat().st_mode & 0o777 == 0o777 & ~umask


@pytest.mark.parametrize("broken", ["schedules", "calendars"])  # this process's, the child's
def test_a_failure_into_a_new_folder_leaves_nothing(
        store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: str) -> None:
    def fails(*args: Any, **kwargs: Any) -> Any:
        raise OSError(28, "No space left on device", "somewhere")

    monkeypatch.setattr(f"festival_cli.publish.site.{broken}", fails)
    (tmp_path / "out").mkdir()
    with pytest.raises(PublishError, match="No space left on device"):
        publish_to(tmp_path / "out" / "site", store)
    assert os.listdir(tmp_path / "out") == []


def test_a_folder_that_appears_meanwhile_is_not_replaced(
        store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "out" / "site"
    real = forked._Switch.beside

    def beside(self: Any, mine: Any, theirs: Any) -> list[str]:
        written = real(self, mine, theirs)
        site.mkdir()
        (site / "theirs.txt").write_text("another publish's")
        return written

    monkeypatch.setattr(forked._Switch, "beside", beside)
    with pytest.raises(PublishError, match=rf"cannot write the site into {site}: {site}: "):
        publish_to(site, store)
    assert os.listdir(tmp_path / "out") == ["site"] and os.listdir(site) == ["theirs.txt"]


def test_a_second_process_that_ends_without_a_word_is_an_error(tmp_path: Path) -> None:
    aside = tmp_path / ".a.publishing"
    aside.write_text("mine")
    here = os.getpid()

    def dies() -> Any:
        if os.getpid() == here:  # never end the test run itself
            pytest.fail("the second half was not forked")
        os._exit(3)

    with pytest.raises(RuntimeError, match=r"ended without a report \(status 3\)"), \
            written_aside(tmp_path) as writing:
        writing.beside(lambda: (["a"], [(str(aside), str(tmp_path / "a"))]), dies)
    assert not aside.exists()  # what this process wrote aside is removed


@pytest.mark.parametrize(("reported", "raised"), [
    ({"interrupted": True}, KeyboardInterrupt),
    ({"error": "ValueError: a bug"}, RuntimeError),
    ({"oserror": [13, "Permission denied", "/site/x"]}, PermissionError),
    ({"redo": True}, forked.Redo),
])
def test_what_failed_in_the_second_process_is_raised_here(
        reported: dict[str, Any], raised: type[BaseException]) -> None:
    with pytest.raises(raised):
        forked._raise_reported(reported)


# -- each half reading the store itself (site._ReadTwice) --------------------------------------
NOW = datetime(2030, 7, 1, tzinfo=UTC)


def test_the_second_process_reads_the_store_through_its_own_connection(
        store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened_by = tmp_path / "opened-by"
    real = SqliteStore.reopened

    def reopened(self: SqliteStore) -> SqliteStore:
        opened_by.write_text(str(os.getpid()))
        return real(self)

    monkeypatch.setattr(SqliteStore, "reopened", reopened)
    publish_to(tmp_path / "site", store, now=NOW)
    assert int(opened_by.read_text()) != os.getpid()


def test_an_upload_between_the_two_reads_publishes_one_state_the_newer(
        store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = SqliteStore.reopened

    def reopened(self: SqliteStore) -> SqliteStore:  # the second half: an upload lands first
        writer = SqliteStore(self.path)
        ingest(writer, document(*REVISED), "revised.json")
        writer.close()
        return real(self)

    monkeypatch.setattr(SqliteStore, "reopened", reopened)
    done = publish_to(tmp_path / "site", store, now=NOW)
    monkeypatch.undo()
    assert [p.performer for p in done.site.sets] == ["Aurora Fields"]  # the revision's
    again = publish_to(tmp_path / "again", store, now=NOW)
    assert files_of(tmp_path / "site") == files_of(tmp_path / "again")  # every file of it
    assert again.site == done.site


# -- big documents written a few pieces at a time (folder._written) --------------------------------


def test_a_publish_writes_the_very_bytes_a_stack_s_site_holds_whatever_the_chunks(
        sqlite_store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    odd = [record(performer="</script> Zoë", date=DAY, start="18:00", end="19:00"),
           record(performer="Brass Tide", stage="Tent <b>", date=DAY, start="20:00", end="21:00")]
    ingest(sqlite_store, document(*odd), "lineup.json")
    monkeypatch.setattr("festival_cli.publish.folder.PIECES_JOINED", 3)  # chunks of 3 pieces
    publish_to(tmp_path / "site", sqlite_store, now=NOW)
    whole = {f.path: f.body for f in build_site(sqlite_store, now=NOW)}
    assert files_of(tmp_path / "site") == whole
    assert b"</script> Zo" not in whole["index.html"]  # escaped in the page's data block
