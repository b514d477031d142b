"""The public timetable page: `index.html`, `style.css`, `app.js` and `icon.svg` (without it
every visit logs a missing favicon), published beside `schedule.json`.

No framework and no build step: the three files are package data, copied as they are, except
that `index.html` gets the schedule embedded (a `<script type="application/json">` data block,
which no browser executes) so that the page also works opened from disk and needs no second
request for its data. Without an embedded schedule the page fetches `schedule.json` beside it.

`CONTENT_SECURITY_POLICY` is THE policy the page is written to fit: no inline script or style,
nothing from another host. The stack serves it (CloudFront's response-headers policy) and the
browser tests serve it too, and fail on any violation.
"""

from __future__ import annotations

from importlib import resources

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    # The page builds its DOM with DOM methods, never from HTML strings: Chromium enforces it.
    "require-trusted-types-for 'script'",
))

ASSETS = ("index.html", "style.css", "app.js", "icon.svg")
DATA_SLOT = '<script id="schedule-data" type="application/json"></script>'


def asset(name: str) -> bytes:
    """One of the page's files, as shipped in the package."""
    if name not in ASSETS:
        raise KeyError(name)
    return resources.files(__package__).joinpath(name).read_bytes()


def embed_schedule(schedule_json: str) -> str:
    """`index.html` with the schedule in its data block.

    `<` is written `\\u003c` (the same string to JSON), so no text in the data, a performer
    called `</script>` included, can end the block early.
    """
    html = asset("index.html").decode()
    if DATA_SLOT not in html:
        raise RuntimeError("index.html has lost its schedule-data slot")
    block = DATA_SLOT.replace("></script>",
                              ">" + schedule_json.replace("<", "\\u003c") + "</script>")
    return html.replace(DATA_SLOT, block, 1)


def page_files(schedule_json: str | None) -> dict[str, bytes]:
    """The page's files by name, `index.html` with `schedule_json` embedded when given."""
    files = {name: asset(name) for name in ASSETS}
    if schedule_json is not None:
        files["index.html"] = embed_schedule(schedule_json).encode()
    return files
