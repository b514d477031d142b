"""Drawing the timetable: golden renderings a reviewer can read, fitting, wide characters, Rich."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from festival_cli.cli.timetable_render import Across, draw, fit, to_plain, to_rich
from festival_cli.core.errors import UsageError
from festival_cli.core.timetable import Timetable, build_timetable
from tests.factories import perf
from tests.test_timetable_layout import DAY, day_sets

GOLDEN = Path(__file__).parent / "golden"
# FESTIVAL_UPDATE_GOLDEN=1 rewrites the golden files from the current drawing (then review them).
UPDATE = bool(os.environ.get("FESTIVAL_UPDATE_GOLDEN"))

WIDE = [
    perf("坂本龍一トリビュート", stage="森のステージ", start="18:00", end="19:00", popularity=70),
    perf("블랙핑크 커버밴드", stage="Main", start="18:30", end="20:00", popularity=None),
    perf("Ólafur Arnalds", stage="Main", start="20:00", end="21:00", popularity=88),
    perf("Plain Name", stage="Tent", start="19:00", end="20:00", popularity=12),
]


def fixture_day(**options: object) -> Timetable:
    return build_timetable(day_sets(), DAY, **options)  # type: ignore[arg-type]


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "across", "width", "options"),
    [
        ("timetable_stages_80.txt", "stages", 80, {}),
        ("timetable_stages_40.txt", "stages", 40, {}),
        ("timetable_stages_200.txt", "stages", 200, {}),
        ("timetable_time_80.txt", "time", 80, {"step": 30}),
        ("timetable_time_200.txt", "time", 200, {}),
        ("timetable_highlight_80.txt", "stages", 80,
         {"highlight": ["Aurora Fields", "Kōri", "Night Owls Collective", "Dawn Patrol"]}),
    ],
)
def test_the_fixture_day_draws_as_its_golden_file(name: str, across: Across, width: int,
                                                  options: dict[str, object]) -> None:
    check_golden(name, to_plain(draw(fixture_day(**options), width=width, across=across)))


@pytest.mark.parametrize("across", ["stages", "time"])
@pytest.mark.parametrize("width", [40, 80, 200])
def test_no_line_of_the_grid_is_wider_than_asked(across: Across, width: int) -> None:
    text = to_plain(draw(fixture_day(step=30), width=width, across=across))

    assert max(cell_len(line) for line in text.splitlines()) <= width


@pytest.mark.parametrize("across", ["stages", "time"])
@pytest.mark.parametrize("width", [40, 60, 200])
def test_wide_characters_keep_every_grid_line_the_same_width(across: Across, width: int) -> None:
    lines = draw(build_timetable(WIDE, DAY), width=width, across=across)

    grid = lines[1:]  # after the title
    widths = {cell_len("".join(text for text, _ in line)) for line in grid}
    assert len(widths) == 1


def test_wide_characters_keep_the_columns_aligned() -> None:
    lines = to_plain(draw(build_timetable(WIDE, DAY), width=60)).splitlines()

    header = lines[1]
    stages = ("Main", "Tent", "森のステージ")
    bar_cells = {cell_len(header[:header.index(name)]) - 1 for name in stages}
    for line in lines[3:]:
        for i, ch in enumerate(line):
            if ch in "┌│":
                assert cell_len(line[:i]) in bar_cells, line


def test_names_that_do_not_fit_are_cut_with_an_ellipsis() -> None:
    text = to_plain(draw(fixture_day(), width=40))

    assert "┌Velvet S…" in text
    assert "Velvet Static and the Long Goodbye" not in text


def test_popularity_is_shown_when_there_is_room() -> None:
    wide = to_plain(draw(fixture_day(), width=200))
    narrow = to_plain(draw(fixture_day(), width=40))

    assert "Neon Tide (92)" in wide
    assert "Neon Tide" in narrow and "Neon Tide (92)" not in narrow


def test_highlighted_sets_are_marked_and_their_clashes_listed() -> None:
    text = to_plain(draw(fixture_day(highlight=["Aurora Fields", "Kōri"]), width=80))

    assert "┏*Aurora Fields (87)" in text
    assert text.endswith(
        "clashes between highlighted sets (1):\n"
        "  Aurora Fields (Main 18:00–19:15) and Kōri (Forest 18:15–19:30) overlap 60 min\n")


@pytest.mark.parametrize(("across", "width"), [("stages", 30), ("time", 20)])
def test_a_grid_that_cannot_fit_is_refused_not_wrapped(across: Across, width: int) -> None:
    many = [perf(f"P{i}", stage=f"Stage {i}") for i in range(6)] + day_sets()

    with pytest.raises(UsageError, match="does not fit"):
        draw(build_timetable(many, DAY), width=width, across=across)


@pytest.mark.parametrize(
    ("text", "cells", "fitted"),
    [
        ("Main", 6, "Main  "),
        ("Main", 4, "Main"),
        ("Aurora Fields", 6, "Auror…"),
        ("坂本龍一", 8, "坂本龍一"),
        ("坂本龍一", 6, "坂本… "),  # a wide character that does not fit leaves a blank cell
        ("坂本龍一", 5, "坂本…"),
        ("tab\there", 8, "tab here"),  # control characters never reach the terminal
        ("esc\x1b[31m", 8, "esc [31m"),
        ("c1\x9bx", 4, "c1 x"),
        ("x", 0, ""),
    ],
)
def test_fit_makes_text_exactly_that_many_cells(text: str, cells: int, fitted: str) -> None:
    assert fit(text, cells) == fitted
    assert cell_len(fit(text, cells)) == cells


def test_on_a_terminal_the_same_drawing_has_colour() -> None:
    lines = draw(fixture_day(highlight=["Neon Tide"]), width=80)
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, color_system="standard", width=80)

    console.print(to_rich(lines), soft_wrap=True)

    assert "\x1b[" in screen.getvalue()
    assert to_rich(lines).plain + "\n" == to_plain(lines)
    assert any(span.style == "bold reverse" for span in to_rich(lines).spans)
