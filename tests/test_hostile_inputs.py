"""Hostile lineups (tests/hostile.py) through `festival validate`, `festival upload` and the
Lambda handler: each rejected whole, with a clear error at its place, nothing written, no
traceback; the valid boundary values accepted.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.backends import get_backend
from typer.testing import CliRunner

from festival_cli.cli.app import app
from festival_cli.core.upload_contract import UPLOAD_PREFIX, ingestion_id_for, upload_metadata
from festival_cli.stores.sqlite import SqliteStore
from lambda_handler.handler import Pipeline
from tests.aws.moto_world import ACCOUNT, World, fake_aws
from tests.factories import document, record
from tests.hostile import VALID_BOUNDARIES, Hostile, big_truncated, cases

CASES = cases()
NAME = "hostile.json"
runner = CliRunner()


def test_there_are_at_least_40_hostile_cases() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


def _cli(args: list[str], data: bytes, directory: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(directory)
    (directory / NAME).write_bytes(data)
    return runner.invoke(app, [*args, NAME])


# What must never reach a terminal: control characters but newline and tab, bidi controls.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _assert_clear_rejection(result: Any, place: str) -> None:
    output = result.output
    assert result.exit_code == 1, output
    assert "Traceback" not in output
    assert not RAW_CONTROL.search(output), repr(output[:2_000])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception)
    located = [line for line in output.splitlines() if NAME in line]
    assert any(place in line for line in located), output[:2_000]


# -- festival validate ---------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_validate_rejects_with_the_place(case: Hostile, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    result = _cli(["validate"], case.data, tmp_path, monkeypatch)
    _assert_clear_rejection(result, case.place)


# -- festival upload (local store): nothing written --------------------------------------------
# The same parser runs before any write, so a sample of every kind of failure is enough here.
UPLOAD_SAMPLE = ("empty-file", "truncated-half", "invalid-utf8", "lone-surrogate-key",
                 "deep-arrays", "duplicate-set", "popularity-nan", "popularity-5000-digits",
                 "popularity-true", "performer-null", "date-2026-02-29", "performer-10-MB",
                 "one-bad-among-many", "date-year-1", "performer-escape-sequence",
                 "stage-bidi-override")


@pytest.mark.parametrize("case", [c for c in CASES if c.id in UPLOAD_SAMPLE],
                         ids=lambda c: c.id)
def test_local_upload_writes_nothing(case: Hostile, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "festival.db"
    result = _cli(["upload", "--db", str(db)], case.data, tmp_path, monkeypatch)
    _assert_clear_rejection(result, case.place)
    with SqliteStore(db) as store:
        assert store.count() == 0
        assert [r.state for r in store.recent_ingestions()] in ([], ["rejected"])


@pytest.mark.parametrize("name", sorted(VALID_BOUNDARIES))
def test_valid_boundary_values_are_accepted(name: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    result = _cli(["validate"], document(record(**VALID_BOUNDARIES[name])), tmp_path,
                  monkeypatch)
    assert result.exit_code == 0, result.output


# -- the Lambda handler in moto: rejected, nothing written, one notification --------------------
@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with pytest.MonkeyPatch.context() as env, fake_aws(env):
        yield World.build()


def _through_handler(world: World, data: bytes, *, direct: bool = False,
                     ) -> tuple[str, Any, list[tuple[str, str]]]:
    """Put `data` under uploads/, run the handler on what the queue holds; (id, response,
    the notifications it sent). `direct` stores the object in moto's S3 backend without an
    HTTP request (the same object and event; botocore's checksums of 50 MB take seconds)."""
    world.receive()  # drain anything earlier (the s3:TestEvent) so the event holds this file
    key = f"{UPLOAD_PREFIX}hostile-{uuid.uuid4().hex[:8]}.json"
    token = uuid.uuid4().hex
    metadata = upload_metadata(token, merge=False)
    if direct:
        stored = get_backend("s3")[ACCOUNT]["global"].put_object(world.bucket, key, data)
        stored.set_metadata({f"x-amz-meta-{k}": v for k, v in metadata.items()})
    else:
        world.put(key, data, metadata)
    before = len(world.notifications())
    pipeline = Pipeline(world.s3, world.sns, world.store(), world.topic_arn)
    response = pipeline.process(world.upload_events())
    return (ingestion_id_for(world.bucket, key, token), response,
            world.notifications()[before:])


def _table_items(world: World) -> int:
    return int(world.dynamodb.scan(TableName=world.table, Select="COUNT")["Count"])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_handler_rejects_writes_nothing_and_notifies_once(case: Hostile, world: World) -> None:
    ingestion_id, response, sent = _through_handler(world, case.data)
    assert response == {"batchItemFailures": []}  # permanent: not retried
    record_ = world.store().get_ingestion(ingestion_id)
    assert record_ is not None and record_.state == "rejected", record_
    assert any(case.place in line for line in record_.errors), record_.errors[:3]
    assert _table_items(world) == 0
    assert len(sent) == 1 and "rejected" in sent[0][0], sent


# -- a 50 MB upload cut off half-way -------------------------------------------------------------
@pytest.fixture(scope="session")
def fifty_mb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / NAME
    path.write_bytes(big_truncated(50 * 1024 * 1024))
    return path


def test_validate_rejects_a_50_mb_truncated_file_at_its_last_line(
        fifty_mb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fifty_mb.parent)
    lines = fifty_mb.read_bytes().count(b"\n") + 1
    result = runner.invoke(app, ["validate", NAME])
    _assert_clear_rejection(result, f"{NAME}:{lines}:")
    assert "not JSON" in result.output


def test_handler_rejects_a_50_mb_truncated_file(fifty_mb: Path, world: World) -> None:
    ingestion_id, response, sent = _through_handler(world, fifty_mb.read_bytes(), direct=True)
    assert response == {"batchItemFailures": []}
    record_ = world.store().get_ingestion(ingestion_id)
    assert record_ is not None and record_.state == "rejected"
    assert _table_items(world) == 0
    assert len(sent) == 1
