"""dev.py: `demo` installs only the runtime dependencies, `test` the dev extra; each keeps its
own stamp, and an install that covers what is asked is not repeated (checked without installing:
the commands dev.py would run are recorded)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import dev  # noqa: E402


@pytest.fixture
def ran(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """dev.py pointed at an empty .venv in tmp_path; the commands it runs are recorded."""
    commands: list[tuple[str, ...]] = []
    venv_dir = tmp_path / ".venv"
    bin_dir = venv_dir / "bin"

    def create(path: Path, **_: Any) -> None:
        bin_dir.mkdir(parents=True)
        (bin_dir / "python").touch()

    def run(*args: Any, check: bool = True) -> int:
        commands.append(tuple(str(a) for a in args))
        return 0

    monkeypatch.setattr(dev, "VENV", venv_dir)
    monkeypatch.setattr(dev, "BIN", bin_dir)
    monkeypatch.setattr(dev, "STAMPS", {"dev": venv_dir / ".festival-installed",
                                        "runtime": venv_dir / ".festival-runtime"})
    monkeypatch.setattr(dev.venv, "create", create)
    monkeypatch.setattr(dev, "run", run)
    return commands


def installs(commands: list[tuple[str, ...]]) -> list[str]:
    """What each pip install installed: `.[dev]` (the project, editable, with its dev extra) or
    `runtime` (the runtime dependencies alone)."""
    found = []
    for c in commands:
        if "install" in c and "--upgrade" not in c:
            found.append(c[c.index("-e") + 1] if "-e" in c else "runtime")
    return found


def pyproject() -> dict[str, Any]:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_the_demo_installs_only_the_runtime_dependencies(ran: list[tuple[str, ...]]) -> None:
    dev.ensure_venv("runtime")
    [command] = ran
    packages = list(command[command.index("--quiet") + 1:])
    assert packages == pyproject()["project"]["dependencies"]
    dev_only = {re.split(r"[<>=\[ ]", d)[0] for d in pyproject()["project"][
        "optional-dependencies"]["dev"]}
    assert not dev_only & {re.split(r"[<>=\[ ]", p)[0] for p in packages}
    assert "-e" not in command  # nothing is built: the demo runs from the checkout


def test_the_demo_runs_the_command_from_the_checkout(ran: list[tuple[str, ...]]) -> None:
    dev.demo()
    assert installs(ran) == ["runtime"]
    assert [c[1:3] for c in ran[1:]] == [("-m", "festival_cli")] * 3
    assert [c[3] for c in ran[1:]] == ["upload", "query", "timetable"]


def test_the_tests_install_the_dev_extra(ran: list[tuple[str, ...]]) -> None:
    dev.ensure_venv()
    assert installs(ran) == [".[dev]"]


def test_a_runtime_install_is_not_enough_for_the_tests(ran: list[tuple[str, ...]]) -> None:
    dev.ensure_venv("runtime")
    dev.ensure_venv("dev")
    assert installs(ran) == ["runtime", ".[dev]"]


def test_a_dev_install_serves_the_demo_too(ran: list[tuple[str, ...]]) -> None:
    dev.ensure_venv("dev")
    dev.ensure_venv("runtime")
    dev.ensure_venv("dev")
    assert installs(ran) == [".[dev]"]


def test_a_changed_pyproject_installs_again(ran: list[tuple[str, ...]],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    dev.ensure_venv("runtime")
    dev.STAMPS["runtime"].write_text("an older pyproject.toml")
    dev.ensure_venv("runtime")
    assert installs(ran) == ["runtime", "runtime"]
