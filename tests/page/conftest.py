"""The page's browser tests share one Chromium for the whole session and a site per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from tests.page.browser import chromium, serve, viewport

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "lineup.json"
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture(scope="session")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="session")
def browser(downloads: Path) -> Iterator[Any]:
    """One headless Chromium for every page test (starting one costs about a second)."""
    with chromium(downloads) as driver:
        yield driver


@pytest.fixture(autouse=True)
def no_console_error(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every browser test fails on a console error (a CSP violation, an exception, a 404)."""
    if "browser" not in request.fixturenames:
        yield
        return
    driver = request.getfixturevalue("browser")
    driver.get_log("browser")  # what earlier tests left
    viewport(driver, 1280, 800)
    yield
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors


class Site(NamedTuple):
    """A published site being served: its base URL, its schedule.json (parsed), its folder."""

    url: str
    schedule: dict[str, Any]
    path: Path


def publish_example(folder: Path) -> tuple[Path, dict[str, Any]]:
    """The example lineup published into `folder`/site; (the site, its schedule.json)."""
    from tests.page.site import publish

    site = folder / "site"
    return site, publish(EXAMPLE, site, folder / "festival.db")


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The example lineup published and served."""
    site, schedule = publish_example(tmp_path_factory.mktemp("example"))
    with serve(site) as url:
        yield Site(url, schedule, site)
