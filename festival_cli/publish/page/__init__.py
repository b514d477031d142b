"""The public timetable page: `index.html`, `style.css`, its scripts (`SCRIPTS`) and `icon.svg`
(without it every visit logs a missing favicon), published beside `schedule.json`.

No framework and no build step: the files are package data, copied as they are, except
that `index.html` gets the schedule embedded (a `<script type="application/json">` data block,
which no browser executes) so that the page also works opened from disk and needs no second
request for its data. Without an embedded schedule the page fetches `schedule.json` beside it.

`CONTENT_SECURITY_POLICY` is THE policy the page is written to fit: no inline script or style,
nothing from another host. The stack serves it (CloudFront's response-headers policy) and the
browser tests serve it too, and fail on any violation.

`SCRIPTS` are classic scripts, loaded in this order by `defer` tags in `index.html` and sharing
one namespace object (`window.festivalPage`); not ES modules, which Chromium refuses from
file://. Each owns one idea (schedule.js says which).
"""

from __future__ import annotations

from pathlib import Path

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    # The page builds its DOM with DOM methods, never from HTML strings: Chromium enforces it.
    "require-trusted-types-for 'script'",
))

HERE = Path(__file__).parent
# In the order index.html runs them: each uses what the ones before it define.
SCRIPTS = ("schedule.js", "grid.js", "now.js", "picks.js", "changes.js", "app.js")
ASSETS = ("index.html", "style.css", *SCRIPTS, "icon.svg")
DATA_SLOT = b'<script id="schedule-data" type="application/json"></script>'
CLOSE = b"</script>"


def asset(name: str) -> bytes:
    """One of the page's files, as shipped in the package."""
    if name not in ASSETS:
        raise KeyError(name)
    # Beside this module (package data, installed as files; the function's package too):
    # read by path, not importlib.resources, which a publish would import for it (5 ms).
    return (HERE / name).read_bytes()


def around_schedule() -> tuple[str, str]:
    """`index.html`'s text before and after the schedule in its data block (whoever embeds
    the schedule writes `escaped` text between them)."""
    html = asset("index.html").decode()
    slot, close = DATA_SLOT.decode(), CLOSE.decode()
    if slot not in html:
        raise RuntimeError("index.html has lost its schedule-data slot")
    before, after = html.split(slot, 1)
    return before + slot[:-len(close)], close + after


def escaped(schedule_json: str) -> str:
    """JSON text as embedded in the page: `<` written `\\u003c` (the same string to JSON), so
    no text in the data, a performer called `</script>` included, can end the block early.
    Text without one is given back as it is (the same object: nothing copied)."""
    return schedule_json.replace("<", "\\u003c")


def page_files(schedule_json: bytes | str | None) -> dict[str, bytes]:
    """The page's files by name, `index.html` with `schedule_json` embedded when given."""
    files = {name: asset(name) for name in ASSETS}
    if schedule_json is not None:
        if isinstance(schedule_json, bytes):
            schedule_json = schedule_json.decode()
        before, after = around_schedule()
        files["index.html"] = f"{before}{escaped(schedule_json)}{after}".encode()
    return files
