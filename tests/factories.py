"""Builders of performances and lineup documents, shared by every test module and benchmark."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from typing import Any

from festival_cli.core.model import Lineup, Performance, hhmm, minutes, shift_date

# The festival and time zone every `document` names (unless told otherwise).
FESTIVAL = "Riverside Sounds 2026"
ZONE = "Europe/London"


def perf(
    performer: str = "Aurora Fields",
    stage: str = "Main",
    date: str = "2026-07-10",
    start: str = "18:00",
    end: str = "19:15",
    popularity: int | None = 87,
) -> Performance:
    return Performance(performer, stage, date, start, end, popularity)


def identified(p: Performance, set_id: int = 1, sequence: int = 0) -> Performance:
    """`p` as a store holds it: with a guid and an id (as if assigned when first stored)."""
    return replace(p, guid=f"00000000-0000-4000-8000-{set_id:012x}", set_id=set_id,
                   sequence=sequence)


def lineup(*performances: Performance, festival: str | None = None,
           timezone: str | None = None) -> Lineup:
    """A validated lineup: as the parser does, its sets carry its festival and time zone."""
    if festival is not None or timezone is not None:
        performances = tuple(replace(p, festival=festival, timezone=timezone)
                             for p in performances)
    return Lineup(tuple(performances), festival=festival, timezone=timezone)


def record(**fields: Any) -> dict[str, Any]:
    """One valid performance object of a lineup file, with `fields` overriding."""
    base: dict[str, Any] = {
        "performer": "Aurora Fields",
        "stage": "Main",
        "date": "2026-07-10",
        "start": "18:00",
        "end": "19:15",
        "popularity": 87,
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not ...}  # `...` removes a field


def document(*records: dict[str, Any], **top: Any) -> bytes:
    """A lineup file (format 1 object form) holding `records`."""
    doc: dict[str, Any] = {"festival": FESTIVAL, "timezone": ZONE}
    doc.update(top)
    doc["performances"] = list(records)
    return json.dumps(doc, ensure_ascii=False, indent=1).encode()


def big_lineup(n: int, *, seed: int = 7, first_date: str = "2026-07-10",
               days: int = 3, clash: bool = False) -> list[Performance]:
    """`n` valid, non-overlapping sets spread over `days` days and many stages.

    Each stage runs back-to-back 50-minute sets with 10-minute changeovers from 12:00, and
    performers are unique, so the lineup has no warnings at any size. With `clash`, each set
    lasts 70 minutes instead, running into the next one on its stage: every set but each
    stage's first is a stage-overlap warning (13 of every 14 sets).
    """
    rng = random.Random(seed)
    slots_per_stage = 14  # 12:00 .. 02:00
    stages_per_day = -(-n // (days * slots_per_stage))
    out: list[Performance] = []
    i = 0
    for day in range(days):
        date = shift_date(first_date, day)
        for stage_no in range(stages_per_day):
            for slot in range(slots_per_stage):
                if i >= n:
                    return out
                start = minutes("12:00") + slot * 60
                out.append(
                    Performance(
                        performer=f"Performer {i:06d}",
                        stage=f"Stage {stage_no:04d}",
                        date=date,
                        start=hhmm(start),
                        end=hhmm(start + (70 if clash else 50)),
                        popularity=rng.randint(0, 100) if i % 5 else None,
                    )
                )
                i += 1
    return out


def big_document(n: int, **kwargs: Any) -> bytes:
    """A lineup file of `n` records (see big_lineup); popularity omitted where None."""
    records = []
    for p in big_lineup(n, **kwargs):
        r = p.to_record()
        if r["popularity"] is None:
            del r["popularity"]
        records.append(r)
    return json.dumps({"festival": "Big Fest", "performances": records}).encode()
