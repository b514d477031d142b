"""Fixtures every test module may use: an isolated environment and a fresh local store."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from click.testing import Result

from festival_cli.stores.sqlite import SqliteStore


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test reads the user's real data directory, stack or colour settings."""
    home = tmp_path_factory.mktemp("home")
    for name in ("FESTIVAL_DB", "FESTIVAL_STACK", "NO_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    from festival_cli.cli import console

    console.reset()  # CliRunner swaps sys.stdout/sys.stderr between invocations
    yield
    console.reset()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a test's local store lives (not created yet)."""
    return tmp_path / "festival.db"


@pytest.fixture
def sqlite_store(db_path: Path) -> Iterator[SqliteStore]:
    """A fresh, empty local store."""
    with SqliteStore(db_path) as store:
        yield store


@pytest.fixture
def day_db(db_path: Path) -> str:
    """A local store holding the fixture lineup (tests/golden/timetable_day.json)."""
    from festival_cli.core.ingest import ingest
    from tests.test_timetable_layout import DAY_FILE

    with SqliteStore(db_path) as store:
        ingest(store, DAY_FILE.read_bytes(), DAY_FILE.name)
    return str(db_path)


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run `festival ARGS...` in-process; the result has .exit_code, .stdout and .stderr."""
    from typer.testing import CliRunner

    from festival_cli.cli import console
    from festival_cli.cli.app import app

    def run(*args: object, env: dict[str, str] | None = None) -> Result:
        console.reset()
        return CliRunner().invoke(app, [str(a) for a in args], env=env)

    return run


# -- the fast subset (`python3 dev.py test --quick`) -----------------------------------------
# A test belongs to the "world" (left out of --quick) when it needs moto, a subprocess, a browser
# or pre-commit: it lives in tests/aws or tests/deploy, runs the contract suite against DynamoDB,
# or its module imports one of those tools. Decided here once, so a new test file needs no marker.
_WORLD_DIRS = ("aws", "deploy", "browser")
_WORLD_IMPORTS = re.compile(r"^\s*(?:import|from)\s+(?:subprocess|moto|selenium)\b", re.MULTILINE)


def needs_world(path: Path, params: Mapping[str, object]) -> bool:
    """Is a test of module `path`, parametrized with `params`, left out of --quick?"""
    return params.get("backend") == "dynamodb" or _module_needs_world(path)


@functools.cache
def _module_needs_world(path: Path) -> bool:
    tests = Path(__file__).parent
    relative = path.relative_to(tests) if path.is_relative_to(tests) else path
    if relative.parts and relative.parts[0] in _WORLD_DIRS:
        return True
    return bool(_WORLD_IMPORTS.search(path.read_text(encoding="utf-8")))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if needs_world(item.path, callspec.params if callspec is not None else {}):
            item.add_marker(pytest.mark.world)
