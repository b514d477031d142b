"""Prompt retries: a failed message comes back after a backoff from its receive count, not
after the queue's 30-minute visibility timeout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import cfn_yaml

from festival_cli.core.upload_contract import (
    MAX_RECEIVES,
    RETRY_CAP_SECONDS,
    UPLOAD_WAIT_SECONDS,
    retry_delay,
)
from lambda_handler.handler import Pipeline, handler
from tests.aws.moto_world import World
from tests.factories import document, record

TEMPLATE = cfn_yaml.load(str(Path(__file__).resolve().parents[2] / "cloudformation"
                             / "template.yaml"))
QUEUE = TEMPLATE["Resources"]["IngestQueue"]["Properties"]


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


def test_the_delays_grow_from_seconds_to_a_cap() -> None:
    assert [retry_delay(n) for n in range(1, 8)] == [30, 90, 270, 810, 900, 900, 900]


def test_five_receives_end_in_the_dead_letter_queue_within_an_hour() -> None:
    """Before: five visibility timeouts of 30 minutes, 2.5 hours."""
    assert QUEUE["RedrivePolicy"]["maxReceiveCount"] == MAX_RECEIVES
    waited = sum(retry_delay(n) for n in range(1, MAX_RECEIVES + 1))
    assert waited <= 3600 < MAX_RECEIVES * QUEUE["VisibilityTimeout"]
    assert QUEUE["VisibilityTimeout"] > RETRY_CAP_SECONDS


def test_festival_upload_waits_long_enough_for_a_typical_retry() -> None:
    """A date held by another ingestion: the first two retries, and a run of each (the batch
    window and a file's writes, well under a minute)."""
    run = 60
    assert retry_delay(1) + retry_delay(2) + 3 * run <= UPLOAD_WAIT_SECONDS


def test_the_cli_waits_that_long_by_default() -> None:
    import inspect

    from festival_cli.cli.commands import upload

    default = inspect.signature(upload.command).parameters["timeout"].default
    assert default == UPLOAD_WAIT_SECONDS


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
