#!/usr/bin/env python3
"""Writes examples/lineup.json: Riverside Sounds 2026, three days, five stages, ~75 sets.

Deterministic (a fixed seed), so running it again gives the same file. The club stage plays past
midnight: a 23:30–01:00 set crosses midnight, and the 01:00 and 02:30 sets carry the next
calendar date (they belong to the night before, as `festival timetable` shows them). Stages
never overlap, so the example validates with no error and no warning.

    python3 examples/make_lineup.py
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

FESTIVAL = "Riverside Sounds 2026"
TIMEZONE = "Europe/London"
DAYS = ("2026-07-10", "2026-07-11", "2026-07-12")

# Each stage's running order for one day: (start, end). Back-to-back sets do not overlap.
STAGES: dict[str, list[tuple[str, str]]] = {
    "Main Stage": [("14:00", "15:00"), ("15:30", "16:30"), ("17:15", "18:30"),
                   ("19:15", "20:45"), ("21:30", "23:00")],
    "Riverside Tent": [("13:00", "13:45"), ("14:15", "15:00"), ("16:00", "17:00"),
                       ("18:00", "19:15"), ("20:00", "21:15"), ("22:00", "23:30")],
    "Woodland": [("12:30", "13:30"), ("14:00", "15:00"), ("15:30", "16:30"),
                 ("17:00", "18:00"), ("19:00", "20:00")],
    "Acoustic Barn": [("12:00", "12:45"), ("13:30", "14:15"), ("15:00", "15:45"),
                      ("16:30", "17:15"), ("18:00", "18:45")],
    # The night: the last two sets start after midnight, on the next calendar date.
    "Club Nocturne": [("21:00", "22:00"), ("22:00", "23:30"), ("23:30", "01:00"),
                      ("01:00", "02:30"), ("02:30", "04:00")],
}
LAST_NIGHT_ENDS_AT_MIDNIGHT_SET = 3  # the last night closes with the 23:30–01:00 set

# Invented performers, in running order; wide and accented characters on purpose.
PERFORMERS = [
    "Aurora Fields", "Brass Owls", "Coral Drift", "Dún Lóiste", "Éloïse Laurent",
    "Fjörd & the Lanterns", "Gull Harbour", "Hollow Pines", "坂本 ひかり", "Iris Kettle",
    "Jürgen Vogt Quartet", "Kestrel Moon", "하늘 바다", "Lumen Tide", "Mañana Collective",
    "Nightjar Static", "Øresund Orchestra", "Pale Meridian", "Quill & Quiver", "Rosa Vélez",
    "Sólveig Ár", "Tamsin Rook", "Umbra Lane", "Velvet Kites", "Wren Halloran",
    "Xochitl Ríos", "Yarrow Bell", "Zoë Marchetti", "東京 Nightline", "Ashgrove Choir",
    "Bluebell Static", "Çağlar Trio", "Delta Kiln", "Ember & Ash", "Fenwick Street Band",
    "Glasshouse Echo", "Heron Lights", "Isolde Kraus", "Juniper Road", "서울 Echo",
    "Kōji Tanabe", "Linnea Strand", "Marrow Bay", "Noémie Duval", "Oakhollow",
    "Pilar Ibáñez", "Quarry Lights", "Ruthless Gentle", "Sigurlína & the Tides",
    "Thistle & Thorn", "Ulla Bergström", "Vale of Hum", "Weatherbird", "Ximena Ocaña",
    "Yūki Morimoto", "Zephyr Row", "Amber Lathe", "Bronwen Tŷ", "Cinder Youth",
    "Dawn Chorus Club", "Ejiro Adébáyọ̀", "Foxglove Static", "Grainne Ní Bhriain",
    "Halcyon Drive", "Inkwell", "Jasmijn de Vries", "Kaleidoscope Sea", "Łukasz & Żaneta",
    "Mira Sørensen", "Nova Arcade", "Orla Quinn", "Paper Satellites", "Quietude",
    "Riverlight Sound System", "Selene & the Stray", "Tidewater", "Under Lanterns",
]


def next_day(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def performances() -> list[dict[str, object]]:
    rng = random.Random(2026)
    names = iter(PERFORMERS)
    out: list[dict[str, object]] = []
    for n, day in enumerate(DAYS):
        for stage, slots in STAGES.items():
            if stage == "Club Nocturne" and n == len(DAYS) - 1:
                slots = slots[:LAST_NIGHT_ENDS_AT_MIDNIGHT_SET]
            for start, end in slots:
                after_midnight = stage == "Club Nocturne" and start < "12:00"
                record: dict[str, object] = {
                    "performer": next(names),
                    "stage": stage,
                    "date": next_day(day) if after_midnight else day,
                    "start": start,
                    "end": end,
                }
                if rng.random() > 0.15:  # some sets have no popularity score yet
                    record["popularity"] = rng.randint(35, 99)
                out.append(record)
    return out


def render(records: list[dict[str, object]]) -> str:
    """One performance a line: easy to read, and a diff shows exactly the sets that changed."""
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    body = ",\n    ".join(lines)
    return (f'{{\n  "festival": {json.dumps(FESTIVAL)},\n  "timezone": {json.dumps(TIMEZONE)},\n'
            f'  "performances": [\n    {body}\n  ]\n}}\n')


if __name__ == "__main__":
    target = Path(__file__).with_name("lineup.json")
    target.write_text(render(performances()), encoding="utf-8")
    print(f"wrote {target}")
