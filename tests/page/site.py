"""Sites for the page's tests: published from lineups by `festival upload` and `festival publish`.

The page is tested on the files the publisher really writes (its c3voc schedule, its guids kept
through moves, its page with the schedule embedded), made by the two commands an organiser runs:
`festival upload --db DB LINEUP` then `festival publish --db DB DIR` (in-process, for speed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def festival(*args: object) -> str:
    """Run `festival ARGS...` in-process; its standard error (AssertionError if it failed)."""
    from typer.testing import CliRunner

    from festival_cli.cli import console
    from festival_cli.cli.app import app

    console.reset()
    result = CliRunner().invoke(app, [str(a) for a in args])
    console.reset()
    if result.exit_code != 0:
        raise AssertionError(f"festival {' '.join(map(str, args))} exited {result.exit_code}: "
                             f"{result.stdout}{result.stderr}")
    return result.stderr


def publish(lineup: Path, site: Path, db: Path) -> dict[str, Any]:
    """Upload `lineup` into the local store at `db` (a revision when it already holds one) and
    publish the store into `site`; returns the published schedule.json, parsed."""
    festival("upload", "--db", db, lineup)
    festival("publish", "--db", db, site)
    document: dict[str, Any] = json.loads((site / "schedule.json").read_text(encoding="utf-8"))
    return document
