"""TEMPORARY: the c3voc schedule of a lineup, until `festival publish` lands (issue 15).

Just enough of what `festival publish` will write for the page's tests: days 06:00 to 06:00,
rooms in order of first appearance, one event per set with a guid that follows a set through a
move (same performer, same festival day). Goes when the browser tests publish with the command.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from festival_cli.core.lineup import check_lineup
from festival_cli.core.model import Lineup, Performance, shift_date
from festival_cli.core.timetable import DEFAULT_DAY_STARTS, in_festival_day
from festival_cli.publish.page import page_files

NAMESPACE = uuid.UUID("1b7ad0a5-2f5e-4d8e-9a4e-0c6f1b5d7e21")


def festival_day(p: Performance) -> str:
    return p.date if in_festival_day(p, p.date, DEFAULT_DAY_STARTS) else shift_date(p.date, -1)


def schedule(lineup: Lineup, version: str = "1") -> dict[str, object]:
    zone = ZoneInfo(lineup.timezone or "UTC")
    sets = sorted(lineup.performances, key=Performance.chronological)
    stages = list(dict.fromkeys(p.stage for p in sets))
    dates = sorted({festival_day(p) for p in sets})

    def at(day: str, hhmm: str) -> datetime:
        return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=zone)

    days = []
    ids = {p.key: i for i, p in enumerate(sorted(sets, key=lambda p: p.key), start=1)}
    for index, day in enumerate(dates):
        rooms: dict[str, list[dict[str, object]]] = {s: [] for s in stages}
        for p in sets:
            if festival_day(p) != day:
                continue
            start = at(p.date, p.start)
            rooms[p.stage].append({
                "guid": str(uuid.uuid5(NAMESPACE, f"{p.performer}\n{day}")),
                "id": ids[p.key], "date": start.isoformat(), "start": p.start,
                "duration": f"{p.duration_minutes // 60:02d}:{p.duration_minutes % 60:02d}",
                "room": p.stage, "title": p.performer, "type": "concert",
                "slug": f"set-{ids[p.key]}", "url": "", "subtitle": "", "track": None,
                "language": None, "abstract": "", "persons": [], "links": [],
            })
        start = at(day, DEFAULT_DAY_STARTS)
        days.append({"index": index + 1, "date": day, "day_start": start.isoformat(),
                     "day_end": (start + timedelta(days=1)).isoformat(), "rooms": rooms})
    title = lineup.festival or "Festival"
    return {"schedule": {"version": version, "conference": {
        "title": title, "acronym": "riverside-2026", "start": dates[0], "end": dates[-1],
        "daysCount": len(dates), "timeslot_duration": "00:15",
        "time_zone_name": lineup.timezone or "UTC",
        "rooms": [{"name": s} for s in stages], "days": days}}}


def write_site(lineup_file: Path, site: Path, version: str = "1") -> dict[str, object]:
    """schedule.json and the page into `site`; the schedule is returned."""
    lineup = check_lineup(lineup_file.read_bytes(), lineup_file.name).accepted()
    doc = schedule(lineup, version)
    text = json.dumps(doc, ensure_ascii=False)
    site.mkdir(parents=True, exist_ok=True)
    (site / "schedule.json").write_text(text, encoding="utf-8")
    for name, content in page_files(text).items():
        (site / name).write_bytes(content)
    return doc
