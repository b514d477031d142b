"""What changed since the last visit: two versions of a site, one browser that saw the first."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from tests.page.browser import open_page, serve
from tests.page.conftest import EXAMPLE
from tests.page.site import publish
from tests.page.test_page_browser import FRIDAY, at, find, shown


def revised(folder: Path) -> Path:
    """The example lineup revised: a set moved, one changed, one added, one cancelled."""
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    sets = doc["performances"]
    for s in sets:
        if s["performer"] == "Coral Drift":
            s["start"], s["end"] = "17:45", "19:00"
        if s["performer"] == "Aurora Fields":
            s["end"] = "15:20"
    sets[:] = [s for s in sets if s["performer"] != "Velvet Kites"]
    sets.append({"performer": "Newcomer Band", "stage": "Acoustic Barn", "date": FRIDAY,
                 "start": "10:00", "end": "10:45"})
    path = folder / "lineup-v2.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    folder = tmp_path_factory.mktemp("changing")
    publish(EXAMPLE, folder / "site", folder / "festival.db")
    with serve(folder / "site") as url:
        yield folder, url


def badges(driver: Any) -> dict[str, str]:
    return driver.execute_script("""
        const out = {};
        for (const li of document.querySelectorAll('.day:not([hidden]) .set')) {
          const b = li.querySelector('.badge');
          if (b) out[li.querySelector('.title').textContent] = b.textContent;
        }
        return out;""")


def test_changes_since_the_last_visit_are_marked_and_cancelled_picks_called_out(
        browser: Any, site: tuple[Path, str]) -> None:
    folder, url = site
    open_page(browser, at(url, day=FRIDAY))  # the first visit: nothing to compare with
    assert not browser.find_element(By.ID, "changes").is_displayed()
    assert badges(browser) == {}
    for title in ("Velvet Kites", "Coral Drift"):
        find(browser, title).find_element(By.CLASS_NAME, "star").click()
    moved = next(s["guid"] for s in shown(browser) if s["title"] == "Coral Drift")

    # Revised, ingested and published again while the visitor is away.
    publish(revised(folder), folder / "site", folder / "festival.db")
    for _visit in range(2):  # the marks stay until the visitor says they have seen them
        open_page(browser, at(url, day=FRIDAY))
        assert badges(browser) == {"Coral Drift": "moved", "Aurora Fields": "changed",
                                   "Newcomer Band": "new"}
        changes = browser.find_element(By.ID, "changes-list").text
        assert "Velvet Kites · Cancelled: was Club Nocturne, Fri 23:30" in changes
        assert "Coral Drift · Moved: now Main Stage, Fri 17:45–19:00" in changes
        cancelled = browser.find_element(By.ID, "cancelled")
        assert cancelled.is_displayed() and "Velvet Kites" in cancelled.text
        coral = find(browser, "Coral Drift")  # the same set (guid), moved: still starred
        assert coral.get_attribute("data-guid") == moved
        assert "picked" in coral.get_attribute("class")

    browser.find_element(By.ID, "seen").click()
    assert badges(browser) == {}
    assert not browser.find_element(By.ID, "changes").is_displayed()
    open_page(browser, at(url, day=FRIDAY))
    assert badges(browser) == {}
    cancelled = browser.find_element(By.ID, "cancelled")
    assert cancelled.is_displayed(), "a cancelled pick stays called out until removed"
    cancelled.find_element(By.CSS_SELECTOR, "button[data-forget]").click()
    assert not browser.find_element(By.ID, "cancelled").is_displayed()
    picks = browser.find_elements(By.CSS_SELECTOR, "#picks-list li")
    assert [p.text.split(" · ")[0] for p in picks] == ["Coral Drift"]
