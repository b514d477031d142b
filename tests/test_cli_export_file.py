"""`festival export --file` writes into what the path names: a symlink's target, a FIFO, a
descriptor, `-`; only a regular file is replaced atomically, and it keeps its permissions."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.test_timetable_layout import day_sets

Run = Callable[..., Result]


def export(cli: Run, db: str, target: Path | str, *args: str) -> Result:
    return cli("export", "--db", db, "--file", target, *args)


def exported_sets(data: str | bytes) -> int:
    return len(json.loads(data)["performances"])


def test_a_symlink_s_target_is_written_and_the_link_stays(cli: Run, day_db: str,
                                                          tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)

    result = export(cli, day_db, link)

    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == real
    assert exported_sets(real.read_text()) == len(day_sets())


def test_a_dangling_symlink_creates_its_target(cli: Run, day_db: str, tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "new.json")

    assert export(cli, day_db, link).exit_code == 0
    assert link.is_symlink()
    assert exported_sets((tmp_path / "new.json").read_text()) == len(day_sets())


def test_a_fifo_is_written_as_it_is(cli: Run, day_db: str, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()

    result = export(cli, day_db, fifo)

    reader.join(timeout=10)
    assert result.exit_code == 0, result.output
    assert exported_sets(received[0]) == len(day_sets())
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still the FIFO, not replaced by a file


def test_a_private_file_stays_private(cli: Run, day_db: str, tmp_path: Path) -> None:
    target = tmp_path / "private.json"
    target.write_text("secret")
    target.chmod(0o600)

    assert export(cli, day_db, target).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert exported_sets(target.read_text()) == len(day_sets())


def test_an_existing_file_keeps_its_mode(cli: Run, day_db: str, tmp_path: Path) -> None:
    target = tmp_path / "shared.json"
    target.write_text("")
    target.chmod(0o664)

    assert export(cli, day_db, target).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o664


def test_a_new_file_gets_the_mode_the_umask_allows(cli: Run, day_db: str, tmp_path: Path) -> None:
    target = tmp_path / "new.json"
    mask = os.umask(0o027)
    try:
        assert export(cli, day_db, target).exit_code == 0
    finally:
        os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_regular_file_is_replaced_atomically(cli: Run, day_db: str, tmp_path: Path) -> None:
    target = tmp_path / "export.json"
    target.write_text("old")
    held = target.open()  # a reader of the old file keeps reading the old file, whole
    before = target.stat().st_ino

    assert export(cli, day_db, target).exit_code == 0
    assert target.stat().st_ino != before and held.read() == "old"
    held.close()
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_dash_is_standard_output(cli: Run, day_db: str) -> None:
    result = export(cli, day_db, "-")

    assert result.exit_code == 0
    assert exported_sets(result.stdout) == len(day_sets())
    assert not Path("-").exists()


def test_a_directory_is_a_clear_error(cli: Run, day_db: str, tmp_path: Path) -> None:
    result = export(cli, day_db, tmp_path)

    assert result.exit_code == 1
    assert result.stderr == f"error: {tmp_path}: is a directory; give a file name\n"


def _shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `command` in sh, where `$festival` is this checkout's command."""
    env = {**os.environ, "festival": f"{sys.executable} -m festival_cli"}
    return subprocess.run(["sh", "-c", command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60, check=False)


def test_dev_stdout_goes_where_the_shell_sends_standard_output(day_db: str,
                                                               tmp_path: Path) -> None:
    (tmp_path / "log.txt").write_text("kept\n")
    done = _shell(f"$festival export --db {day_db} --output csv --file /dev/stdout >> log.txt"
                  f" && $festival export --db {day_db} --file /dev/stdout | cat > piped.json",
                  tmp_path)

    assert done.returncode == 0, done.stderr
    log = (tmp_path / "log.txt").read_text().splitlines()
    assert log[:2] == ["kept", "performer,stage,date,start,end,popularity"]
    assert len(log) == 2 + len(day_sets())
    assert exported_sets((tmp_path / "piped.json").read_text()) == len(day_sets())
    assert Path("/dev/stdout").is_symlink() or Path("/dev/stdout").is_char_device()
