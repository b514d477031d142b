"""The timetable page in headless Chromium, on the example lineup's published site.

Every test here also fails on any console error (tests/page/conftest.py), and the server sends
the stack's Content-Security-Policy, so a violation of it fails the test that caused it.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from tests.page.browser import VISITOR_TZ, open_page, viewport
from tests.page.conftest import ARTIFACTS, Site

FRIDAY, SATURDAY, SUNDAY = "2026-07-10", "2026-07-11", "2026-07-12"
NOW = "2026-07-10T19:15:00+01:00"  # Dún Lóiste starts on Main Stage; Nightjar Static plays


def at(base: str, *, day: str | None = None, now: str | None = None) -> str:
    query = f"?now={quote(now)}" if now else ""
    return base + query + (f"#day={day}" if day else "")


def shown(driver: Any) -> list[dict[str, Any]]:
    """The sets of the day on screen: guid, title, stage column, box, classes."""
    return driver.execute_script("""
        return [...document.querySelectorAll('.day:not([hidden]) .set')].map(li => {
          const r = li.getBoundingClientRect();
          const stage = li.closest('.stage');
          return {guid: li.dataset.guid, title: li.querySelector('.title').textContent,
                  stage: stage ? stage.querySelector('h3').textContent : null,
                  top: r.top, height: r.height, cls: [...li.classList],
                  visible: getComputedStyle(li).display !== 'none'};
        });""")


def find(driver: Any, title: str) -> Any:
    """The set called `title` on the day on screen, scrolled to the middle (as one would to
    click it: at an edge, the grid's sticky stage names may cover it)."""
    li = driver.execute_script("""
        const li = [...document.querySelectorAll('.day:not([hidden]) .set')]
          .find(li => li.querySelector('.title').textContent === arguments[0]);
        if (li) li.scrollIntoView({block: 'center', inline: 'center'});
        return li || null;""", title)
    assert li is not None, f"{title} is not on screen"
    return li


def events(schedule: dict[str, Any], date: str) -> dict[str, list[dict[str, Any]]]:
    day = next(d for d in schedule["schedule"]["conference"]["days"] if d["date"] == date)
    rooms: dict[str, list[dict[str, Any]]] = day["rooms"]
    return rooms


def minutes(duration: str) -> int:
    hours, mins = duration.split(":")[:2]
    return int(hours) * 60 + int(mins)


@pytest.fixture
def fresh(browser: Any, example_site: Site) -> Site:
    """The example site, with nothing remembered from an earlier test."""
    url = example_site.url
    open_page(browser, url, ready="day")
    browser.execute_script("localStorage.clear()")
    return example_site


def test_the_grid_shows_every_set_of_each_day_in_its_stage_as_long_as_it_lasts(
        browser: Any, fresh: Site) -> None:
    url, schedule = fresh.url, fresh.schedule
    for date in (FRIDAY, SATURDAY, SUNDAY):
        rooms = events(schedule, date)
        open_page(browser, at(url, day=date))
        sets = shown(browser)
        stages = browser.execute_script(
            "return [...document.querySelectorAll('.day:not([hidden]) .stage h3')]"
            ".map(h => h.textContent)")
        assert stages == list(rooms), "every stage of the feed, in its order"
        want = {e["guid"]: (room, e["title"], minutes(e["duration"]))
                for room, evs in rooms.items() for e in evs}
        assert {s["guid"]: (s["stage"], s["title"]) for s in sets} == {
            g: (room, title) for g, (room, title, _) in want.items()}
        for s in sets:  # 2 px a minute on screen
            assert s["height"] == pytest.approx(2 * want[s["guid"]][2], abs=1), s
    # A set starting at 01:00 belongs to the evening before (the day runs 06:00 to 06:00).
    open_page(browser, at(url, day=FRIDAY))
    friday = {s["title"]: s for s in shown(browser)}
    assert "Wren Halloran" in friday
    assert friday["Wren Halloran"]["top"] - friday["Velvet Kites"]["top"] == pytest.approx(
        2 * 90, abs=1)  # 23:30 -> 01:00, on one time axis


def test_a_day_link_opens_that_day_and_the_tabs_change_it(
        browser: Any, fresh: Site) -> None:
    url, schedule = fresh.url, fresh.schedule
    open_page(browser, at(url, day=SATURDAY))
    visible = browser.find_elements(By.CSS_SELECTOR, ".day:not([hidden])")
    assert [v.get_attribute("id") for v in visible] == [f"day-{SATURDAY}"]
    current = browser.find_element(By.CSS_SELECTOR, "nav a[aria-current='page']")
    assert current.get_attribute("href").endswith(f"#day={SATURDAY}")
    assert {s["guid"] for s in shown(browser)} == {
        e["guid"] for evs in events(schedule, SATURDAY).values() for e in evs}
    browser.find_element(By.CSS_SELECTOR, f"nav a[href='#day={SUNDAY}']").click()
    assert browser.execute_script("return location.hash") == f"#day={SUNDAY}"
    WebDriverWait(browser, 5).until(lambda d: [v.get_attribute("id") for v in d.find_elements(
        By.CSS_SELECTOR, ".day:not([hidden])")] == [f"day-{SUNDAY}"])


def test_starring_survives_a_reload_and_a_clash_between_picks_is_flagged_and_listed(
        browser: Any, fresh: Site) -> None:
    url = fresh.url
    open_page(browser, at(url, day=FRIDAY))
    for title in ("Dún Lóiste", "Iris Kettle", "Coral Drift"):  # 19:15-20:45, 20:00-21:15
        find(browser, title).find_element(By.CLASS_NAME, "star").click()
    open_page(browser, at(url, day=FRIDAY))  # a reload: the picks come from localStorage
    sets = {s["title"]: s for s in shown(browser)}
    for title in ("Dún Lóiste", "Iris Kettle", "Coral Drift"):
        assert "picked" in sets[title]["cls"], title
        star = find(browser, title).find_element(By.CLASS_NAME, "star")
        assert star.get_attribute("aria-pressed") == "true"
    assert "clash" in sets["Dún Lóiste"]["cls"] and "clash" in sets["Iris Kettle"]["cls"]
    assert "clash" not in sets["Coral Drift"]["cls"]
    clashes = browser.find_elements(By.CSS_SELECTOR, "#clash-list li")
    assert len(clashes) == 1
    assert "Dún Lóiste" in clashes[0].text and "Iris Kettle" in clashes[0].text
    picks = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#picks-list li")]
    assert len(picks) == 3 and picks[0].startswith("Coral Drift")
    # Unstarring one of the two ends the clash.
    find(browser, "Iris Kettle").find_element(By.CLASS_NAME, "star").click()
    assert "clash" not in find(browser, "Dún Lóiste").get_attribute("class")
    assert not browser.find_element(By.ID, "clashes").is_displayed()


def test_my_schedule_downloads_the_starred_sets_under_the_feeds_uids(
        browser: Any, fresh: Site, downloads: Path) -> None:
    import icalendar

    url, schedule = fresh.url, fresh.schedule
    open_page(browser, at(url, day=FRIDAY))
    for title in ("Velvet Kites", "Wren Halloran"):
        find(browser, title).find_element(By.CLASS_NAME, "star").click()
    for old in downloads.glob("*.ics"):
        old.unlink()
    browser.find_element(By.ID, "download").click()
    deadline = time.monotonic() + 10
    while not list(downloads.glob("*.ics")) and time.monotonic() < deadline:
        time.sleep(0.1)
    [file] = list(downloads.glob("*.ics"))
    calendar = icalendar.Calendar.from_ical(file.read_bytes())
    got = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(got) == {"Velvet Kites", "Wren Halloran"}
    feed = {e["title"]: e for evs in events(schedule, FRIDAY).values() for e in evs}
    from datetime import datetime

    published = icalendar.Calendar.from_ical((fresh.path / "festival.ics").read_bytes())
    feed_uids = {str(e["SUMMARY"]): str(e["UID"]) for e in published.walk("VEVENT")}
    for title, event in got.items():
        # The feed's calendar's UID: importing both never doubles a set.
        assert str(event["UID"]) == feed_uids[title] == f"{feed[title]['guid']}@festival"
        assert event.decoded("DTSTART") == datetime.fromisoformat(feed[title]["date"])
        assert str(event["LOCATION"]) == feed[title]["room"]


def test_the_now_line_sits_where_the_fixed_clock_says_in_the_festivals_zone(
        browser: Any, fresh: Site) -> None:
    url = fresh.url
    open_page(browser, at(url, now=NOW))  # no #day: the day of the clock opens
    # The visitor's browser is in New York; the festival is in London.
    assert browser.execute_script(
        "return Intl.DateTimeFormat().resolvedOptions().timeZone") == VISITOR_TZ
    assert browser.execute_script("return location.hash") == ""
    assert browser.find_element(By.CSS_SELECTOR, ".day:not([hidden])").get_attribute(
        "id") == f"day-{FRIDAY}"
    line = browser.find_element(By.CSS_SELECTOR, ".day:not([hidden]) .nowline span")
    assert line.is_displayed()
    dun = find(browser, "Dún Lóiste")  # starts at 19:15 exactly
    assert line.rect["y"] == pytest.approx(dun.rect["y"], abs=1.5)
    assert "Fri 19:15 (Europe/London)" in browser.find_element(By.ID, "now-clock").text
    on = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#now-list li")]
    assert sorted(t.split(" · ")[0] for t in on) == ["Dún Lóiste", "Nightjar Static"]
    nxt = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#next-list li")]
    assert nxt[0] == "Iris Kettle · Riverside Tent, 20:00"
    # The hook a console or a driver can set: read at every tick.
    browser.execute_script("window.FESTIVAL_NOW = '2026-07-10T21:00:00+01:00';"
                           "festivalPage.tick()")
    assert "Fri 21:00" in browser.find_element(By.ID, "now-clock").text
    tamsin = find(browser, "Tamsin Rook")  # starts at 21:00 (scrolled into view first)
    assert line.rect["y"] == pytest.approx(tamsin.rect["y"], abs=1.5)
    # At 01:30 on Saturday the night of Friday is still on: its tab opens, the line after 01:00.
    open_page(browser, at(url, now="2026-07-11T01:30:00+01:00"))
    assert browser.find_element(By.CSS_SELECTOR, ".day:not([hidden])").get_attribute(
        "id") == f"day-{FRIDAY}"
    line = browser.find_element(By.CSS_SELECTOR, ".day:not([hidden]) .nowline span")
    wren = find(browser, "Wren Halloran")  # 01:00
    assert line.rect["y"] - wren.rect["y"] == pytest.approx(60, abs=1.5)  # 30 min at 2 px


def test_search_by_performer_filters_the_grid(browser: Any, fresh: Site) -> None:
    url = fresh.url
    open_page(browser, at(url, day=FRIDAY))
    browser.find_element(By.ID, "search").send_keys("dun loi")  # accents need not be typed
    visible = [s["title"] for s in shown(browser) if s["visible"]]
    assert visible == ["Dún Lóiste"]
    assert browser.find_element(By.ID, "search-count").text == "1 set matches"
    assert browser.find_element(By.CSS_SELECTOR, f"nav a[href='#day={SATURDAY}']").text.endswith(
        "(0)")
    browser.find_element(By.ID, "search").send_keys(Keys.CONTROL, "a", Keys.BACKSPACE)
    assert all(s["visible"] for s in shown(browser))


def test_the_page_is_keyboard_reachable_with_a_visible_focus(
        browser: Any, fresh: Site) -> None:
    url = fresh.url
    open_page(browser, at(url, day=FRIDAY))
    browser.execute_script("document.activeElement.blur()")  # from the top of the page
    reached: list[str] = []
    for _ in range(25):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        reached.append(browser.execute_script("""
            const e = document.activeElement;
            return e.id || e.className || e.tagName;"""))
        if reached[-1] == "star":
            break
    assert "search" in reached and "star" in reached, reached
    star = browser.switch_to.active_element
    outline = browser.execute_script(
        "const s = getComputedStyle(document.activeElement);"
        "return [s.outlineStyle, s.outlineWidth]")
    assert outline[0] != "none" and outline[1] != "0px", outline
    star.send_keys(Keys.ENTER)
    assert star.get_attribute("aria-pressed") == "true"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#picks-list li")) == 1


def test_phone_width_lists_each_time_slot_with_no_horizontal_scroll(
        browser: Any, fresh: Site) -> None:
    url, schedule = fresh.url, fresh.schedule
    viewport(browser, 390, 844)
    for date in (FRIDAY, SATURDAY, SUNDAY):
        open_page(browser, at(url, day=date, now=NOW))
        widths = browser.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
            " document.body.scrollWidth]")
        assert widths[0] <= widths[1] == 390 and widths[2] <= 390, widths
        assert not browser.find_elements(By.CSS_SELECTOR, ".day:not([hidden]) .grid")
        slots = browser.execute_script(
            "return [...document.querySelectorAll('.day:not([hidden]) .slot h3')]"
            ".map(h => h.textContent)")
        starts = sorted({e["date"] for evs in events(schedule, date).values() for e in evs})
        assert slots == [s[11:16] for s in starts]
        assert len(shown(browser)) == sum(len(v) for v in events(schedule, date).values())
        marks = browser.find_elements(By.CSS_SELECTOR, ".day:not([hidden]) .nowmark")
        assert [m.text for m in marks] == (["Now 19:15"] if date == FRIDAY else [])
        if date == FRIDAY:
            ARTIFACTS.mkdir(exist_ok=True)
            assert browser.save_screenshot(str(ARTIFACTS / "page-390x844.png"))


def test_axe_finds_no_serious_or_critical_violation_on_desktop_and_phone(
        browser: Any, fresh: Site) -> None:
    from axe_selenium_python import Axe

    url = fresh.url
    for width, height in ((1280, 800), (390, 844)):
        viewport(browser, width, height)
        open_page(browser, at(url, day=FRIDAY, now=NOW))
        if width == 1280:  # picks, a clash and the lists on screen too
            for title in ("Dún Lóiste", "Iris Kettle"):
                find(browser, title).find_element(By.CLASS_NAME, "star").click()
            ARTIFACTS.mkdir(exist_ok=True)
            assert browser.save_screenshot(str(ARTIFACTS / "page-1280x800.png"))
        axe = Axe(browser)
        axe.inject()
        results = axe.run()
        bad = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
        assert bad == [], axe.report(bad)
        assert results["passes"], "axe ran its rules"
        assert any(p["id"] == "color-contrast" for p in results["passes"])


def test_print_gives_every_day_its_own_page_in_black_on_white(
        browser: Any, fresh: Site) -> None:
    from selenium.webdriver.common.print_page_options import PrintOptions

    url = fresh.url
    open_page(browser, at(url, day=FRIDAY, now=NOW))
    find(browser, "Iris Kettle").find_element(By.CLASS_NAME, "star").click()
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        looks = browser.execute_script("""
            const days = [...document.querySelectorAll('.day')];
            const set = document.querySelector('.set.picked');
            const s = getComputedStyle(set);
            return {shown: days.map(d => getComputedStyle(d).display),
                    heights: days.map(d => d.getBoundingClientRect().height),
                    breaks: days.map(d => getComputedStyle(d).breakBefore),
                    color: s.color, background: s.backgroundColor,
                    panels: getComputedStyle(document.querySelector('.panels')).display,
                    title: getComputedStyle(set.querySelector('.title')).color};""")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert looks["shown"] == ["block"] * 3
    page_height = (21 - 2) / 2.54 * 96  # landscape A4 less 1 cm margins, in CSS pixels
    assert all(h <= page_height for h in looks["heights"]), looks["heights"]
    assert looks["breaks"] == ["auto", "page", "page"]
    assert looks["color"] == looks["title"] == "rgb(0, 0, 0)"
    assert looks["background"] == "rgb(255, 255, 255)"
    assert looks["panels"] == "none"
    options = PrintOptions()
    options.orientation = "landscape"
    options.background = False
    import base64

    pdf = base64.b64decode(browser.print_page(options))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page-print.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    assert pages == 3, pages


def test_no_request_leaves_the_site(browser: Any, fresh: Site) -> None:
    url = fresh.url
    open_page(browser, at(url, day=FRIDAY))
    names = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert names and all(n.startswith(url) for n in names), names


def test_the_policy_is_enforced_so_no_violation_means_none_happened(
        browser: Any, fresh: Site) -> None:
    url = fresh.url
    open_page(browser, at(url, day=FRIDAY))
    browser.execute_script(
        "const d = document.createElement('div'); d.setAttribute('style', 'color: red');"
        "document.body.append(d);")
    refused = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert any("Content Security Policy" in e["message"] for e in refused), refused
