"""`festival status`: the recent ingestions, one in full, JSON, and what a stack adds."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from festival_cli.cli.render import health_lines, ingestion_detail, status_rows
from festival_cli.core.records import Ingestion
from festival_cli.stores.sqlite import SqliteStore
from festival_cli.targets.base import StatusReport
from tests.factories import document, record

Cli = Callable[..., Result]


@pytest.fixture
def uploaded(cli: Cli, db_path: Path, tmp_path: Path) -> tuple[Path, str, str]:
    """A store with one succeeded and (newer) one rejected ingestion: (db, ok id, bad id)."""
    good = tmp_path / "good.json"
    good.write_bytes(document(record(), record(performer="Bo", start="20:00", end="21:00")))
    bad = tmp_path / "bad.json"
    bad.write_bytes(document(record(start="25:00")))
    cli("upload", "--db", db_path, good)
    cli("upload", "--db", db_path, bad)
    with SqliteStore(db_path) as store:
        rejected, succeeded = store.recent_ingestions()
    return db_path, succeeded.id, rejected.id


def test_no_ingestions_yet(cli: Cli, db_path: Path) -> None:
    SqliteStore(db_path).close()  # a store, empty
    result = cli("status", "--db", db_path)
    assert result.exit_code == 0
    assert result.stdout == f"local store {db_path}: 0 performances\n"
    assert result.stderr == "no ingestions yet: festival upload FILE\n"


def test_the_table_lists_recent_ingestions_newest_first(
        cli: Cli, uploaded: tuple[Path, str, str]) -> None:
    db, ok, bad = uploaded
    result = cli("status", "--db", db)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"local store {db}: 2 performances"
    assert lines[1].split() == ["Id", "File", "State", "Sets", "Started", "Duration"]
    assert lines[2].split()[:5] == [bad, str(db.parent / "bad.json"), "rejected", "1", "set"]
    assert lines[3].split()[:7] == [ok, str(db.parent / "good.json"), "succeeded", "+2", "~0",
                                    "-0", "=0"]
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d +\d+\.\d s$", lines[3])


def test_limit(cli: Cli, uploaded: tuple[Path, str, str]) -> None:
    db, _, bad = uploaded
    lines = cli("status", "--db", db, "--limit", "1").stdout.splitlines()
    assert len(lines) == 3
    assert lines[2].startswith(bad)


def test_one_ingestion_in_full_shows_its_errors(cli: Cli,
                                                uploaded: tuple[Path, str, str]) -> None:
    db, _, bad = uploaded
    result = cli("status", "--db", db, bad)
    assert result.exit_code == 0
    assert f"id:        {bad}\n" in result.stdout
    assert "state:     rejected\n" in result.stdout
    assert re.search(r"^errors:\n  \S+bad\.json:\d+:\d+: performances\[0\]\.start: '25:00'",
                     result.stdout, re.MULTILINE), result.stdout


def test_one_ingestion_in_full_shows_its_changes(cli: Cli,
                                                 uploaded: tuple[Path, str, str]) -> None:
    db, ok, _ = uploaded
    result = cli("status", "--db", db, ok)
    assert "counts:    performances 2, added 2, updated 0, removed 0, unchanged 0\n" \
        in result.stdout
    assert "changes:\n  added: Aurora Fields, Main, 2026-07-10: 18:00–19:15" in result.stdout


def test_an_unknown_id_exits_1(cli: Cli, db_path: Path) -> None:
    SqliteStore(db_path).close()
    result = cli("status", "--db", db_path, "x")
    assert result.exit_code == 1
    assert result.stderr == "error: no ingestion with id 'x'\n"


def test_json_has_every_field(cli: Cli, uploaded: tuple[Path, str, str]) -> None:
    db, ok, bad = uploaded
    result = cli("status", "--db", db, "--output", "json")
    document = json.loads(result.stdout)
    assert document["target"] == f"local store {db}"
    assert document["item_count"] == 2
    assert document["queue_depth"] is None
    assert [r["id"] for r in document["ingestions"]] == [bad, ok]
    assert document["ingestions"][1]["counts"] == {
        "performances": 2, "added": 2, "updated": 0, "removed": 0, "unchanged": 0}


def test_json_of_one_ingestion(cli: Cli, uploaded: tuple[Path, str, str]) -> None:
    db, ok, _ = uploaded
    document = json.loads(cli("status", "--db", db, ok, "-o", "json").stdout)
    assert [r["state"] for r in document["ingestions"]] == ["succeeded"]


def test_a_stack_s_health_is_shown_with_a_hint_for_pending_subscriptions() -> None:
    report = StatusReport(target="stack riverside", ingestions=[Ingestion(id="a", file="f")],
                          item_count=62, queue_depth=0, dead_letter_depth=2,
                          subscriptions_pending=["ops@example.org"], notes=["region eu-west-1"])
    assert health_lines(report) == [
        "stack riverside: 62 performances",
        "queue: 0 message(s) waiting",
        "dead-letter queue: 2 message(s) (ingestions that kept failing: inspect them)",
        "subscriptions pending confirmation: ops@example.org (no email arrives until the "
        "recipient confirms AWS's subscription message)",
        "note: region eu-west-1",
    ]


def test_local_health_has_no_stack_lines() -> None:
    report = StatusReport(target="local store x.db", ingestions=[], item_count=1)
    assert health_lines(report) == ["local store x.db: 1 performance"]


def test_an_ingestion_whose_site_is_not_yet_published_says_so() -> None:
    waiting = Ingestion(id="a", file="f", state="succeeded", published=False)
    done = Ingestion(id="b", file="g", state="succeeded", published=True)
    report = StatusReport(target="stack riverside", ingestions=[waiting, done])
    assert [row[2] for row in status_rows(report)] == ["succeeded, site unpublished", "succeeded"]
    assert "site:      not yet published" in ingestion_detail(waiting)
    assert "site:      published" in ingestion_detail(done)


def test_a_superseded_ingestion_names_the_newer_one() -> None:
    line = "2026-07-11: every set of the date: ingestion b7 is newer"
    whole = Ingestion(id="a", file="f", state="superseded", superseded=[line],
                      superseded_by=["b7"], counts={"performances": 2, "superseded": 2})
    partly = Ingestion(id="c", file="g", state="succeeded", superseded=[line],
                       superseded_by=["b7"])
    report = StatusReport(target="stack riverside", ingestions=[whole, partly])
    assert [row[2] for row in status_rows(report)] == [
        "superseded by b7", "succeeded, partly superseded"]
    detail = ingestion_detail(whole)
    assert "state:     superseded\n" in detail
    assert "newer:     b7 (newest upload wins)\n" in detail
    assert f"superseded:\n  {line}\n" in detail
