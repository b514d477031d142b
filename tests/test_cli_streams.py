"""The real command's standard streams: a reader that stops reading, an encoding that is not
UTF-8. Run as a subprocess (`python -m festival_cli`), the way a shell runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from festival_cli.core.ingest import ingest
from festival_cli.stores.sqlite import SqliteStore
from tests.factories import big_document, document, record

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "lineup.json"
FESTIVAL = [sys.executable, "-m", "festival_cli"]


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FESTIVAL_", "PYTHONIO"))}
    return {**env, "NO_COLOR": "1", "COLUMNS": "100", **extra}


@pytest.fixture
def example_db(tmp_path: Path) -> str:
    path = tmp_path / "example.db"
    with SqliteStore(path) as store:
        ingest(store, EXAMPLE.read_bytes(), "lineup.json")
    return str(path)


def closed_stdout(*args: str, stdin: bytes | None = None) -> tuple[int, str]:
    """Run festival with a stdout whose reader is gone before anything is written."""
    proc = subprocess.Popen([*FESTIVAL, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                            env=environment())
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    if stdin is not None:
        assert proc.stdin is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
    error = proc.stderr.read().decode()
    return proc.wait(timeout=60), error


# -- pipes ------------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [
    ("query", "--date", "2026-07-10"),
    ("query", "--date", "2026-07-10", "--output", "json"),
    ("export", "--output", "csv"),
    ("export", "--output", "ics"),
    ("status",),
    ("timetable", "--date", "2026-07-10"),
])
def test_a_reader_that_left_costs_no_traceback_and_no_error(example_db: str,
                                                            args: tuple[str, ...]) -> None:
    code, error = closed_stdout(*args, "--db", example_db)
    assert (code, error) == (0, "")


def test_head_reads_the_first_line_of_a_long_answer(tmp_path: Path) -> None:
    db = tmp_path / "big.db"
    with SqliteStore(db) as store:
        ingest(store, big_document(6000, days=1), "big.json")
    done = subprocess.run(
        ["bash", "-c", '"$@" | head -1; echo "${PIPESTATUS[0]}" >&2', "bash", *FESTIVAL,
         "query", "--db", str(db), "--date", "2026-07-10", "--output", "json"],
        capture_output=True, text=True, env=environment(), timeout=60, check=False)
    assert done.stdout == "[\n"
    assert done.stderr == "0\n"  # no traceback, no message: only the exit status echoed


def test_a_multi_file_upload_ingests_every_file_when_its_reader_left(tmp_path: Path) -> None:
    files = []
    for day in ("2026-07-10", "2026-07-11", "2026-07-12"):
        path = tmp_path / f"{day}.json"
        path.write_bytes(document(record(date=day)))
        files.append(str(path))
    db = tmp_path / "f.db"

    code, error = closed_stdout("upload", "--db", str(db), *files)

    assert (code, error) == (0, "")
    with SqliteStore(db) as store:
        assert store.stored_dates() == ["2026-07-10", "2026-07-11", "2026-07-12"]
        assert len(store.recent_ingestions()) == 3


@pytest.mark.parametrize(("lineup", "expected"), [
    (document(record(performer="Someone New")), 3),  # changes
    (None, 0),  # the stored lineup again: no changes
    (document(record(start="25:00")), 1),  # invalid
])
def test_diff_keeps_its_exit_code_when_its_output_is_cut(example_db: str, lineup: bytes | None,
                                                         expected: int) -> None:
    code, _ = closed_stdout("diff", "--db", example_db, "-",
                            stdin=lineup if lineup is not None else EXAMPLE.read_bytes())
    assert code == expected


# -- encodings --------------------------------------------------------------------------------
def run_encoded(encoding: str, *args: str,
                stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*FESTIVAL, *args], input=stdin, capture_output=True, timeout=60,
                          check=False, env=environment(PYTHONIOENCODING=encoding))


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize(("args", "shown"), [
    (("query", "--date", "2026-07-10"), "Aurora Fields"),
    (("query", "--date", "2026-07-10", "--output", "csv"), "Aurora Fields"),
    (("export", "--output", "ics"), "SUMMARY:Aurora Fields"),
    (("status",), "lineup.json"),
    (("timetable", "--date", "2026-07-10"), "Aurora"),
    (("diff", "-"), "removed"),  # removes every other set of the 10th, named
])
def test_a_stdout_that_is_not_utf8_gets_replacements_never_a_crash(
        example_db: str, encoding: str, args: tuple[str, ...], shown: str) -> None:
    done = run_encoded(encoding, *args, "--db", example_db,
                       stdin=document(record(performer="坂本 ひかり")))
    assert done.returncode == (3 if args[0] == "diff" else 0), done.stderr.decode("ascii",
                                                                                 "replace")
    assert done.stderr == b""
    assert shown in done.stdout.decode(encoding)


def test_what_ascii_cannot_show_is_replaced(example_db: str) -> None:
    done = run_encoded("ascii", "query", "--db", example_db, "--performer", "坂本 ひかり")
    assert done.returncode == 0
    assert "?? ???" in done.stdout.decode("ascii")


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("args", [
    ("query", "--date", "2026-07-10", "--output", "json"),
    ("export",),
    ("diff", "--output", "json", "-"),
    ("status", "--output", "json"),
])
def test_json_stays_the_same_document_with_ascii_escapes(
        example_db: str, encoding: str, args: tuple[str, ...]) -> None:
    stdin = document(record(performer="Ødegaard & 東京"))
    command = [*FESTIVAL, *args, "--db", example_db]
    utf8, other = (subprocess.run(command, input=stdin, capture_output=True, timeout=60,
                                  check=False, env=environment(PYTHONIOENCODING=e))
                   for e in ("utf-8", encoding))
    assert other.returncode == utf8.returncode and other.stderr == b""
    assert other.stdout.isascii()
    first, second = json.loads(utf8.stdout.decode()), json.loads(other.stdout.decode("ascii"))
    if args[0] == "status":  # durations and times move on between the two runs
        first, second = len(first["ingestions"]), len(second["ingestions"])
    assert first == second


def test_warnings_on_a_stderr_that_is_not_utf8_are_escaped(tmp_path: Path) -> None:
    path = tmp_path / "clash.json"
    path.write_bytes(document(record(performer="坂本"), record(performer="東京", start="18:30")))
    done = run_encoded("ascii", "validate", str(path))
    assert done.returncode == 0
    assert b"\\u5742\\u672c" in done.stderr  # 坂本, shown as escapes, not a crash
