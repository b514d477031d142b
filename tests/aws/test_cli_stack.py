"""The festival command against a stack in moto: --stack / FESTIVAL_STACK, through CliRunner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from festival_cli.cli.app import app
from festival_cli.targets.stack import StackTarget
from lambda_handler.handler import Pipeline, handler
from tests.aws.moto_world import World, create_stack
from tests.factories import document, record
from tests.spies import calls_to

LINEUP = document(record(), record(performer="Brass Tide", start="20:00", end="21:00",
                                   popularity=None))


@pytest.fixture
def stack(world: World) -> str:
    return create_stack(world)


@pytest.fixture
def lineup_file(tmp_path: Path) -> Path:
    path = tmp_path / "lineup.json"
    path.write_bytes(LINEUP)
    return path


def run(*args: str, **env: str) -> Any:
    return CliRunner().invoke(app, list(args), env=env or None)


def run_function(world: World) -> None:
    handler(world.upload_events(), None)


def waiting_runs_the_function(monkeypatch: pytest.MonkeyPatch, world: World,
                              function_runs: bool = True) -> None:
    """While the CLI waits, the deployed function does its work (and no real time passes)."""
    original = StackTarget.from_stack_name.__func__  # type: ignore[attr-defined]
    clock = [0.0]

    def sleep(seconds: float) -> None:
        clock[0] += seconds
        if function_runs:
            run_function(world)

    def from_stack_name(cls: type[StackTarget], name: str, **_: Any) -> StackTarget:
        return original(cls, name, sleep=sleep, clock=lambda: clock[0])

    monkeypatch.setattr(StackTarget, "from_stack_name", classmethod(from_stack_name))


def test_query_answers_from_the_stack(world: World, pipeline: Pipeline, stack: str,
                                      lineup_file: Path) -> None:
    world.put("uploads/lineup.json", LINEUP)
    run_function(world)
    result = run("query", "--stack", stack, "--date", "2026-07-10", "--output", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"performer": "Aurora Fields", "stage": "Main", "date": "2026-07-10", "start": "18:00",
         "end": "19:15", "popularity": 87},
        {"performer": "Brass Tide", "stage": "Main", "date": "2026-07-10", "start": "20:00",
         "end": "21:00", "popularity": None},
    ]


def test_the_stack_can_come_from_festival_stack(world: World, pipeline: Pipeline,
                                                stack: str) -> None:
    world.put("uploads/lineup.json", LINEUP)
    run_function(world)
    result = run("query", "--performer", "Brass Tide", "--output", "csv", FESTIVAL_STACK=stack)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith("Brass Tide,Main,2026-07-10,20:00,21:00")


def test_a_missing_stack_exits_1_with_a_clear_message(world: World) -> None:
    result = run("query", "--stack", "nope", "--date", "2026-07-10")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: stack 'nope' does not exist in eu-west-1")


def test_upload_no_wait_prints_the_ingestion_id(world: World, pipeline: Pipeline, stack: str,
                                                lineup_file: Path) -> None:
    result = run("upload", "--stack", stack, "--no-wait", str(lineup_file))
    assert result.exit_code == 0, result.output
    run_function(world)
    (record_,) = pipeline.store.recent_ingestions()
    assert f"ingestion {record_.id} started" in result.stdout


def test_upload_waits_for_the_pipeline_and_exits_0(
    world: World, pipeline: Pipeline, stack: str, lineup_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waiting_runs_the_function(monkeypatch, world)
    result = run("upload", "--stack", stack, str(lineup_file))
    assert result.exit_code == 0, result.output
    assert len(pipeline.store.stored_on(["2026-07-10"])) == 2


def test_upload_that_times_out_exits_1_saying_how_to_follow_it(
    world: World, stack: str, lineup_file: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    waiting_runs_the_function(monkeypatch, world, function_runs=False)
    result = run("upload", "--stack", stack, "--timeout", "3", str(lineup_file))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: lineup.json: not finished after 3 s; it may still "
                                    "be running: festival status ")


def test_an_invalid_file_exits_1_and_is_not_uploaded(world: World, stack: str,
                                                     tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(document(record(start="25:00")))
    result = run("upload", "--stack", stack, str(bad))
    assert result.exit_code == 1
    assert "'25:00' is not a time" in result.stderr
    assert "Contents" not in world.s3.list_objects_v2(Bucket=world.bucket)


def test_status_reports_the_stack(world: World, pipeline: Pipeline, stack: str) -> None:
    world.put("uploads/lineup.json", LINEUP)
    run_function(world)
    result = run("status", "--stack", stack, "--output", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert ([r["state"] for r in report["ingestions"]], report["item_count"],
            report["dead_letter_depth"], report["subscriptions_pending"]) == (
        ["succeeded"], 2, 0, [])


def test_export_from_the_stack_is_the_lineup_the_pipeline_ingested(
        world: World, pipeline: Pipeline, stack: str) -> None:
    world.put("uploads/lineup.json", LINEUP)
    run_function(world)
    result = run("export", "--stack", stack, "--date", "2026-07-10", "--output", "json")
    assert result.exit_code == 0, result.output
    exported = json.loads(result.stdout)
    assert (exported["festival"], exported["timezone"]) == (
        "Riverside Sounds 2026", "Europe/London")
    assert [(p["performer"], p["start"]) for p in exported["performances"]] == [
        ("Aurora Fields", "18:00"), ("Brass Tide", "20:00")]


def test_timetable_of_the_stack_is_the_one_of_a_local_store(
        world: World, pipeline: Pipeline, stack: str, lineup_file: Path, tmp_path: Path) -> None:
    world.put("uploads/lineup.json", LINEUP)
    run_function(world)
    db = str(tmp_path / "local.db")
    assert run("upload", "--db", db, str(lineup_file)).exit_code == 0
    day = ("timetable", "--date", "2026-07-10", "--width", "60")
    remote, local = run(*day, "--stack", stack), run(*day, "--db", db)
    assert remote.exit_code == 0, remote.output
    assert "Aurora Fields" in remote.stdout and "Brass Tide" in remote.stdout
    assert remote.stdout == local.stdout


def test_export_with_no_selector_reads_every_stored_date_of_the_stack_without_a_scan(
        world: World, pipeline: Pipeline, stack: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.dynamodb.responses import DynamoHandler

    world.put("uploads/lineup.json", document(
        record(), record(performer="Brass Tide", date="2026-07-11", popularity=None)))
    run_function(world)
    scans = calls_to(monkeypatch, DynamoHandler, "scan")
    result = run("export", "--stack", stack, "--output", "json")
    assert result.exit_code == 0, result.output
    assert [(p["performer"], p["date"]) for p in json.loads(result.stdout)["performances"]] == [
        ("Aurora Fields", "2026-07-10"), ("Brass Tide", "2026-07-11")]
    assert scans == []


def test_publish_stack_republishes_the_site_from_the_tables(
    world: World, pipeline: Pipeline, stack: str, lineup_file: Path
) -> None:
    pipeline.site_bucket = None  # the function publishes nothing: the command does it all
    run("upload", "--stack", stack, "--no-wait", str(lineup_file))
    run_function(world)
    assert world.site() == {}
    world.s3.put_object(Bucket=world.site_bucket, Key="stages/gone.ics", Body=b"BEGIN:VCALENDAR")
    result = run("publish", "--stack", stack)
    assert result.exit_code == 0, result.output
    site = world.site()
    assert "published the site of stack festival-test" in result.output
    assert (f": {len(site)} files; removed the calendars of 1 stage that are gone"
            in " ".join(result.output.split()))
    assert "stages/gone.ics" not in site
    assert site["schedule.xml"]["ContentType"] == "application/xml; charset=utf-8"
    assert {"index.html", "schedule.json", "festival.ics", "changes.atom"} <= set(site)


def test_publish_wants_a_folder_or_a_stack(world: World, stack: str, tmp_path: Path) -> None:
    for args in ([], [str(tmp_path / "site"), "--stack", stack]):
        result = run("publish", *args)
        assert result.exit_code == 2, result.output
        assert "give DIR" in result.output
