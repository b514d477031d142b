"""Where the page finds its schedule: embedded (also from disk), or schedule.json beside it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from festival_cli.publish.page import page_files
from tests.page.browser import open_page, serve
from tests.page.conftest import publish_example
from tests.page.test_page_browser import FRIDAY, events, shown


def test_the_published_page_works_opened_from_disk(browser: Any, tmp_path: Path) -> None:
    schedule = publish_example(tmp_path)
    open_page(browser, (tmp_path / "index.html").as_uri() + f"#day={FRIDAY}")
    assert {s["guid"] for s in shown(browser)} == {
        e["guid"] for evs in events(schedule, FRIDAY).values() for e in evs}


def test_without_embedded_data_the_page_fetches_schedule_json_beside_it(
        browser: Any, tmp_path: Path) -> None:
    schedule = publish_example(tmp_path)
    for name, content in page_files(None).items():  # the bare page: an empty data block
        (tmp_path / name).write_bytes(content)
    with serve(tmp_path) as url:
        open_page(browser, url + f"#day={FRIDAY}")
        assert len(shown(browser)) == sum(len(v) for v in events(schedule, FRIDAY).values())
        fetched = browser.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        assert url + "schedule.json" in fetched


def test_a_missing_schedule_is_said_on_the_page(browser: Any, tmp_path: Path) -> None:
    for name, content in page_files(None).items():
        (tmp_path / name).write_bytes(content)
    with serve(tmp_path) as url:
        browser.get(url)
        WebDriverWait(browser, 10).until(lambda d: d.execute_script(
            "return document.documentElement.dataset.ready") == "error")
        status = browser.find_element(By.ID, "status")
        assert status.text == ("The timetable could not be loaded: schedule.json: HTTP 404")
        logged = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert len(logged) == 1 and "schedule.json" in logged[0] and "404" in logged[0], logged


def test_a_performer_named_like_markup_is_shown_as_text(browser: Any, tmp_path: Path) -> None:
    schedule = publish_example(tmp_path)
    day = schedule["schedule"]["conference"]["days"][0]
    first = next(iter(day["rooms"].values()))[0]
    first["title"] = "</script><img src=x onerror=alert(1)>"
    text = json.dumps(schedule)
    for name, content in page_files(text).items():
        (tmp_path / name).write_bytes(content)
    with serve(tmp_path) as url:
        open_page(browser, url + f"#day={day['date']}")
        titles = [s["title"] for s in shown(browser)]
        assert first["title"] in titles
        assert not browser.find_elements(By.CSS_SELECTOR, "img")


def test_sets_overlapping_on_one_stage_share_its_column_side_by_side(
        browser: Any, tmp_path: Path) -> None:
    from tests.page.c3voc_fixture import write_site

    lineup = tmp_path / "overlap.json"
    lineup.write_text(json.dumps({"festival": "Overlap", "timezone": "Europe/London",
                                  "performances": [
        {"performer": "Long", "stage": "Main", "date": FRIDAY, "start": "18:00", "end": "21:00"},
        {"performer": "Inside", "stage": "Main", "date": FRIDAY, "start": "19:00",
         "end": "20:00"},
        {"performer": "After", "stage": "Main", "date": FRIDAY, "start": "21:00", "end": "22:00"},
    ]}))
    write_site(lineup, tmp_path / "site")
    with serve(tmp_path / "site") as url:
        open_page(browser, url)
        box = {s["title"]: browser.execute_script(
            "const r = [...document.querySelectorAll('.set')].find(li => li.querySelector("
            "'.title').textContent === arguments[0]).getBoundingClientRect();"
            "return [r.left, r.right]", s["title"]) for s in shown(browser)}
    assert box["Long"][1] <= box["Inside"][0], box  # side by side
    assert box["After"] == [box["Long"][0], box["Inside"][1]], box  # alone again: whole width
