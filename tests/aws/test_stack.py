"""StackTarget and AwsSession against moto: outputs, upload (wait / no-wait / timeout), status."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber

from festival_cli.aws.session import AwsSession
from festival_cli.core.errors import (
    IngestionFailed,
    LineupError,
    NotFoundError,
    StackError,
    StoreError,
)
from festival_cli.core.records import Ingestion
from festival_cli.core.upload_contract import (
    MAX_FILE_BYTES,
    MAX_SETS_PER_FILE,
    MERGE_METADATA,
    TOKEN_METADATA,
    ingestion_id_for,
)
from festival_cli.targets.stack import StackTarget, object_name
from lambda_handler.handler import Pipeline, handler
from tests.aws.moto_world import World, create_stack
from tests.factories import big_document, document, record

LINEUP = document(record(), record(performer="Brass Tide", start="20:00", end="21:00"))


class FakeTime:
    """A clock that moves only when slept on; each sleep may run the pipeline meanwhile."""

    def __init__(self, during_sleep: Any = None) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self.during_sleep = during_sleep

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        if self.during_sleep is not None:
            self.during_sleep()


def target(world: World, time: FakeTime | None = None, **omit: Any) -> StackTarget:
    time = time or FakeTime()
    return StackTarget.from_stack_name(create_stack(world), poll_seconds=2.0,
                                       sleep=time.sleep, clock=time.clock)


def run_function(world: World) -> None:
    """What the deployed function does meanwhile: handle what SQS delivers, delete what is done."""
    messages = world.receive()
    failed = {f["itemIdentifier"] for f in handler(world.event(messages), None)[
        "batchItemFailures"]}
    for message in messages:
        if message["MessageId"] not in failed:
            world.sqs.delete_message(QueueUrl=world.queue_url,
                                     ReceiptHandle=message["ReceiptHandle"])


# -- finding the stack ---------------------------------------------------------------------
def test_the_outputs_name_the_resources(world: World) -> None:
    found = target(world)
    assert (found.outputs.BucketName, found.outputs.TopicArn, found.description) == (
        world.bucket, world.topic_arn, "stack festival-test (eu-west-1)")


def test_a_missing_stack_is_a_clear_error(world: World) -> None:
    with pytest.raises(StackError, match="stack 'nope' does not exist in eu-west-1: deploy it"):
        StackTarget.from_stack_name("nope")


def test_a_missing_output_is_named(world: World) -> None:
    name = create_stack(world, omit=("QueueUrl", "TopicArn"))
    with pytest.raises(StackError, match="has no output QueueUrl, TopicArn: it was not deployed"):
        StackTarget.from_stack_name(name)


def test_no_region_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(StackError, match="no AWS region is configured"):
        StackTarget.from_stack_name("festival")


def test_aws_endpoint_url_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localhost:5000")
    assert AwsSession().client("s3").meta.endpoint_url == "http://localhost:5000"


def test_an_unknown_profile_is_a_clear_error(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Any) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(StackError, match=r"ghost.*check AWS_PROFILE"):
        AwsSession(profile="ghost").client("s3")


# -- upload --------------------------------------------------------------------------------
def test_an_upload_without_waiting_returns_the_id_at_once(world: World, pipeline: Pipeline) -> None:
    result = target(world).upload(LINEUP, "examples/lineup.json", wait=False)
    assert (result.waited, result.record.state, result.record.file) == (
        False, "pending", "lineup.json")
    run_function(world)
    done = pipeline.store.get_ingestion(result.record.id)
    assert done is not None and done.state == "succeeded"


def test_an_upload_puts_the_file_under_the_upload_prefix(world: World) -> None:
    target(world).upload(LINEUP, "examples/lineup.json", wait=False, merge=True)
    head = world.s3.head_object(Bucket=world.bucket, Key="uploads/lineup.json")
    assert head["Metadata"][MERGE_METADATA] == "true"


def test_an_upload_waits_for_the_ingestion_to_succeed(world: World, pipeline: Pipeline) -> None:
    time = FakeTime(during_sleep=lambda: run_function(world))
    result = target(world, time).upload(LINEUP, "lineup.json")
    assert (result.record.state, result.record.counts["added"], time.sleeps) == (
        "succeeded", 2, [2.0])
    assert len(pipeline.store.stored_on(["2026-07-10"])) == 2


def test_a_merge_upload_is_ingested_as_a_merge(world: World, pipeline: Pipeline) -> None:
    time = FakeTime(during_sleep=lambda: run_function(world))
    stack = target(world, time)
    stack.upload(LINEUP, "lineup.json")
    result = stack.upload(document(record(popularity=3)), "lineup.json", merge=True)
    assert (result.record.merge, result.record.counts["removed"]) == (True, 0)
    assert len(pipeline.store.stored_on(["2026-07-10"])) == 2


def test_an_invalid_file_is_never_sent(world: World) -> None:
    with pytest.raises(LineupError, match=r"bad\.json: 1 problem"):
        target(world).upload(document(record(start="25:00")), "bad.json")
    assert "Contents" not in world.s3.list_objects_v2(Bucket=world.bucket)


def test_a_file_over_the_pipeline_limit_is_never_sent(world: World) -> None:
    with pytest.raises(LineupError) as raised:
        target(world).upload(big_document(MAX_SETS_PER_FILE + 1), "big.json")
    assert [p.rule for p in raised.value.problems] == ["too-many-sets"]
    assert "Contents" not in world.s3.list_objects_v2(Bucket=world.bucket)


def test_a_file_over_the_pipeline_byte_limit_is_never_sent(world: World) -> None:
    with pytest.raises(LineupError) as raised:
        target(world).upload(b" " * (MAX_FILE_BYTES + 1), "big.json")
    assert [p.rule for p in raised.value.problems] == ["file-too-large"]
    assert "Contents" not in world.s3.list_objects_v2(Bucket=world.bucket)


def test_an_upload_the_pipeline_rejects_raises_with_its_errors(world: World) -> None:
    stack = target(world)

    def pipeline_rejects() -> None:  # the record the function writes for a rejected file
        key = "uploads/lineup.json"
        token = world.s3.head_object(Bucket=world.bucket, Key=key)["Metadata"][TOKEN_METADATA]
        rejected = Ingestion(id=ingestion_id_for(world.bucket, key, token), file="lineup.json")
        stack.store.save_ingestion(rejected.finish("rejected", errors=["lineup.json:1:1: bad"]))

    stack.sleep = lambda _seconds: pipeline_rejects()
    with pytest.raises(IngestionFailed, match=r"lineup.json was rejected by the pipeline "
                       r"\(ingestion \w+\); nothing was written\n  lineup.json:1:1: bad"):
        stack.upload(LINEUP, "lineup.json")


def test_an_upload_that_fails_in_the_pipeline_raises(world: World, pipeline: Pipeline) -> None:
    def refused(plan: Any, progress: Any = None, meanwhile: Any = None) -> None:
        raise StoreError("DynamoDB could not write a batch of sets (ValidationException: x)")

    pipeline.store._apply = refused  # type: ignore[method-assign]
    time = FakeTime(during_sleep=lambda: run_function(world))
    with pytest.raises(IngestionFailed, match=r"lineup.json failed in the pipeline "
                       r"\(ingestion \w+\); upload it again .*\n  DynamoDB could"):
        target(world, time).upload(LINEUP, "lineup.json")


def test_an_upload_the_function_cannot_read_fails_at_once_not_at_the_timeout(
    world: World, pipeline: Pipeline
) -> None:
    """Its metadata (the upload token) unreadable, the function records under the version id;
    festival upload follows that id too."""
    def delete_for_good_then_run() -> None:
        for version in world.s3.list_object_versions(Bucket=world.bucket)["Versions"]:
            world.s3.delete_object(Bucket=world.bucket, Key=version["Key"],
                                   VersionId=version["VersionId"])
        run_function(world)

    time = FakeTime(during_sleep=delete_for_good_then_run)
    with pytest.raises(IngestionFailed, match=r"lineup.json failed in the pipeline .*\n"
                       r"  lineup.json: the object .* no longer exists \(NoSuchVersion\)"):
        target(world, time).upload(LINEUP, "lineup.json", timeout=60)
    assert sum(time.sleeps) == 2.0


def test_an_upload_that_does_not_finish_in_time_says_how_to_follow_it(world: World) -> None:
    time = FakeTime()
    stack = target(world, time)
    with pytest.raises(IngestionFailed) as caught:
        stack.upload(LINEUP, "lineup.json", timeout=5)
    assert str(caught.value).startswith("lineup.json: not finished after 5 s; it may still be "
                                        "running: festival status ")
    assert (sum(time.sleeps), time.sleeps) == (5.0, [2.0, 2.0, 1.0])


@pytest.mark.parametrize(("source", "name"), [
    ("examples/lineup.json", "lineup.json"),
    ("Lineup.JSON", "Lineup.json"),
    ("lineup.txt", "lineup.txt.json"),
    ("-", "lineup.json"),
    ("my lineup é.json", "my lineup é.json"),
])
def test_the_object_name_always_ends_in_json(source: str, name: str) -> None:
    assert object_name(source) == name


# -- status --------------------------------------------------------------------------------
def test_status_shows_recent_ingestions_and_the_stack_health(
    world: World, pipeline: Pipeline
) -> None:
    stack = target(world)
    stack.upload(LINEUP, "lineup.json", wait=False)
    run_function(world)
    world.sqs.send_message(QueueUrl=world.queue_url, MessageBody="waiting")
    world.sqs.send_message(QueueUrl=world.dlq_url, MessageBody="dead")
    report = stack.status()
    assert ([r.state for r in report.ingestions], report.queue_depth,
            report.dead_letter_depth, report.item_count, report.subscriptions_pending) == (
        ["succeeded"], 1, 1, 2, [])


def test_status_of_one_ingestion(world: World, pipeline: Pipeline) -> None:
    stack = target(world)
    result = stack.upload(LINEUP, "lineup.json", wait=False)
    run_function(world)
    assert [r.id for r in stack.status(result.record.id).ingestions] == [result.record.id]


def test_status_of_an_unknown_id_is_not_found(world: World) -> None:
    with pytest.raises(NotFoundError, match="no ingestion with id 'nope' in stack festival-test"):
        target(world).status("nope")


def test_status_names_subscriptions_awaiting_confirmation(world: World) -> None:
    stack = target(world)
    sns = stack.aws.client("sns")
    with Stubber(sns) as stub:
        stub.add_response("list_subscriptions_by_topic", {
            "Subscriptions": [{"SubscriptionArn": "PendingConfirmation", "Protocol": "email",
                               "Endpoint": "ops@example.org", "TopicArn": world.topic_arn}],
            "NextToken": "page2"}, {"TopicArn": world.topic_arn})
        stub.add_response("list_subscriptions_by_topic", {
            "Subscriptions": [{"SubscriptionArn": world.topic_arn + ":1", "Protocol": "email",
                               "Endpoint": "done@example.org", "TopicArn": world.topic_arn}]},
            {"TopicArn": world.topic_arn, "NextToken": "page2"})
        report = stack.status()
    assert report.subscriptions_pending == ["ops@example.org"]


def test_a_confirmed_subscription_is_not_pending(world: World) -> None:
    world.sns.subscribe(TopicArn=world.topic_arn, Protocol="email", Endpoint="a@example.org")
    assert target(world).status().subscriptions_pending == []


def test_a_failing_aws_call_in_status_is_a_stack_error(world: World) -> None:
    stack = target(world)
    world.sqs.delete_queue(QueueUrl=world.dlq_url)
    with pytest.raises(StackError, match="sqs get_queue_attributes failed"):
        stack.status()


def _alarm(name: str, state: str, description: str = "An upload event has waited.") -> None:
    import boto3

    cloudwatch = boto3.client("cloudwatch", region_name="eu-west-1")
    cloudwatch.put_metric_alarm(
        AlarmName=name, AlarmDescription=description, Namespace="AWS/SQS",
        MetricName="ApproximateAgeOfOldestMessage", Statistic="Maximum", Period=300,
        EvaluationPeriods=1, Threshold=900, ComparisonOperator="GreaterThanOrEqualToThreshold")
    cloudwatch.set_alarm_state(AlarmName=name, StateValue=state, StateReason="test")


def test_status_shows_the_stacks_firing_alarms_only(world: World) -> None:
    stack = target(world)
    _alarm("festival-test-queue-age", "ALARM", "An upload event has waited 15 minutes.")
    _alarm("festival-test-function-errors", "OK")
    _alarm("other-stack-queue-age", "ALARM")
    firing = stack.status().alarms_firing
    assert [(name, reason) for name, reason, _since in firing or []] == [
        ("festival-test-queue-age", "An upload event has waited 15 minutes.")]


def test_firing_alarms_are_read_from_every_page_and_a_failed_page_is_a_stack_error(
    world: World,
) -> None:
    from datetime import UTC, datetime

    stack = target(world)
    asked = {"AlarmNamePrefix": "festival-test-", "StateValue": "ALARM"}
    since = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)

    def alarm(name: str) -> dict[str, Any]:
        return {"AlarmName": name, "StateValue": "ALARM", "AlarmDescription": name,
                "StateUpdatedTimestamp": since}

    with Stubber(stack.aws.client("cloudwatch")) as stub:
        stub.add_response("describe_alarms", {"MetricAlarms": [alarm("festival-test-a")],
                                              "NextToken": "p2"}, asked)
        stub.add_response("describe_alarms", {"MetricAlarms": [alarm("festival-test-b")]},
                          {**asked, "NextToken": "p2"})
        assert [name for name, _, _ in stack.alarms_firing()] == [
            "festival-test-a", "festival-test-b"]
        stub.add_response("describe_alarms", {"MetricAlarms": [], "NextToken": "p2"}, asked)
        stub.add_client_error("describe_alarms", "Throttling", http_status_code=400)
        with pytest.raises(StackError, match="cloudwatch describe_alarms failed"):
            stack.alarms_firing()


def test_status_shows_no_alarm_when_none_fires(world: World) -> None:
    _alarm("festival-test-queue-age", "OK")
    assert target(world).status().alarms_firing == []


def test_festival_status_prints_a_firing_alarm(world: World, cli: Any) -> None:
    create_stack(world)
    _alarm("festival-test-dead-letters", "ALARM", "An upload event failed 5 times.")
    result = cli("status", "--stack", "festival-test")
    assert result.exit_code == 0, result.stderr
    assert "ALARM festival-test-dead-letters (since " in result.stdout
    assert "An upload event failed 5 times." in result.stdout


# -- festival retry: a dead-lettered upload ingested again under the queue policy ------------
def dead_letter(world: World) -> str:
    """Put a lineup and park its event in the dead-letter queue (as after 5 failed receives);
    the id of its ingestion."""
    from festival_cli.core.upload_contract import upload_metadata

    world.put("uploads/lineup.json", LINEUP, upload_metadata("tok", merge=False))
    [message] = [m for m in world.receive() if "s3:TestEvent" not in m["Body"]]
    world.sqs.send_message(QueueUrl=world.dlq_url, MessageBody=message["Body"])
    world.sqs.delete_message(QueueUrl=world.queue_url, ReceiptHandle=message["ReceiptHandle"])
    return ingestion_id_for(world.bucket, "uploads/lineup.json", "tok")


def test_retry_ingests_the_stored_version_again_and_clears_its_dead_letter(
    world: World, pipeline: Pipeline
) -> None:
    """Under the queue policy (only the bucket may send): the copy's event comes from S3."""
    dead = dead_letter(world)
    stack = target(world, FakeTime(during_sleep=lambda: run_function(world)))
    record = stack.retry(dead, 60)
    assert (record.state, record.counts["added"]) == ("succeeded", 2)
    assert len(pipeline.store.stored_on(["2026-07-10"])) == 2
    assert world.sqs.receive_message(QueueUrl=world.dlq_url).get("Messages") is None
    assert [subject for subject, _ in world.notifications()] == [
        "festival: lineup.json ingested (2 added)"]


def test_retry_passes_over_a_dead_letter_that_is_no_s3_event(
    world: World, pipeline: Pipeline
) -> None:
    """Read as the function reads events (core/s3_events.py): a stray body is left alone."""
    world.sqs.send_message(QueueUrl=world.dlq_url, MessageBody="not an event")
    dead = dead_letter(world)
    stack = target(world, FakeTime(during_sleep=lambda: run_function(world)))
    assert stack.retry(dead, 60).state == "succeeded"
    left = world.sqs.receive_message(QueueUrl=world.dlq_url, MaxNumberOfMessages=10)
    assert [m["Body"] for m in left["Messages"]] == ["not an event"]


def test_retry_of_an_id_not_in_the_dead_letter_queue_is_not_found(
    world: World, cli: Any
) -> None:
    dead_letter(world)
    create_stack(world)
    result = cli("retry", "0123456789abcdef", "--stack", "festival-test")
    assert result.exit_code == 1
    assert "no upload with ingestion id '0123456789abcdef' in the dead-letter queue" in (
        result.stderr)
    assert len(world.sqs.receive_message(QueueUrl=world.dlq_url)["Messages"]) == 1
