"""The pipeline's promises under faults, one row per fault (docs/performance.md shows the table).

Each row runs the whole loop in moto as Lambda's SQS event source would: receive up to 5
messages, call the handler, delete the messages it did not report as failed, and let the failed
ones (or, when the function dies, the whole batch) become visible again, until the queue is
empty; after maxReceiveCount receives SQS moves a message to the dead-letter queue. Then the
row's promise is checked: records lost 0 (the table holds exactly the file's sets), duplicate
items 0 (nothing else: no ghost of a moved set), and the notifications promised.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.exceptions import ClientError

from festival_cli.core.model import Performance
from festival_cli.core.upload_contract import MAX_RECEIVES  # the queue's maxReceiveCount
from festival_cli.stores.dynamodb import LEASE_SECONDS
from lambda_handler.handler import Pipeline
from tests.aws.moto_world import RequestCounter, World, fake_aws
from tests.factories import big_lineup, lineup

BATCH = 5  # the event source's BatchSize (template)
KEY = "uploads/lineup.json"

FIRST = big_lineup(120, days=2)  # stored before the faulty upload (revision rows)
# The faulty upload: the same dates revised: 40 sets moved, 5 dropped, 20 added (5 batches).
MOVED = [Performance(p.performer, p.stage, p.date, p.end, f"{(int(p.end[:2]) + 1) % 24:02d}"
                     f"{p.end[2:]}", p.popularity) for p in FIRST[:40]]
SECOND = [*MOVED, *FIRST[45:],
          *(Performance(f"New act {i}", f"New stage {i}", FIRST[0].date, "12:00", "12:40", i)
            for i in range(20))]


def _document(sets: list[Performance]) -> bytes:
    return json.dumps(lineup(*sets).to_document()).encode()


def throttled(operation: str) -> ClientError:
    return ClientError({"Error": {"Code": "ProvisionedThroughputExceededException",
                                  "Message": "Rate of requests exceeds the allowed throughput."},
                        "ResponseMetadata": {"HTTPStatusCode": 400}}, operation)


class Crash(BaseException):
    """The function dying mid-run (a timeout, out of memory): nothing of it returns."""


@dataclass
class Outcome:
    """What the loop saw: rounds of delivery, messages dead-lettered, the handler's returns."""

    rounds: int = 0
    dead_letters: list[dict[str, Any]] = field(default_factory=list)
    crashes: int = 0


def deliver_until_empty(world: World, pipeline_for: Callable[[int], Pipeline],
                        rounds: int = 10) -> Outcome:
    """Lambda's SQS event source, compressed in time: each round is one visibility timeout."""
    outcome = Outcome()
    for attempt in range(rounds):
        messages = world.sqs.receive_message(
            QueueUrl=world.queue_url, MaxNumberOfMessages=10, AttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            break
        outcome.rounds = attempt + 1
        for start in range(0, len(messages), BATCH):
            batch = messages[start:start + BATCH]
            try:
                response = pipeline_for(attempt).process(world.event(batch))
                failed = {f["itemIdentifier"] for f in response["batchItemFailures"]}
            except Crash:
                outcome.crashes += 1
                failed = {m["MessageId"] for m in batch}  # the whole batch comes back
            for m in batch:
                if m["MessageId"] in failed:  # visible again once the timeout has passed
                    world.sqs.change_message_visibility(
                        QueueUrl=world.queue_url, ReceiptHandle=m["ReceiptHandle"],
                        VisibilityTimeout=0)
                else:
                    world.sqs.delete_message(QueueUrl=world.queue_url,
                                             ReceiptHandle=m["ReceiptHandle"])
    outcome.dead_letters = world.sqs.receive_message(
        QueueUrl=world.dlq_url, MaxNumberOfMessages=10).get("Messages", [])
    return outcome


# -- the faults ------------------------------------------------------------------------------
@dataclass
class Fault:
    """One row of the faults table."""

    name: str
    happens: str  # what the pipeline does about it (the table's second column)
    upload: list[Performance]
    inject: Callable[[World, pytest.MonkeyPatch], Callable[[int], Pipeline]]
    before: list[Performance] = field(default_factory=list)  # stored before the upload
    after_put: Callable[[World], None] = lambda world: None
    notifications: int = 1
    dead_lettered: int = 0
    stored: str = "upload"  # what the table must then hold: the upload's sets, or nothing
    min_rounds: int = 1


def _pipeline(world: World, **store_options: Any) -> Pipeline:
    return Pipeline(world.s3, world.sns, world.store(**store_options), world.topic_arn)


def _clean(world: World, monkeypatch: pytest.MonkeyPatch) -> Callable[[int], Pipeline]:
    return lambda attempt: _pipeline(world)


def _throttle_every_first_attempt(world: World,
                                  monkeypatch: pytest.MonkeyPatch) -> Callable[[int], Pipeline]:
    """Every batch of writes is refused the first time it is sent (a throttled date index)."""
    real = world.dynamodb.batch_write_item
    seen: set[str] = set()

    def first_refused(**kwargs: Any) -> Any:
        fingerprint = json.dumps(kwargs, sort_keys=True)
        if fingerprint not in seen:
            seen.add(fingerprint)
            raise throttled("BatchWriteItem")
        return real(**kwargs)

    monkeypatch.setattr(world.dynamodb, "batch_write_item", first_refused)
    return lambda attempt: _pipeline(world)


def _throttle_first_delivery(world: World,
                             monkeypatch: pytest.MonkeyPatch) -> Callable[[int], Pipeline]:
    """On the first delivery every write is throttled, beyond the store's own retries."""
    real = world.dynamodb.batch_write_item
    state = {"attempt": 0}

    def throttled_then_fine(**kwargs: Any) -> Any:
        if state["attempt"] == 0:
            raise throttled("BatchWriteItem")
        return real(**kwargs)

    monkeypatch.setattr(world.dynamodb, "batch_write_item", throttled_then_fine)

    def pipeline_for(attempt: int) -> Pipeline:
        state["attempt"] = attempt
        return _pipeline(world)

    return pipeline_for


def _crash_mid_batch(world: World, monkeypatch: pytest.MonkeyPatch) -> Callable[[int], Pipeline]:
    """The function dies after 2 of its 5 batches of writes, leaving its date leases behind; SQS
    redelivers after the visibility timeout (by then the leases have expired)."""
    real = world.dynamodb.batch_write_item
    state = {"attempt": 0, "writes": 0}

    def dies_on_the_third(**kwargs: Any) -> Any:
        if state["attempt"] == 0:
            state["writes"] += 1
            if state["writes"] == 3:
                raise Crash
        return real(**kwargs)

    monkeypatch.setattr(world.dynamodb, "batch_write_item", dies_on_the_third)

    def pipeline_for(attempt: int) -> Pipeline:
        state["attempt"] = attempt
        if attempt == 0:
            pipeline = _pipeline(world)
            # A killed process releases nothing: its leases stay until they expire.
            monkeypatch.setattr(pipeline.store, "_release", lambda day, owner: None)
            return pipeline
        later = time.time() + LEASE_SECONDS + 1
        return _pipeline(world, clock=lambda: later)

    return pipeline_for


def _duplicate_event(world: World) -> None:
    """S3 delivers the event twice (at-least-once): the same body is queued again."""
    [message] = [m for m in world.receive() if "s3:TestEvent" not in m["Body"]]
    for _ in range(2):
        world.sqs.send_message(QueueUrl=world.queue_url, MessageBody=message["Body"])
    world.sqs.delete_message(QueueUrl=world.queue_url, ReceiptHandle=message["ReceiptHandle"])


def _object_deleted(world: World) -> None:
    """The key is deleted: a delete marker, the uploaded version still readable."""
    world.s3.delete_object(Bucket=world.bucket, Key=KEY)


def _version_deleted_for_good(world: World) -> None:
    for version in world.s3.list_object_versions(Bucket=world.bucket)["Versions"]:
        world.s3.delete_object(Bucket=world.bucket, Key=version["Key"],
                               VersionId=version["VersionId"])


def _sns_fails_once(world: World, monkeypatch: pytest.MonkeyPatch) -> Callable[[int], Pipeline]:
    real = world.sns.publish
    calls = {"n": 0}

    def down_once(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ClientError({"Error": {"Code": "InternalError", "Message": "SNS is down"},
                               "ResponseMetadata": {"HTTPStatusCode": 500}}, "Publish")
        return real(**kwargs)

    monkeypatch.setattr(world.sns, "publish", down_once)
    return lambda attempt: _pipeline(world)


def _s3_unavailable_always(world: World,
                           monkeypatch: pytest.MonkeyPatch) -> Callable[[int], Pipeline]:
    """A lasting passing fault (S3 answers 503 Slow Down for as long as it lasts): every
    delivery fails and is retried."""

    def slow_down(**kwargs: Any) -> Any:
        raise ClientError({"Error": {"Code": "SlowDown", "Message": "Please reduce your rate"},
                           "ResponseMetadata": {"HTTPStatusCode": 503}}, "GetObject")

    monkeypatch.setattr(world.s3, "get_object", slow_down)
    return lambda attempt: _pipeline(world)


FAULTS = [
    Fault("throttling on every first attempt",
          "each refused batch is retried by the store with jittered backoff; one delivery",
          FIRST, _throttle_every_first_attempt),
    Fault("throttling beyond the store's retries",
          "the message is reported failed and redelivered; the retry writes the rest",
          FIRST, _throttle_first_delivery, min_rounds=2),
    Fault("a crash in the middle of a batch, then redelivery",
          "the record stays pending; the redelivery (after the lease expires) recomputes the "
          "plan from what is stored and writes only what is missing",
          SECOND, _crash_mid_batch, before=FIRST, min_rounds=2),
    Fault("duplicate events",
          "the second delivery finds the finished record: nothing written, not notified again",
          FIRST, _clean, after_put=_duplicate_event),
    Fault("the upload deleted before processing",
          "the bucket is versioned: the uploaded version is read and ingested as uploaded",
          FIRST, _clean, after_put=_object_deleted),
    Fault("the upload's version deleted for good before processing",
          "recorded as failed (nothing to read, with the reason), notified, not retried",
          FIRST, _clean, after_put=_version_deleted_for_good, stored="nothing"),
    Fault("SNS failing",
          "the data is written; the message is retried and the retry only notifies",
          FIRST, _sns_fails_once, min_rounds=2),
    Fault("a lasting fault: dead-letter queue after maxReceiveCount",
          f"received {MAX_RECEIVES} times, then moved to the dead-letter queue (its alarm "
          "notifies); redriven once fixed, it is ingested",
          FIRST, _s3_unavailable_always, notifications=0, dead_lettered=1, stored="nothing",
          min_rounds=MAX_RECEIVES),
]


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with fake_aws(monkeypatch):
        yield World.build()


def _stored(world: World) -> list[Performance]:
    store = world.store()
    return sorted(store.stored_on(sorted({p.date for p in FIRST + SECOND})),
                  key=Performance.chronological)


def _items(world: World) -> int:
    return int(world.dynamodb.scan(TableName=world.table, Select="COUNT")["Count"])


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
def test_fault(fault: Fault, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    if fault.before:
        world.store().apply_lineup(lineup(*fault.before))
    world.receive()  # the s3:TestEvent
    world.put(KEY, _document(fault.upload))
    fault.after_put(world)
    pipeline_for = fault.inject(world, monkeypatch)

    outcome = deliver_until_empty(world, pipeline_for)

    assert outcome.crashes == (1 if fault.inject is _crash_mid_batch else 0)
    expected = sorted(fault.upload if fault.stored == "upload" else fault.before,
                      key=Performance.chronological)
    assert outcome.rounds >= fault.min_rounds
    assert _stored(world) == expected  # records lost: 0
    assert _items(world) == len(expected)  # duplicate (ghost) items: 0
    assert len(world.notifications()) == fault.notifications
    assert len(outcome.dead_letters) == fault.dead_lettered


def test_a_dead_lettered_upload_redriven_after_the_fix_is_ingested_once(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world.receive()
    world.put(KEY, _document(FIRST))
    with monkeypatch.context() as broken:
        dead = deliver_until_empty(world, _s3_unavailable_always(world, broken)).dead_letters
    assert len(dead) == 1 and _items(world) == 0
    # Fixed: the operator redrives the dead letter to the queue.
    world.sqs.send_message(QueueUrl=world.queue_url, MessageBody=dead[0]["Body"])
    world.sqs.delete_message(QueueUrl=world.dlq_url, ReceiptHandle=dead[0]["ReceiptHandle"])
    deliver_until_empty(world, lambda attempt: _pipeline(world))
    assert _stored(world) == sorted(FIRST, key=Performance.chronological)
    assert len(world.notifications()) == 1


def test_a_duplicate_delivery_writes_nothing(world: World) -> None:
    world.receive()
    world.put(KEY, _document(FIRST))
    _duplicate_event(world)
    counter = RequestCounter(world.dynamodb)
    deliver_until_empty(world, lambda attempt: _pipeline(world))
    # Two deliveries of one upload: the first writes ceil(120 / 25) batches, the second none.
    assert counter.writes == 5
