"""Where the page finds its schedule: embedded (also from disk), or schedule.json beside it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from festival_cli.publish.page import page_files
from tests.page.browser import open_page, serve
from tests.page.conftest import publish_example
from tests.page.site import publish
from tests.page.test_page_browser import FRIDAY, events, shown


def test_the_published_page_works_opened_from_disk(browser: Any, tmp_path: Path) -> None:
    site, schedule = publish_example(tmp_path)
    open_page(browser, (site / "index.html").as_uri() + f"#day={FRIDAY}")
    assert {s["guid"] for s in shown(browser)} == {
        e["guid"] for evs in events(schedule, FRIDAY).values() for e in evs}


def test_without_embedded_data_the_page_fetches_schedule_json_beside_it(
        browser: Any, tmp_path: Path) -> None:
    site, schedule = publish_example(tmp_path)
    for name, content in page_files(None).items():  # the bare page: an empty data block
        (site / name).write_bytes(content)
    with serve(site) as url:
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
    hostile = "</script><img src=x onerror=alert(1)>"
    lineup = tmp_path / "hostile.json"
    lineup.write_text(json.dumps({"festival": "Hostile", "performances": [
        {"performer": hostile, "stage": "<b>Main</b>", "date": FRIDAY, "start": "18:00",
         "end": "19:00"}]}))
    publish(lineup, tmp_path / "site", tmp_path / "festival.db")
    with serve(tmp_path / "site") as url:
        open_page(browser, url)
        assert [(s["title"], s["stage"]) for s in shown(browser)] == [(hostile, "<b>Main</b>")]
        assert not browser.find_elements(By.CSS_SELECTOR, "img, .stage b")


def test_sets_overlapping_on_one_stage_share_its_column_side_by_side(
        browser: Any, tmp_path: Path) -> None:
    lineup = tmp_path / "overlap.json"
    lineup.write_text(json.dumps({"festival": "Overlap", "timezone": "Europe/London",
                                  "performances": [
        {"performer": "Long", "stage": "Main", "date": FRIDAY, "start": "18:00", "end": "21:00"},
        {"performer": "Inside", "stage": "Main", "date": FRIDAY, "start": "19:00",
         "end": "20:00"},
        {"performer": "After", "stage": "Main", "date": FRIDAY, "start": "21:00", "end": "22:00"},
    ]}))
    publish(lineup, tmp_path / "site", tmp_path / "festival.db")
    with serve(tmp_path / "site") as url:
        open_page(browser, url)
        box = {s["title"]: browser.execute_script(
            "const r = [...document.querySelectorAll('.set')].find(li => li.querySelector("
            "'.title').textContent === arguments[0]).getBoundingClientRect();"
            "return [r.left, r.right]", s["title"]) for s in shown(browser)}
    assert box["Long"][1] <= box["Inside"][0], box  # side by side
    assert box["After"] == [box["Long"][0], box["Inside"][1]], box  # alone again: whole width


def test_a_zone_the_feed_cannot_name_is_shown_by_its_offsets(
        browser: Any, tmp_path: Path) -> None:
    """c3voc's pattern for `time_zone_name` refuses `Etc/GMT+7` (UTC-7), so the feed carries
    only offsets: the page still shows festival time, not the visitor's (New York)."""
    lineup = tmp_path / "west.json"
    lineup.write_text(json.dumps({"festival": "West", "timezone": "Etc/GMT+7",
                                  "performances": [
        {"performer": "Dusk", "stage": "Main", "date": FRIDAY, "start": "19:00", "end": "20:00"},
        {"performer": "Late", "stage": "Main", "date": "2026-07-11", "start": "01:00",
         "end": "02:00"}]}))
    schedule = publish(lineup, tmp_path / "site", tmp_path / "festival.db")
    assert "time_zone_name" not in schedule["schedule"]["conference"]
    with serve(tmp_path / "site") as url:
        open_page(browser, url + "?now=" + quote("2026-07-10T19:30:00-07:00"))
        assert browser.find_element(By.ID, "now-clock").text == "Festival time: Fri 19:30"
        hours = browser.execute_script(
            "return [...document.querySelectorAll('.day:not([hidden]) .times li')]"
            ".map(li => li.textContent)")
        assert hours[0] == "19:00" and hours[-1] == "01:00", hours
        assert [s["title"] for s in shown(browser)] == ["Dusk", "Late"]
