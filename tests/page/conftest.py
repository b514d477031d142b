"""The page's browser tests share one Chromium for the whole session and a site per module."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


def publish_example(site: Path) -> dict[str, Any]:
    """The example lineup's site in `site`; its schedule.json, parsed."""
    from tests.page.c3voc_fixture import write_site

    write_site(EXAMPLE, site)
    return json.loads((site / "schedule.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    """The example lineup published and served: (base URL, its schedule.json)."""
    site = tmp_path_factory.mktemp("site")
    schedule = publish_example(site)
    with serve(site) as url:
        yield url, schedule
