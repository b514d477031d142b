"""The Lambda handler end to end in moto: S3 put -> SQS -> handler -> DynamoDB -> SNS."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from festival_cli.core.errors import ConcurrentRevisionError
from festival_cli.core.model import Performance
from festival_cli.core.plan import Plan
from festival_cli.core.upload_contract import (
    MAX_FILE_BYTES,
    MAX_SETS_PER_FILE,
    ingestion_id_for,
    upload_metadata,
)
from lambda_handler.handler import Pipeline, handler
from tests.aws.moto_world import RequestCounter, World
from tests.factories import big_document, document, record

LINEUP = document(
    record(),
    record(performer="Brass Tide", start="20:00", end="21:00", popularity=None),
)
AURORA = Performance("Aurora Fields", "Main", "2026-07-10", "18:00", "19:15", 87)
BRASS = Performance("Brass Tide", "Main", "2026-07-10", "20:00", "21:00", None)


def deliver(world: World, key: str = "uploads/lineup.json", body: bytes = LINEUP,
            metadata: dict[str, str] | None = None) -> dict[str, Any]:
    """Put the object and return the Lambda event made of what SQS then delivers."""
    world.put(key, body, metadata)
    return world.upload_events()


def stored(pipeline: Pipeline, day: str = "2026-07-10") -> list[Performance]:
    return sorted(pipeline.store.stored_on([day]), key=Performance.chronological)


def the_record(pipeline: Pipeline) -> Any:
    (only,) = pipeline.store.recent_ingestions()
    return only


# -- the path ------------------------------------------------------------------------------
def test_a_put_lineup_is_stored(world: World, pipeline: Pipeline) -> None:
    response = handler(deliver(world), None)
    assert response == {"batchItemFailures": []}
    assert stored(pipeline) == [AURORA, BRASS]


def test_the_ingestion_is_recorded_with_its_counts(world: World, pipeline: Pipeline) -> None:
    handler(deliver(world), None)
    record_ = the_record(pipeline)
    assert (record_.state, record_.file, record_.counts) == (
        "succeeded", "lineup.json",
        {"performances": 2, "added": 2, "updated": 0, "removed": 0, "unchanged": 0})


def test_one_notification_says_what_was_ingested(world: World, pipeline: Pipeline) -> None:
    handler(deliver(world), None)
    [(subject, body)] = world.notifications()
    assert subject == "festival: lineup.json ingested (2 added)"
    assert "added: Aurora Fields, Main, 2026-07-10: 18:00–19:15 (popularity 87)" in body


def test_a_revision_notification_shows_a_move_as_old_to_new(
    world: World, pipeline: Pipeline
) -> None:
    handler(deliver(world), None)
    moved = document(record(start="19:00", end="20:15"),
                     record(performer="Brass Tide", start="20:00", end="21:00", popularity=None))
    handler(deliver(world, body=moved), None)
    subject, body = world.notifications()[-1]
    assert subject == "festival: lineup.json ingested (1 added, 1 removed, 1 unchanged)"
    assert "moved: Aurora Fields, Main, 2026-07-10: 18:00–19:15 (popularity 87) → " \
           "19:00–20:15 (popularity 87)" in body


def test_the_event_lambda_receives_is_what_sqs_delivered(world: World) -> None:
    event = deliver(world)
    [sqs_record] = event["Records"]
    s3_event = json.loads(sqs_record["body"])
    assert (sqs_record["eventSource"], s3_event["Records"][0]["s3"]["object"]["key"]) == (
        "aws:sqs", "uploads%2Flineup.json")  # URL-encoded, as S3 sends it


# -- what is not a lineup ------------------------------------------------------------------
def test_the_s3_test_event_is_ignored(world: World, pipeline: Pipeline) -> None:
    messages = world.receive()  # only the s3:TestEvent of the notification configuration
    assert [json.loads(m["Body"])["Event"] for m in messages] == ["s3:TestEvent"]
    assert handler(world.event(messages), None) == {"batchItemFailures": []}
    assert (pipeline.store.recent_ingestions(), world.notifications()) == ([], [])


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '{"hello": "world"}',
                                  '{"Records": [{"eventName": "ObjectCreated:Put"}]}'])
def test_a_body_that_is_not_an_s3_event_is_dropped_not_retried(
    world: World, pipeline: Pipeline, body: str, caplog: pytest.LogCaptureFixture
) -> None:
    world.sqs.send_message(QueueUrl=world.queue_url, MessageBody=body)
    messages = [m for m in world.receive() if m["Body"] == body]
    with caplog.at_level(logging.INFO, logger="festival.pipeline"):
        assert handler(world.event(messages), None) == {"batchItemFailures": []}
    assert json.loads(caplog.records[-1].getMessage())["outcome"] == "not-an-s3-event"
    assert world.notifications() == []


def test_an_object_outside_the_upload_prefix_is_ignored(world: World, pipeline: Pipeline) -> None:
    world.put("elsewhere/lineup.json", LINEUP)
    body = json.dumps({"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
                                    "s3": {"bucket": {"name": world.bucket},
                                           "object": {"key": "elsewhere/lineup.json"}}}]})
    world.sqs.send_message(QueueUrl=world.queue_url, MessageBody=body)
    messages = [m for m in world.receive() if m["Body"] == body]
    assert handler(world.event(messages), None) == {"batchItemFailures": []}
    assert pipeline.store.recent_ingestions() == []


@pytest.mark.parametrize("name", ["my lineup é.json", "a+b (1).json", "фестиваль 2026.json"])
def test_keys_with_spaces_and_non_ascii_characters_are_decoded(
    world: World, pipeline: Pipeline, name: str
) -> None:
    handler(deliver(world, key=f"uploads/{name}"), None)
    assert (the_record(pipeline).file, stored(pipeline)) == (name, [AURORA, BRASS])
    [(subject, _body)] = world.notifications()
    assert subject.isascii() and subject.endswith("ingested (2 added)")


# -- at-least-once delivery ----------------------------------------------------------------
def test_a_duplicate_delivery_records_once_and_notifies_once(
    world: World, pipeline: Pipeline
) -> None:
    event = deliver(world)
    handler(event, None)
    assert handler(event, None) == {"batchItemFailures": []}
    assert (len(pipeline.store.recent_ingestions()), len(world.notifications())) == (1, 1)


def test_a_duplicate_in_the_same_batch_writes_nothing_twice(
    world: World, pipeline: Pipeline
) -> None:
    event = deliver(world)
    twice = {"Records": event["Records"] * 2}
    counter = RequestCounter(world.dynamodb)
    handler(twice, None)
    assert (counter.writes, len(world.notifications())) == (1, 1)


def test_a_multipart_upload_sends_two_events_and_is_ingested_once(
    world: World, pipeline: Pipeline
) -> None:
    padded = LINEUP[:-1] + b" " * (6 * 1024 * 1024) + LINEUP[-1:]  # past the 5 MB part size
    world.s3.upload_fileobj(io.BytesIO(padded), world.bucket, "uploads/big.json",
                            Config=TransferConfig(multipart_threshold=5 * 1024 * 1024))
    event = world.upload_events()
    names = sorted(json.loads(r["body"])["Records"][0]["eventName"] for r in event["Records"])
    handler(event, None)
    assert names == ["ObjectCreated:CompleteMultipartUpload", "ObjectCreated:Put"]
    assert (len(pipeline.store.recent_ingestions()), len(world.notifications())) == (1, 1)


def test_the_same_bytes_uploaded_again_are_a_new_ingestion_that_writes_nothing(
    world: World, pipeline: Pipeline
) -> None:
    handler(deliver(world, metadata=upload_metadata("token-1", merge=False)), None)
    counter = RequestCounter(world.dynamodb)
    handler(deliver(world, metadata=upload_metadata("token-2", merge=False)), None)
    latest = pipeline.store.recent_ingestions()[0]
    assert (counter.writes, latest.counts["unchanged"], len(world.notifications())) == (0, 2, 2)


# -- invalid files -------------------------------------------------------------------------
BAD = document(record(start="25:00"), record(performer="", start="20:00", end="21:00"))


def test_an_invalid_file_is_rejected_recorded_and_not_retried(
    world: World, pipeline: Pipeline
) -> None:
    assert handler(deliver(world, key="uploads/bad.json", body=BAD), None) == {
        "batchItemFailures": []}
    assert (the_record(pipeline).state, stored(pipeline)) == ("rejected", [])


def test_the_rejection_notice_lists_every_problem_with_its_place(
    world: World, pipeline: Pipeline
) -> None:
    handler(deliver(world, key="uploads/bad.json", body=BAD), None)
    [(subject, body)] = world.notifications()
    assert subject == "festival: bad.json rejected (2 problems)"
    problems = [line.strip() for line in body.splitlines() if line.startswith("  bad.json:")]
    assert len(problems) == 2
    assert problems[0].startswith("bad.json:") and "performances[0].start" in problems[0]


def test_a_file_over_the_pipeline_limit_is_rejected_before_anything_is_written(
    world: World, pipeline: Pipeline
) -> None:
    too_big = big_document(MAX_SETS_PER_FILE + 1)
    assert handler(deliver(world, key="uploads/big.json", body=too_big), None) == {
        "batchItemFailures": []}
    assert (the_record(pipeline).state, pipeline.store.count()) == ("rejected", 0)
    [(subject, body)] = world.notifications()
    assert subject == "festival: big.json rejected (1 problem)"
    assert "big.json: performances: 10,001 sets; the pipeline accepts at most 10,000" in body


def test_a_file_over_the_pipeline_byte_limit_is_rejected_unparsed(
    world: World, pipeline: Pipeline
) -> None:
    padded = LINEUP[:-1] + b" " * (MAX_FILE_BYTES - len(LINEUP) + 1) + b"}"
    assert handler(deliver(world, key="uploads/big.json", body=padded), None) == {
        "batchItemFailures": []}
    assert (the_record(pipeline).state, pipeline.store.count()) == ("rejected", 0)
    [(subject, body)] = world.notifications()
    assert subject == "festival: big.json rejected (1 problem)"
    assert f"big.json: {MAX_FILE_BYTES + 1:,} bytes; the pipeline accepts files of at most" in body


def test_a_rejected_file_delivered_again_is_not_notified_again(
    world: World, pipeline: Pipeline
) -> None:
    event = deliver(world, key="uploads/bad.json", body=BAD)
    handler(event, None)
    handler(event, None)
    assert len(world.notifications()) == 1


# -- transient and permanent failures ------------------------------------------------------
def unprocessed_first(world: World, times: int) -> dict[str, int]:
    """Make BatchWriteItem give everything back `times` times, then work."""
    real = world.dynamodb.batch_write_item
    calls = {"n": 0}

    def flaky(**kwargs: Any) -> dict[str, Any]:
        calls["n"] += 1
        if calls["n"] <= times:
            return {"UnprocessedItems": kwargs["RequestItems"]}
        return real(**kwargs)

    world.dynamodb.batch_write_item = flaky
    return calls


def test_throttled_writes_are_retried_with_nothing_lost(world: World, pipeline: Pipeline) -> None:
    calls = unprocessed_first(world, 3)
    handler(deliver(world, body=big_document(60)), None)
    assert (calls["n"], pipeline.store.count()) == (3 + 3, 60)


def test_lasting_throttling_fails_only_that_message(world: World, pipeline: Pipeline) -> None:
    world.put("uploads/other.json", document(record(date="2026-07-12")))
    event = deliver(world)
    unprocessed_first(world, 1000)
    response = handler(event, None)
    ids = [r["messageId"] for r in event["Records"]]
    assert len(ids) == 2 and len(response["batchItemFailures"]) == 2  # neither could write
    assert world.notifications() == []


def test_a_throttled_ingestion_stays_pending_and_its_retry_succeeds(
    world: World, pipeline: Pipeline
) -> None:
    event = deliver(world)
    real = world.dynamodb.batch_write_item
    unprocessed_first(world, 1000)
    assert handler(event, None)["batchItemFailures"] == [
        {"itemIdentifier": event["Records"][0]["messageId"]}]
    assert the_record(pipeline).state == "pending"
    world.dynamodb.batch_write_item = real
    assert handler(event, None) == {"batchItemFailures": []}
    assert (the_record(pipeline).state, len(world.notifications())) == ("succeeded", 1)


# -- deleted uploads (the bucket is versioned, as the template makes it) -------------------
def test_an_upload_deleted_before_it_is_ingested_is_still_ingested(
    world: World, pipeline: Pipeline
) -> None:
    """Deleting the key leaves a delete marker: the uploaded version is read and ingested."""
    event = deliver(world)
    world.s3.delete_object(Bucket=world.bucket, Key="uploads/lineup.json")
    assert handler(event, None) == {"batchItemFailures": []}
    assert (the_record(pipeline).state, stored(pipeline)) == ("succeeded", [AURORA, BRASS])


def test_a_version_deleted_for_good_fails_with_its_reason_and_is_not_retried(
    world: World, pipeline: Pipeline
) -> None:
    version = world.put("uploads/lineup.json", LINEUP)["VersionId"]
    event = world.upload_events()
    world.s3.delete_object(Bucket=world.bucket, Key="uploads/lineup.json", VersionId=version)
    assert handler(event, None) == {"batchItemFailures": []}
    record_ = the_record(pipeline)
    assert record_.state == "failed" and "no longer exists" in record_.errors[0]
    assert "nothing was written" in record_.errors[0]
    assert [subject for subject, _ in world.notifications()] == ["festival: lineup.json failed"]
    assert handler(event, None) == {"batchItemFailures": []}  # redelivered: a duplicate
    assert len(world.notifications()) == 1


def refuse(world: World, operations: tuple[str, ...] = ("get_object", "head_object")) -> None:
    """S3 answering 403, as it does for a version gone for good to a reader without
    ListBucket (or when a bucket or key policy denies)."""
    def forbidden(**_: Any) -> Any:
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "Access Denied"},
                           "ResponseMetadata": {"HTTPStatusCode": 403}}, "GetObject")

    for name in operations:
        setattr(world.s3, name, forbidden)


def test_a_version_s3_refuses_to_show_fails_with_its_reason_not_a_retry_loop(
    world: World, pipeline: Pipeline
) -> None:
    event = deliver(world)
    refuse(world)
    assert handler(event, None) == {"batchItemFailures": []}
    record_ = the_record(pipeline)
    assert record_.state == "failed"
    assert "S3 refused to let the function read" in record_.errors[0]
    assert "AccessDenied" in record_.errors[0]
    assert [subject for subject, _ in world.notifications()] == ["festival: lineup.json failed"]


def test_a_throttled_read_is_retried(world: World, pipeline: Pipeline) -> None:
    event = deliver(world)

    def slow_down(**_: Any) -> Any:
        raise ClientError({"Error": {"Code": "SlowDown", "Message": "Please reduce"},
                           "ResponseMetadata": {"HTTPStatusCode": 503}}, "GetObject")

    world.s3.get_object = slow_down
    assert len(handler(event, None)["batchItemFailures"]) == 1
    assert world.notifications() == []


def test_a_failed_publish_retries_the_message_and_notifies_once_on_the_retry(
    world: World, pipeline: Pipeline
) -> None:
    event = deliver(world)
    real = world.sns.publish

    def down(**kwargs: Any) -> Any:
        raise ClientError({"Error": {"Code": "InternalError", "Message": "down"},
                           "ResponseMetadata": {"HTTPStatusCode": 500}}, "Publish")

    world.sns.publish = down
    assert len(handler(event, None)["batchItemFailures"]) == 1
    assert (the_record(pipeline).state, stored(pipeline)) == ("succeeded", [AURORA, BRASS])
    world.sns.publish = real
    counter = RequestCounter(world.dynamodb)
    assert handler(event, None) == {"batchItemFailures": []}
    assert (len(world.notifications()), counter.writes) == (1, 0)


def test_a_crash_after_publishing_is_not_notified_twice(world: World, pipeline: Pipeline) -> None:
    event = deliver(world)
    handler(event, None)
    pipeline.once.release(the_record(pipeline).id)  # no effect once notified
    handler(event, None)
    assert len(world.notifications()) == 1


# -- revisions and merge -------------------------------------------------------------------
def test_a_file_without_merge_metadata_replaces_the_dates_it_lists(
    world: World, pipeline: Pipeline
) -> None:
    handler(deliver(world), None)
    handler(deliver(world, body=document(record())), None)
    assert stored(pipeline) == [AURORA]


def test_merge_metadata_adds_and_updates_only(world: World, pipeline: Pipeline) -> None:
    handler(deliver(world), None)
    changed = document(record(popularity=10))
    handler(deliver(world, body=changed, metadata=upload_metadata("t", merge=True)), None)
    assert stored(pipeline) == [
        Performance("Aurora Fields", "Main", "2026-07-10", "18:00", "19:15", 10), BRASS]
    assert pipeline.store.recent_ingestions()[0].merge is True


@pytest.mark.parametrize(("n", "requests"), [(1, 1), (25, 1), (26, 2), (130, 6)])
def test_ingesting_n_records_issues_ceil_n_over_25_batch_writes(
    world: World, pipeline: Pipeline, n: int, requests: int
) -> None:
    event = deliver(world, body=big_document(n))
    counter = RequestCounter(world.dynamodb)
    handler(event, None)
    assert counter.writes == requests
    assert "Scan" not in counter.calls


def test_two_revisions_of_the_same_date_at_once_leave_exactly_one(
    world: World, pipeline: Pipeline
) -> None:
    """File B arrives while file A is being written: B is refused, retried after, and wins."""
    first = document(record(), record(performer="Brass Tide", start="20:00", end="21:00"))
    second = document(record(performer="Cold Harbour", start="18:30", end="19:30"))
    a_event = deliver(world, key="uploads/a.json", body=first)
    b_event = deliver(world, key="uploads/b.json", body=second)
    real_apply = pipeline.store._apply
    b_responses = []

    def apply_while_b_arrives(plan: Plan, progress: Any = None, meanwhile: Any = None) -> None:
        b_responses.append(handler(b_event, None))  # B runs in the middle of A's write
        real_apply(plan, progress, meanwhile)

    pipeline.store._apply = apply_while_b_arrives  # type: ignore[method-assign]
    handler(a_event, None)
    pipeline.store._apply = real_apply  # type: ignore[method-assign]
    assert len(b_responses[0]["batchItemFailures"]) == 1  # refused: retried by SQS
    assert handler(b_event, None) == {"batchItemFailures": []}
    assert [p.performer for p in stored(pipeline)] == ["Cold Harbour"]
    assert [r.state for r in pipeline.store.recent_ingestions()] == ["succeeded", "succeeded"]


def test_a_refused_revision_says_why_in_its_log_line(
    world: World, pipeline: Pipeline, caplog: pytest.LogCaptureFixture
) -> None:
    event = deliver(world)
    with pipeline.store._revision(["2026-07-10"]), caplog.at_level(logging.INFO):
        handler(event, None)
    line = json.loads(caplog.records[-1].getMessage())
    assert line["outcome"] == "retry"
    assert str(ConcurrentRevisionError.__name__) not in line["error"]
    assert "being revised by another ingestion" in line["error"]


# -- log lines and set-up ------------------------------------------------------------------
def test_one_json_log_line_per_file(
    world: World, pipeline: Pipeline, caplog: pytest.LogCaptureFixture
) -> None:
    event = deliver(world)
    with caplog.at_level(logging.INFO, logger="festival.pipeline"):
        handler(event, None)
    lines = [json.loads(r.getMessage()) for r in caplog.records
             if r.name == "festival.pipeline"]
    assert len(lines) == 1
    assert {k: lines[0][k] for k in ("key", "records", "outcome")} == {
        "key": "uploads/lineup.json", "records": 2, "outcome": "succeeded"}
    assert lines[0]["duration_ms"] >= 0


def test_the_ingestion_id_is_the_same_for_every_delivery_of_an_upload(world: World) -> None:
    assert ingestion_id_for("b", "uploads/x.json", '"abc"') == ingestion_id_for(
        "b", "uploads/x.json", "abc")
    assert ingestion_id_for("b", "uploads/x.json", "abc") != ingestion_id_for(
        "b", "uploads/y.json", "abc")


def test_the_handler_builds_its_clients_from_the_environment_on_first_call(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import lambda_handler.handler as module

    module.use(None)
    monkeypatch.setenv("FESTIVAL_TABLE", world.table)
    monkeypatch.setenv("FESTIVAL_INGESTIONS_TABLE", world.ingestions_table)
    monkeypatch.setenv("FESTIVAL_TOPIC_ARN", world.topic_arn)
    monkeypatch.setenv("FESTIVAL_QUEUE_URL", world.queue_url)
    try:
        assert module.handler(deliver(world), None) == {"batchItemFailures": []}
        assert module._pipeline is not None
    finally:
        module.use(None)
    assert len(world.notifications()) == 1


def test_a_missing_setting_is_named(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    import lambda_handler.handler as module

    module.use(None)
    monkeypatch.delenv("FESTIVAL_TABLE", raising=False)
    with pytest.raises(RuntimeError, match="FESTIVAL_TABLE is not set"):
        module.handler({"Records": []}, None)


def test_an_unexpected_error_is_recorded_notified_and_not_retried(
    world: World, pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(data: bytes, source: str, **options: Any) -> Any:
        raise ValueError("a bug")

    monkeypatch.setattr("festival_cli.core.ingest.checked_lineup", broken)
    assert handler(deliver(world), None) == {"batchItemFailures": []}
    record_ = the_record(pipeline)
    assert record_.state == "failed" and "ValueError: a bug" in record_.errors[0]
    assert [subject for subject, _ in world.notifications()] == ["festival: lineup.json failed"]


def test_in_a_versioned_bucket_each_event_reads_its_own_version(
    world: World, pipeline: Pipeline
) -> None:
    world.s3.put_bucket_versioning(Bucket=world.bucket,
                                   VersioningConfiguration={"Status": "Enabled"})
    versions = [world.put("uploads/lineup.json", LINEUP)["VersionId"],
                world.put("uploads/lineup.json", document(record()))["VersionId"]]
    event = world.upload_events()
    for sqs_record, version in zip(event["Records"], versions, strict=True):
        # moto leaves out the versionId that S3 puts in the events of a versioned bucket
        body = json.loads(sqs_record["body"])
        body["Records"][0]["s3"]["object"]["versionId"] = version
        sqs_record["body"] = json.dumps(body)
    handler(event, None)
    counts = [r.counts for r in reversed(pipeline.store.recent_ingestions())]
    assert [(c["added"], c["removed"]) for c in counts] == [(2, 0), (0, 1)]
    assert stored(pipeline) == [AURORA]


def test_the_notification_counts_every_change_of_a_long_revision(
    world: World, pipeline: Pipeline
) -> None:
    """The record keeps 50 change lines and the true total (120) as a number."""
    handler(deliver(world, body=big_document(120)), None)
    [(_subject, body)] = world.notifications()
    record_ = the_record(pipeline)
    assert (len(record_.changes), record_.total("changes")) == (50, 120)
    assert "Changes (120):" in body and "  … and 70 more" in body
