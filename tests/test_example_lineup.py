"""examples/lineup.json is realistic and clean: what the README's first command ingests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from festival_cli.core.lineup import check_lineup
from festival_cli.core.model import Lineup

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def example() -> Lineup:
    report = check_lineup((EXAMPLES / "lineup.json").read_bytes(), "examples/lineup.json")
    assert report.errors == []
    assert report.warnings == []
    assert report.lineup is not None
    return report.lineup


def test_it_names_the_festival_and_its_time_zone(example: Lineup) -> None:
    assert (example.festival, example.timezone) == ("Riverside Sounds 2026", "Europe/London")


def test_three_days_four_stages_sixty_sets(example: Lineup) -> None:
    assert example.dates == ["2026-07-10", "2026-07-11", "2026-07-12"]
    assert len({p.stage for p in example.performances}) >= 4
    assert len(example.performances) >= 60


def test_sets_after_midnight(example: Lineup) -> None:
    assert any(p.crosses_midnight for p in example.performances)
    assert any(p.start < "06:00" for p in example.performances)


def test_non_ascii_names_including_wide_characters(example: Lineup) -> None:
    names = [p.performer for p in example.performances]
    assert any(not name.isascii() for name in names)
    assert any("\u3040" <= char <= "\u9fff" or "\uac00" <= char <= "\ud7af"
               for name in names for char in name)


def test_some_sets_without_popularity(example: Lineup) -> None:
    scores = [p.popularity for p in example.performances]
    assert None in scores
    assert any(score is not None for score in scores)


def test_the_generator_writes_the_same_file(tmp_path: Path) -> None:
    script = tmp_path / "make_lineup.py"
    script.write_text((EXAMPLES / "make_lineup.py").read_text(encoding="utf-8"),
                      encoding="utf-8")
    subprocess.run([sys.executable, str(script)], check=True, capture_output=True)
    assert (tmp_path / "lineup.json").read_bytes() == (EXAMPLES / "lineup.json").read_bytes()
