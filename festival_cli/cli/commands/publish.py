"""Publish the lineup as a static site: the page, c3voc schedules, calendars, a changes feed.

Writes into DIR (created if missing; each file replaced whole): `index.html` and its files,
`schedule.xml` / `schedule.json` (the c3voc format Giggity, EventFahrplan and congress apps
read), `lineup.json` (format 1), `festival.ics` and `stages/<stage>.ics`, `changes.atom`. Serve
DIR with any static web server. Reads the local store with queries only (never a scan); where
the store holds another festival than --festival names, nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from festival_cli.cli.console import message
from festival_cli.cli.open_target import open_target
from festival_cli.cli.options import DbOption


def command(
    directory: Annotated[Path, typer.Argument(
        metavar="DIR", help="Folder to write the site into (created if missing).",
        file_okay=False)],
    festival: Annotated[str | None, typer.Option(
        "--festival", help="The festival to publish, by name (when the store holds several).",
        show_default=False)] = None,
    db: DbOption = None,
) -> None:
    from festival_cli.publish.site import publish_to  # only when publishing (start-up)

    with open_target(None, db) as target:
        done = publish_to(directory, target.store, festival)
    site = done.site
    cancelled = f", {len(site.cancelled)} cancelled" if site.cancelled else ""
    message(f"published {site.festival or 'the lineup'} into {directory}: "
            f"{len(done.files)} files, {len(site.sets)} sets{cancelled}")
