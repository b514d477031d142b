"""Hostile conditions: a real `festival upload` process interrupted at every moment of a write.

SIGINT, SIGTERM and SIGKILL, each sent while the process waits at a named moment (no sleeps):
before the commit, the store is exactly as before (sets and records) and no record is left
`pending`; Ctrl-C and SIGTERM say `interrupted: nothing was written` (exit 130 / 143). After
the commit, the upload is reported as ingested and the store holds it whole, with its record.
"""

from __future__ import annotations

import os
import pty
import signal
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from festival_cli.cli.commands.upload import interrupted_message
from tests.factories import big_lineup, document, record
from tests.local_process import SIGNAL_EXIT, Run, run_festival, snapshot

BEFORE_COMMIT = ("validated", "applied", "recorded")
SIGNALS = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM, "SIGKILL": signal.SIGKILL}


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store holding one upload, and a second file revising its date (adds and removes)."""
    db = tmp_path / "festival.db"
    first = tmp_path / "first.json"
    first.write_bytes(document(record(), record(performer="Bo", start="20:00", end="21:00")))
    done = run_festival("upload", "--db", db, first)
    assert done.returncode == 0, done.stderr
    (tmp_path / "second.json").write_bytes(document(
        record(), record(performer="Cy", start="21:00", end="22:00")))
    return db


@pytest.fixture
def runs() -> Iterator[list[Run]]:
    started: list[Run] = []
    yield started
    for run in started:
        run.kill_if_running()


def _interrupt(db: Path, moment: str, signum: int, runs: list[Run]) -> tuple[int, str, str]:
    run = Run.start("upload", "--db", db, db.parent / "second.json", moment=moment,
                    workdir=db.parent)
    runs.append(run)
    run.wait_for_pause()
    run.signal(signum)
    return run.finish()


@pytest.mark.parametrize("name", sorted(SIGNALS))
@pytest.mark.parametrize("moment", BEFORE_COMMIT)
def test_an_interrupt_before_the_commit_leaves_the_store_as_it_was(
        store: Path, moment: str, name: str, runs: list[Run]) -> None:
    before = snapshot(store)
    code, out, err = _interrupt(store, moment, SIGNALS[name], runs)
    assert code == SIGNAL_EXIT[SIGNALS[name]], err
    assert snapshot(store) == before  # no set, no record (so none pending)
    assert "Traceback" not in err
    if name != "SIGKILL":
        assert err.strip().splitlines()[-1] == "interrupted: nothing was written"
        assert "ingested" not in out


@pytest.mark.parametrize("name", sorted(SIGNALS))
def test_an_interrupt_after_the_commit_is_reported_as_ingested(
        store: Path, name: str, runs: list[Run]) -> None:
    sets_before, records_before = snapshot(store)
    code, out, err = _interrupt(store, "committed", SIGNALS[name], runs)
    assert code == SIGNAL_EXIT[SIGNALS[name]], err
    sets, records = snapshot(store)
    assert len(sets) == 2 and sets != sets_before  # the second file, whole
    new = [r for r in records if r not in records_before]
    assert [state for _, state in new] == ["succeeded"]
    if name != "SIGKILL":
        assert "ingested" in out and new[0][0] in out
        assert err.strip().splitlines()[-1] == (
            "interrupted: " + str(store.parent / "second.json")
            + " was ingested before it; nothing else was written")


def test_ctrl_c_while_waiting_for_another_writer_writes_nothing(
        store: Path, runs: list[Run]) -> None:
    before = snapshot(store)
    other = sqlite3.connect(store, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the store
    try:
        code, _, err = _interrupt(store, "busy", signal.SIGINT, runs)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert code == 130
    assert err.strip().splitlines()[-1] == "interrupted: nothing was written"
    assert snapshot(store) == before


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM"])
def test_an_interrupted_first_upload_leaves_no_store_file(
        tmp_path: Path, name: str, runs: list[Run]) -> None:
    db = tmp_path / "new" / "festival.db"
    db.parent.mkdir()
    lineup = tmp_path / "lineup.json"
    lineup.write_bytes(document(record()))
    run = Run.start("upload", "--db", db, lineup, moment="recorded", workdir=tmp_path)
    runs.append(run)
    run.wait_for_pause()
    run.signal(SIGNALS[name])
    code, _, err = run.finish()
    assert code == SIGNAL_EXIT[SIGNALS[name]]
    assert err.strip().splitlines()[-1] == "interrupted: nothing was written"
    assert sorted(os.listdir(db.parent)) == []


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM"])
def test_an_interrupted_upload_gives_the_terminal_its_cursor_back(
        store: Path, name: str, runs: list[Run]) -> None:
    """The progress bar (shown on a terminal for a large file) hides the cursor; however the
    upload ends, the cursor is shown again."""
    sets = big_lineup(6_000)
    big = store.parent / "second.json"
    big.write_bytes(document(*(record(performer=p.performer, stage=p.stage, date=p.date,
                                      start=p.start, end=p.end) for p in sets)))
    before = snapshot(store)
    leader, follower = pty.openpty()
    screen = bytearray()

    def read_screen() -> None:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                return  # the terminal closed: the process is gone
            if not chunk:
                return
            screen.extend(chunk)

    reader = threading.Thread(target=read_screen, daemon=True)
    reader.start()
    run = Run.start("upload", "--db", store, big, moment="applied", workdir=store.parent,
                    stderr=follower, env={"TERM": "xterm-256color", "COLUMNS": "100"})
    os.close(follower)
    runs.append(run)
    run.wait_for_pause()
    run.signal(SIGNALS[name])
    code, _, _ = run.finish()
    reader.join(timeout=10)
    os.close(leader)
    text = screen.decode(errors="replace")
    assert code == SIGNAL_EXIT[SIGNALS[name]]
    hidden = text.find("\x1b[?25l")
    assert hidden >= 0, text[-500:]  # the bar was up (it hides the cursor)
    assert text.rfind("\x1b[?25h") > hidden, text[-500:]
    assert "interrupted: nothing was written" in text
    assert snapshot(store) == before


def test_the_message_says_exactly_what_was_ingested() -> None:
    files = ["a.json", "b.json", "c.json"]
    assert interrupted_message(files, [], stack=False) == "interrupted: nothing was written"
    assert interrupted_message(files, ["a.json"], stack=False) == (
        "interrupted: a.json was ingested; nothing of b.json, c.json was written")
    assert interrupted_message(files, files, stack=False) == (
        "interrupted: a.json, b.json, c.json were ingested before it; nothing else was written")
    # A stack ingests what it was sent whatever the command does next: say so, claim nothing.
    assert "ingested there all the same" in interrupted_message(files, [], stack=True)
