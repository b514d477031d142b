"""`festival timetable` through the CLI: the grid on stdout, messages on stderr, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from festival_cli.cli.app import app
from tests.test_timetable_layout import DAY

GOLDEN = Path(__file__).parent / "golden"


def timetable(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, ["timetable", *args], env=env)


@pytest.mark.parametrize(
    ("golden", "options"),
    [
        ("timetable_stages_80.txt", ["--width", "80"]),
        ("timetable_stages_200.txt", ["--width", "200"]),
        ("timetable_time_80.txt", ["--width", "80", "--across", "time", "--step", "30"]),
        ("timetable_highlight_80.txt",
         ["--width", "80", "--highlight", "Aurora Fields", "--highlight", "kōri",
          "--highlight", "Night Owls Collective", "--highlight", "Dawn Patrol"]),
    ],
)
def test_the_grid_is_the_answer_on_stdout(day_db: str, golden: str, options: list[str]) -> None:
    result = timetable("--db", day_db, "--date", DAY, *options)

    assert result.exit_code == 0
    assert result.stdout == (GOLDEN / golden).read_text(encoding="utf-8")
    assert result.stderr == ""


def test_piped_output_fits_the_columns_of_the_environment(day_db: str) -> None:
    result = timetable("--db", day_db, "--date", DAY, env={"COLUMNS": "40"})

    assert result.stdout == (GOLDEN / "timetable_stages_40.txt").read_text(encoding="utf-8")


def test_a_day_without_sets_says_so_on_stderr_and_succeeds(day_db: str) -> None:
    result = timetable("--db", day_db, "--date", "2026-07-12")

    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "no performances on 2026-07-12\n"


def test_a_stage_filter_shows_only_those_stages_and_warns_of_unknown_ones(day_db: str) -> None:
    result = timetable("--db", day_db, "--date", DAY, "--stage", "Club", "--stage", "Arena",
                       "--width", "80")

    assert result.exit_code == 0
    header = result.stdout.splitlines()[1]
    assert header.split() == ["Club"]
    assert result.stderr == "warning: --stage 'Arena': no sets on festival day 2026-07-10\n"


def test_a_highlight_that_matches_nothing_is_a_warning(day_db: str) -> None:
    result = timetable("--db", day_db, "--date", DAY, "--highlight", "Nobody", "--width", "80")

    assert result.exit_code == 0
    assert result.stderr == "warning: --highlight 'Nobody': no set on festival day 2026-07-10\n"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--date", "2026-7-10"], "error: --date: '2026-7-10' is not a date (YYYY-MM-DD)\n"),
        (["--date", DAY, "--day-starts", "6am"],
         "error: --day-starts: '6am' is not a time (HH:MM)\n"),
        (["--date", DAY, "--step", "1"], "error: --step: 1 is not between 5 and 120 minutes\n"),
        (["--date", DAY, "--across", "time", "--width", "30"],
         "error: the timetable does not fit 30 columns: 44 steps of 15 minutes need at least "
         "51; give a larger --step or --width, or use --across stages\n"),
    ],
)
def test_bad_options_are_usage_errors(day_db: str, options: list[str], message: str) -> None:
    result = timetable("--db", day_db, *options)

    assert result.exit_code == 2
    assert result.stderr == message
    assert result.stdout == ""


def test_a_width_too_small_to_mean_anything_is_refused(day_db: str) -> None:
    result = timetable("--db", day_db, "--date", DAY, "--width", "5")

    assert result.exit_code == 2
    assert "--width" in result.stderr
