"""Sites for the page's tests: lineups ingested into a local store and published from it.

What `festival publish DIR` does (ingest with the store's identity rules, then the site of the
store written into a folder), so the page is tested on the files the publisher really writes:
its c3voc schedule, its guids kept through moves, its page with the schedule embedded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from festival_cli.core.ingest import ingest
from festival_cli.publish.site import build_site, write_site
from festival_cli.stores.sqlite import SqliteStore


def publish(lineup: Path, site: Path, db: Path) -> dict[str, Any]:
    """Ingest `lineup` into the store at `db` (a revision when it already holds one), publish
    the store into `site`; returns the published schedule.json, parsed."""
    with SqliteStore(db) as store:
        outcome = ingest(store, lineup.read_bytes(), lineup.name)
        if outcome.record.state != "succeeded":
            raise AssertionError(f"{lineup} was not ingested: {outcome.record}")
        write_site(build_site(store), site)
    document: dict[str, Any] = json.loads((site / "schedule.json").read_text(encoding="utf-8"))
    return document
