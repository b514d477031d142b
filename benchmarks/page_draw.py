"""The timetable page's draw time in headless Chromium, measured by the page itself.

The page marks the moment its data's text is in hand and measures `festival:first-grid` to the
end of drawing the first day (JSON parsing, the model, the comparison with the last visit, the
DOM, style and layout), with the Performance API. The baseline, in the same browser and run: the
same titles appended as a bare `<ul>` (DOM, style and layout only), the least any page could do.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from pathlib import Path

from festival_cli.core.model import MINUTES_PER_DAY, Performance, hhmm, shift_date

TARGET_SECONDS = 0.300
DAY = "2026-07-10"

_BARE_LIST = """
const titles = arguments[0];
const t0 = performance.now();
const ul = document.createElement('ul');
for (const t of titles) { const li = document.createElement('li'); li.textContent = t;
                          ul.append(li); }
document.body.append(ul);
void document.body.offsetHeight;
const took = performance.now() - t0;
ul.remove();
return took;
"""


def one_day(sets: int) -> list[Performance]:
    """`sets` sets in one festival day: 50 stages of 35-minute sets every 40 minutes from
    12:00 (past midnight on a big day: those belong to the same festival day)."""
    out = []
    for i in range(sets):
        stage, slot = i % 50, i // 50
        start = 12 * 60 + slot * 40
        date = shift_date(DAY, start // MINUTES_PER_DAY)
        out.append(Performance(f"Performer {i:05d}", f"Stage {stage:02d}", date, hhmm(start),
                               hhmm(start + 35)))
    return out


def one_day_site(sets: int, folder: Path) -> list[str]:
    """A site published from a lineup of one festival day of `sets` sets; their titles."""
    from tests.page.site import publish

    performances = one_day(sets)
    lineup = folder / "lineup.json"
    lineup.write_text(json.dumps({"festival": "Benchmark", "timezone": "Europe/London",
                                  "performances": [p.to_record() for p in performances]}))
    publish(lineup, folder / "site", folder / "festival.db")
    return [p.performer for p in performances]


def draw_times(sets: int, runs: int) -> tuple[float, float]:
    """Median seconds of (the page's first grid, the bare list) over `runs` fresh loads."""
    with tempfile.TemporaryDirectory(prefix="festival-page-") as work:  # removed after
        return _draw_times(sets, runs, Path(work))


def _draw_times(sets: int, runs: int, folder: Path) -> tuple[float, float]:
    from tests.page.browser import chromium, open_page, serve, viewport

    titles = one_day_site(sets, folder)
    ours: list[float] = []
    bare: list[float] = []
    with chromium() as driver, serve(folder / "site") as url:
        viewport(driver, 1280, 800)
        for run in range(runs + 1):  # the first load warms the browser's caches up
            open_page(driver, url, ready="day")
            drawn = driver.execute_script(
                "return document.querySelectorAll('.day:not([hidden]) .set').length")
            if drawn != sets:
                raise RuntimeError(f"the page drew {drawn} sets of {sets}")
            [grid] = driver.execute_script(
                "return performance.getEntriesByName('festival:first-grid')"
                ".map(e => e.duration)")
            base = driver.execute_script(_BARE_LIST, titles)
            if run:
                ours.append(grid / 1000)
                bare.append(base / 1000)
    return statistics.median(ours), statistics.median(bare)
