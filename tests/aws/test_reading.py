"""The size of an upload is known before its body is read, and the read is bounded.

Peak memory is measured with tracemalloc around the handling of one file (the put that made the
object is outside the measure).
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from festival_cli.core.s3_events import ObjectCreated
from festival_cli.core.upload_contract import MAX_FILE_BYTES
from lambda_handler.handler import Pipeline, handler
from lambda_handler.reading import read_upload
from tests.aws.moto_world import RequestCounter, World
from tests.factories import document, record

MiB = 1024 * 1024
LINEUP = document(record())


def peak_of(work: Callable[[], Any]) -> tuple[Any, int]:
    """What `work` returns, and the most memory it held at once (bytes)."""
    tracemalloc.start()
    try:
        result = work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def just_over_the_limit() -> bytes:
    return LINEUP[:-1] + b" " * (MAX_FILE_BYTES - len(LINEUP) + 1) + b"}"


def test_a_file_just_over_the_limit_is_rejected_from_its_size_without_reading_it(
    world: World, pipeline: Pipeline
) -> None:
    world.put("uploads/big.json", just_over_the_limit())
    event = world.upload_events()
    s3_calls = RequestCounter(world.s3)
    response, peak = peak_of(lambda: handler(event, None))
    assert response == {"batchItemFailures": []}
    (record_,) = pipeline.store.recent_ingestions()
    assert record_.state == "rejected"
    assert f"{MAX_FILE_BYTES + 1:,} bytes; the pipeline accepts files of at most" in (
        record_.errors[0])
    assert s3_calls.calls["GetObject"] == 0 and s3_calls.calls["HeadObject"] == 1
    assert peak < 2 * MiB, f"handling a {MAX_FILE_BYTES + 1:,}-byte file held {peak:,} bytes"


def test_the_rejection_of_a_large_upload_keeps_the_id_festival_upload_follows(
    world: World, pipeline: Pipeline
) -> None:
    """HeadObject gives the metadata (the upload token) without the body."""
    from festival_cli.core.upload_contract import ingestion_id_for, upload_metadata

    world.put("uploads/big.json", just_over_the_limit(), upload_metadata("tok", merge=False))
    handler(world.upload_events(), None)
    assert pipeline.store.get_ingestion(ingestion_id_for(world.bucket, "uploads/big.json",
                                                         "tok")) is not None


class Endless:
    """A body that never ends (an object larger than anything), counting what was taken."""

    def __init__(self) -> None:
        self.taken = 0

    def read(self, amount: int | None = None) -> bytes:
        assert amount is not None, "an unbounded read of the body"
        self.taken += amount
        return b" " * amount

    def close(self) -> None:
        pass


class LyingS3:
    """An object bigger than its event says (a key overwritten in an unversioned bucket)."""

    def __init__(self) -> None:
        self.body = Endless()

    def get_object(self, **_: Any) -> dict[str, Any]:
        return {"Body": self.body, "Metadata": {}, "ContentLength": 10**12}

    def head_object(self, **_: Any) -> dict[str, Any]:
        raise AssertionError("a size within the limit, or none: the bounded GetObject alone")


@pytest.mark.parametrize("event_size", [100, None])
def test_a_read_never_holds_more_than_the_limit(event_size: int | None) -> None:
    s3 = LyingS3()
    obj = ObjectCreated(bucket="b", key="uploads/x.json", event_name="ObjectCreated:Put",
                        size=event_size)
    upload, peak = peak_of(lambda: read_upload(s3, obj, MAX_FILE_BYTES))
    assert upload.data is None and upload.size > MAX_FILE_BYTES
    assert s3.body.taken == MAX_FILE_BYTES + 1
    assert peak < MAX_FILE_BYTES + 2 * MiB, f"held {peak:,} bytes"


def test_an_event_without_a_size_is_read_by_the_bounded_get_alone(world: World) -> None:
    world.put("uploads/x.json", LINEUP)
    obj = ObjectCreated(bucket=world.bucket, key="uploads/x.json",
                        event_name="ObjectCreated:Put", size=None)
    calls = RequestCounter(world.s3)
    upload = read_upload(world.s3, obj, MAX_FILE_BYTES)
    assert (upload.data, upload.size) == (LINEUP, len(LINEUP))
    assert (calls.calls["HeadObject"], calls.calls["GetObject"]) == (0, 1)


def test_a_large_upload_whose_event_has_no_size_is_rejected_with_its_metadata(
    world: World,
) -> None:
    from festival_cli.core.upload_contract import TOKEN_METADATA, upload_metadata

    world.put("uploads/big.json", just_over_the_limit(), upload_metadata("tok", merge=False))
    obj = ObjectCreated(bucket=world.bucket, key="uploads/big.json",
                        event_name="ObjectCreated:Put", size=None)
    calls = RequestCounter(world.s3)
    upload = read_upload(world.s3, obj, MAX_FILE_BYTES)
    assert (upload.data, upload.size) == (None, MAX_FILE_BYTES + 1)
    assert upload.metadata[TOKEN_METADATA] == "tok"
    assert (calls.calls["HeadObject"], calls.calls["GetObject"]) == (0, 1)


def test_a_file_within_the_limit_is_read_once(world: World, pipeline: Pipeline) -> None:
    world.put("uploads/x.json", LINEUP)
    event = world.upload_events()
    calls = RequestCounter(world.s3)
    handler(event, None)
    assert (calls.calls["HeadObject"], calls.calls["GetObject"]) == (0, 1)
