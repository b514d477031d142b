"""Prompt retries: a failed message comes back after a backoff from its receive count, not
after the queue's 30-minute visibility timeout. The schedule itself, a pure function:
tests/test_retry_schedule.py."""

from __future__ import annotations

from typing import Any

import pytest

from lambda_handler.handler import Pipeline, handler
from tests.aws.moto_world import World
from tests.factories import document, record


@pytest.fixture
def retrying(world: World) -> Pipeline:
    from lambda_handler.handler import use

    built = Pipeline(world.s3, world.sns, world.store(), world.topic_arn, sqs=world.sqs,
                     queue_url=world.queue_url)
    use(built)
    return built


def visibility_changes(world: World) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []

    def record_(params: dict[str, Any], **_: Any) -> None:
        seen.append(params)

    world.sqs.meta.events.register(
        "provide-client-params.sqs.ChangeMessageVisibility", record_)
    return seen


def test_a_date_held_by_another_ingestion_comes_back_in_30_seconds(
    world: World, retrying: Pipeline
) -> None:
    world.put("uploads/lineup.json", document(record()))
    event = world.upload_events()
    changes = visibility_changes(world)
    with retrying.store._revision(["2026-07-10"]):  # another ingestion holds the date
        response = handler(event, None)
    [sqs_record] = event["Records"]
    assert response["batchItemFailures"] == [{"itemIdentifier": sqs_record["messageId"]}]
    assert [(c["ReceiptHandle"], c["VisibilityTimeout"]) for c in changes] == [
        (sqs_record["receiptHandle"], 30)]


def test_the_delay_follows_the_receive_count(world: World, retrying: Pipeline) -> None:
    world.put("uploads/lineup.json", document(record()))
    event = world.upload_events()
    event["Records"][0]["attributes"]["ApproximateReceiveCount"] = "4"
    changes = visibility_changes(world)
    with retrying.store._revision(["2026-07-10"]):
        handler(event, None)
    assert [c["VisibilityTimeout"] for c in changes] == [810]


def test_the_retried_message_is_invisible_only_for_its_delay_in_sqs(
    world: World, retrying: Pipeline
) -> None:
    """moto's SQS takes the new visibility: 0 seconds' delay makes it receivable at once."""
    world.put("uploads/lineup.json", document(record()))
    event = world.upload_events()
    retrying_now = Pipeline(world.s3, world.sns, retrying.store, world.topic_arn,
                            sqs=world.sqs, queue_url=world.queue_url)
    import lambda_handler.handler as module

    original = module.retry_delay
    module.retry_delay = lambda count: 0  # type: ignore[assignment]
    try:
        with retrying.store._revision(["2026-07-10"]):
            retrying_now.process(event)
    finally:
        module.retry_delay = original
    again = world.receive()
    assert [m["MessageId"] for m in again] == [event["Records"][0]["messageId"]]
    assert again[0]["Attributes"]["ApproximateReceiveCount"] == "2"


def test_a_succeeded_message_is_not_delayed(world: World, retrying: Pipeline) -> None:
    world.put("uploads/lineup.json", document(record()))
    event = world.upload_events()
    changes = visibility_changes(world)
    assert handler(event, None) == {"batchItemFailures": []}
    assert changes == []


def test_a_failed_visibility_change_still_reports_the_failure(
    world: World, retrying: Pipeline
) -> None:
    """The message then comes back after the queue's own timeout: slower, never lost."""
    world.put("uploads/lineup.json", document(record()))
    event = world.upload_events()
    event["Records"][0]["receiptHandle"] = "expired"
    with retrying.store._revision(["2026-07-10"]):
        assert len(handler(event, None)["batchItemFailures"]) == 1
