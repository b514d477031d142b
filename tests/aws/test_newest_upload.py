"""Newest upload wins, end to end: the handler given S3 events in an order S3 does not promise.

moto delivers events in order; S3 and a standard queue do not (and a retried message comes back
later). These tests put real object versions into the versioned bucket, receive the events moto
sends (completed with `versionId` and `sequencer`, as S3 sends them), and hand them to the
handler one by one in the order each test chooses, with the `eventTime`s it chooses.
"""

from __future__ import annotations

import json
from typing import Any

from festival_cli.core.model import Performance
from festival_cli.core.upload_contract import ingestion_id_for, upload_metadata
from lambda_handler.handler import Pipeline, handler
from tests.aws.moto_world import World
from tests.aws.test_stack import FakeTime, run_function, target
from tests.factories import document, perf, record

KEY = "uploads/lineup.json"
DAY, NEXT, LAST = "2026-07-10", "2026-07-11", "2026-07-12"
EARLIER, T0, T1 = ("2026-11-28T04:00:00.000Z", "2026-11-28T05:00:00.000Z",
                   "2026-11-28T05:00:01.000Z")
BRASS = {"performer": "Brass Tide", "start": "20:00", "end": "21:00"}


def put(world: World, body: bytes, token: str, key: str = KEY, *, merge: bool = False) -> str:
    """Put an object version; the id of its ingestion."""
    world.put(key, body, upload_metadata(token, merge=merge))
    return ingestion_id_for(world.bucket, key, token)


def waiting(world: World) -> list[dict[str, Any]]:
    """The upload events waiting in the queue, in the order their objects were put."""
    found = [m for m in world.receive() if "s3:TestEvent" not in m["Body"]]
    return sorted(found, key=lambda m: _s3(m)["s3"]["object"]["sequencer"])


def _s3(message: dict[str, Any]) -> dict[str, Any]:
    record_: dict[str, Any] = json.loads(message["Body"])["Records"][0]
    return record_


def at(message: dict[str, Any], event_time: str) -> dict[str, Any]:
    """The message with its S3 event's `eventTime` set (S3's clock, as a test chooses it)."""
    body = json.loads(message["Body"])
    body["Records"][0]["eventTime"] = event_time
    return {**message, "Body": json.dumps(body)}


def handle(world: World, *messages: dict[str, Any]) -> None:
    """Deliver each message in its own batch, in this order; each must succeed."""
    for message in messages:
        assert handler(world.event([message]), None) == {"batchItemFailures": []}


def stored(pipeline: Pipeline, *dates: str) -> list[Performance]:
    return sorted(pipeline.store.stored_on(dates or (DAY, NEXT, LAST)),
                  key=Performance.chronological)


def subjects(world: World) -> list[str]:
    return [subject for subject, _ in world.notifications()]


def test_two_versions_of_one_key_handled_newest_first(world: World, pipeline: Pipeline) -> None:
    old = put(world, document(record(), record(**BRASS)), "v1")
    new = put(world, document(record(end="20:00")), "v2")
    first, second = waiting(world)
    # The sequencer decides within a key, even when S3's times say otherwise.
    handle(world, at(second, T0), at(first, T1))
    assert stored(pipeline) == [perf(end="20:00")]
    superseded = pipeline.store.get_ingestion(old)
    assert superseded is not None
    assert (superseded.state, superseded.superseded_by, superseded.counts["superseded"]) == (
        "superseded", [new], 2)
    assert subjects(world) == [
        "festival: lineup.json ingested (1 added)",
        "festival: lineup.json superseded by a newer upload (nothing written)"]


def test_two_versions_of_one_key_handled_in_order_replace_as_before(
    world: World, pipeline: Pipeline
) -> None:
    put(world, document(record(), record(**BRASS)), "v1")
    new = put(world, document(record(end="20:00")), "v2")
    handle(world, *waiting(world))
    assert stored(pipeline) == [perf(end="20:00")]
    newest = pipeline.store.get_ingestion(new)
    assert newest is not None and (newest.state, newest.superseded) == ("succeeded", [])


def test_two_keys_covering_overlapping_dates_handled_in_reverse(
    world: World, pipeline: Pipeline
) -> None:
    older = put(world, document(record(date=DAY), record(date=NEXT)), "a", "uploads/a.json")
    newer = put(world, document(record(date=NEXT, end="20:00"), record(date=LAST)), "b",
                "uploads/b.json")
    a, b = waiting(world)
    handle(world, at(b, T1), at(a, T0))
    # The older file's date that the newer did not list is applied; the shared one is not.
    assert stored(pipeline) == [perf(date=DAY), perf(date=NEXT, end="20:00"), perf(date=LAST)]
    record_ = pipeline.store.get_ingestion(older)
    assert record_ is not None
    assert (record_.state, record_.counts["added"], record_.superseded_by) == (
        "succeeded", 1, [newer])
    assert record_.superseded == [f"{NEXT}: every set of the date: ingestion {newer} is newer"]
    subject, body = world.notifications()[-1]
    assert subject == "festival: a.json ingested (1 added; partly superseded)"
    assert "Not written: newer uploads had written these already (1):" in body


def test_a_version_retried_after_a_newer_one_succeeded_writes_nothing(
    world: World, pipeline: Pipeline
) -> None:
    from festival_cli.targets.retry import retry_dead_letter

    old = put(world, document(record(), record(**BRASS)), "v1")
    [dead] = waiting(world)  # it failed five times: parked in the dead-letter queue
    world.sqs.send_message(QueueUrl=world.dlq_url, MessageBody=dead["Body"])
    world.sqs.delete_message(QueueUrl=world.queue_url, ReceiptHandle=dead["ReceiptHandle"])
    new = put(world, document(record(end="20:00")), "v2")
    run_function(world)  # the newer version succeeds meanwhile
    stack = target(world, FakeTime())
    # The copy is the key's newest version; it carries the original's place in the order.
    fresh = retry_dead_letter(stack.aws, stack.name, stack.outputs.DeadLetterQueueUrl, old)
    run_function(world)
    assert stored(pipeline) == [perf(end="20:00")]
    retried = pipeline.store.get_ingestion(fresh)
    assert retried is not None
    assert (retried.state, retried.superseded_by) == ("superseded", [new])


def test_a_merge_leaves_the_sets_a_newer_merge_wrote(world: World, pipeline: Pipeline) -> None:
    put(world, document(record(), record(**BRASS)), "base")
    handle(world, *(at(m, EARLIER) for m in waiting(world)))
    m1 = put(world, document(record(end="19:30"), record(**{**BRASS, "end": "21:30"}),
                             record(performer="Cosmo", start="22:00", end="23:00")),
             "m1", "uploads/m1.json", merge=True)
    m2 = put(world, document(record(end="19:45"), record(**BRASS)), "m2", "uploads/m2.json",
             merge=True)
    first, second = waiting(world)
    handle(world, at(second, T1), at(first, T0))
    # m2 (newer) changed Aurora and listed Brass as it was: m1 adds Cosmo only.
    assert stored(pipeline) == [perf(end="19:45"), perf("Brass Tide", start="20:00", end="21:00"),
                                perf("Cosmo", start="22:00", end="23:00")]
    record_ = pipeline.store.get_ingestion(m1)
    assert record_ is not None
    assert (record_.state, record_.merge, record_.superseded_by) == ("succeeded", True, [m2])
    assert record_.superseded == [
        f"Aurora Fields, {DAY} 18:00: ingestion {m2} is newer",
        f"Brass Tide, {DAY} 20:00: ingestion {m2} is newer"]


def test_festival_upload_that_ends_superseded_says_so_and_fails(
    world: World, pipeline: Pipeline
) -> None:
    import pytest

    from festival_cli.core.errors import IngestionFailed
    from festival_cli.core.ingest import ingest
    from festival_cli.core.upload_order import UploadOrder

    # A newer upload of the date (its event stamped later than this test's) was ingested first.
    ingest(pipeline.store, document(record(end="20:00")), "other.json", ingestion_id="newer",
           order=UploadOrder.of("2999-01-01T00:00:00Z", "uploads/other.json", "01"))
    stack = target(world, FakeTime(during_sleep=lambda: run_function(world)))
    with pytest.raises(IngestionFailed) as failed:
        stack.upload(document(record()), "lineup.json", timeout=60)
    assert "lineup.json was superseded by newer uploads" in str(failed.value)
    assert f"{DAY}: every set of the date: ingestion newer is newer" in str(failed.value)
    assert stored(pipeline) == [perf(end="20:00")]
