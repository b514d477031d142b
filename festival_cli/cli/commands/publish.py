"""Publish the lineup as a static site: the page, c3voc schedules, calendars, a changes feed.

Writes into DIR (created if missing; each file replaced whole): `index.html` and its files,
`schedule.xml` / `schedule.json` (the c3voc format Giggity, EventFahrplan and congress apps
read), `lineup.json` (format 1), `festival.ics` and `stages/<stage>.ics`, `changes.atom`. Serve
DIR with any static web server. Reads the local store with queries only (never a scan). A store
holding several festivals publishes the one --festival names (refused, naming them, without
it); nothing is written when the name is not one of them.

`--stack NAME` republishes a deployed stack's site from its tables into its site bucket (served
by CloudFront at the stack's SiteUrl), as the function does after each changing ingestion:
every festival its tables hold (each in a folder of its own when there are several), or only
the one --festival names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from festival_cli.cli.console import message
from festival_cli.cli.open_target import open_target
from festival_cli.cli.options import STORE_PANEL, DbOption
from festival_cli.core.errors import UsageError


def command(
    directory: Annotated[Path | None, typer.Argument(
        metavar="[DIR]", help="Folder to write the site into (created if missing).",
        file_okay=False, show_default=False)] = None,
    festival: Annotated[str | None, typer.Option(
        "--festival", help="The festival to publish, by name, when the store holds several "
        "(\"\": the sets of files that named none).",
        show_default=False)] = None,
    stack: Annotated[str | None, typer.Option(
        "--stack", metavar="NAME", show_default=False,
        help="Republish a deployed stack's site (its site bucket) instead of writing DIR.",
        rich_help_panel=STORE_PANEL)] = None,
    db: DbOption = None,
) -> None:
    from festival_cli.publish.site import publish_to  # only when publishing (start-up)

    if (directory is None) == (stack is None):
        raise UsageError("give DIR (the local store's site into a folder) or --stack NAME "
                         "(a stack's site into its bucket), one of them")
    if stack is not None:
        from festival_cli.targets.stack import StackTarget  # boto3 only for a stack

        with open_target(stack, db) as target:
            assert isinstance(target, StackTarget)  # what open_target gives for a stack
            put, gone = target.publish_site(festival)
            url = target.outputs.SiteUrl
        removed = (f"; removed the calendars of {len(gone)} stage{'s' if len(gone) != 1 else ''}"
                   " that are gone" if gone else "")
        message(f"published the site of stack {stack} into its bucket"
                f"{f' ({url})' if url else ''}: {put} files{removed}")
        return
    assert directory is not None
    with open_target(None, db) as target:
        done = publish_to(directory, target.store, festival)
    site = done.site
    cancelled = f", {len(site.cancelled)} cancelled" if site.cancelled else ""
    sets = f"{len(site.sets)} set{'' if len(site.sets) == 1 else 's'}"
    message(f"published {site.festival or 'the lineup'} into {directory}: "
            f"{len(done.files)} files, {sets}{cancelled}")
