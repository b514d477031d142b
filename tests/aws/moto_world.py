"""A stack's resources in moto, built the way the template wires them, and helpers to watch it.

`World` holds the bucket (S3 notifications to the queue for `uploads/*.json`), the queue and its
dead-letter queue, the two tables and the topic; tests put objects, turn what SQS delivers into
the Lambda event, and read back the table, the ingestion records and the SNS messages.
`RequestCounter` counts the requests a client makes per operation (used by the benchmarks too).
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID

from festival_cli.core.upload_contract import UPLOAD_PREFIX, UPLOAD_SUFFIX
from festival_cli.stores.dynamodb import DynamoStore
from festival_cli.stores.dynamodb_schema import INGESTIONS, PERFORMANCES, table_definition

REGION = "eu-west-1"
ACCOUNT = DEFAULT_ACCOUNT_ID

FAKE_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}
# Standard configuration that must not leak in from the machine running the tests.
CLEARED_ENVIRONMENT = ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE",
                       "AWS_SHARED_CREDENTIALS_FILE", "FESTIVAL_STACK", "FESTIVAL_DB")


class RequestCounter:
    """Counts the requests a boto3 client sends, per operation, and the BatchWriteItem batches."""

    def __init__(self, client: Any) -> None:
        self.calls: Counter[str] = Counter()
        self.batches: list[list[dict[str, Any]]] = []
        # before-parameter-build sees the API parameters, once per call (not per HTTP retry).
        client.meta.events.register(
            f"before-parameter-build.{client.meta.service_model.service_name}", self._seen)

    def _seen(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        self.calls[model.name] += 1
        if model.name == "BatchWriteItem":
            for requests in params["RequestItems"].values():
                self.batches.append(list(requests))

    def reset(self) -> None:
        self.calls.clear()
        self.batches.clear()

    @property
    def writes(self) -> int:
        """Write requests of the Performances table (BatchWriteItem calls)."""
        return self.calls["BatchWriteItem"]


def create_tables(dynamodb: Any, table: str, ingestions_table: str) -> None:
    dynamodb.create_table(**table_definition(PERFORMANCES, table))
    dynamodb.create_table(**table_definition(INGESTIONS, ingestions_table))


def empty_tables(dynamodb: Any, table: str, ingestions_table: str) -> None:
    """Delete every item of both tables (sets, tombstones, records, leases, the id counter):
    cheaper than new tables when a test needs an empty store many times (hypothesis)."""
    for logical, name in ((PERFORMANCES, table), (INGESTIONS, ingestions_table)):
        keys = [k["AttributeName"] for k in table_definition(logical, name)["KeySchema"]]
        names = {f"#k{i}": key for i, key in enumerate(keys)}
        for page in dynamodb.get_paginator("scan").paginate(
                TableName=name, ProjectionExpression=", ".join(names),
                ExpressionAttributeNames=names):
            items = page["Items"]
            for at in range(0, len(items), 25):
                dynamodb.batch_write_item(RequestItems={name: [
                    {"DeleteRequest": {"Key": item}} for item in items[at:at + 25]]})


@dataclass
class World:
    """The resources of one stack in moto, and the clients that reach them."""

    s3: Any
    sqs: Any
    sns: Any
    dynamodb: Any
    bucket: str = "festival-uploads"
    table: str = "festival-Performances"
    ingestions_table: str = "festival-Ingestions"
    site_bucket: str = "festival-site"  # the published site (private, served by CloudFront)
    queue_url: str = ""
    queue_arn: str = ""
    dlq_url: str = ""
    topic_arn: str = ""
    _stores: list[DynamoStore] = field(default_factory=list)

    @classmethod
    def build(cls) -> World:
        world = cls(
            s3=boto3.client("s3", region_name=REGION),
            sqs=boto3.client("sqs", region_name=REGION),
            sns=boto3.client("sns", region_name=REGION),
            dynamodb=boto3.client("dynamodb", region_name=REGION),
        )
        world.s3.create_bucket(
            Bucket=world.bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        # Versioned, as the template makes it (moto's CloudFormation skips that property).
        world.s3.put_bucket_versioning(Bucket=world.bucket,
                                       VersioningConfiguration={"Status": "Enabled"})
        world.dlq_url = world.sqs.create_queue(QueueName="festival-dlq")["QueueUrl"]
        dlq_arn = world.sqs.get_queue_attributes(
            QueueUrl=world.dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        world.queue_url = world.sqs.create_queue(
            QueueName="festival-queue",
            Attributes={
                "VisibilityTimeout": "900",  # received once per test: no redelivery
                "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn,
                                             "maxReceiveCount": "5"}),
            },
        )["QueueUrl"]
        world.queue_arn = world.sqs.get_queue_attributes(
            QueueUrl=world.queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        world.s3.put_bucket_notification_configuration(
            Bucket=world.bucket,
            NotificationConfiguration={
                "QueueConfigurations": [{
                    "QueueArn": world.queue_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [
                        {"Name": "prefix", "Value": UPLOAD_PREFIX},
                        {"Name": "suffix", "Value": UPLOAD_SUFFIX},
                    ]}},
                }]
            },
        )
        world.s3.create_bucket(
            Bucket=world.site_bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        create_tables(world.dynamodb, world.table, world.ingestions_table)
        world.topic_arn = world.sns.create_topic(Name="festival-notifications")["TopicArn"]
        return world

    # -- the store -----------------------------------------------------------------------
    def store(self, **options: Any) -> DynamoStore:
        """A DynamoStore on the world's tables; never sleeps unless given `sleep`."""
        options.setdefault("sleep", lambda _seconds: None)
        store = DynamoStore(self.dynamodb, self.table, self.ingestions_table, **options)
        self._stores.append(store)
        return store

    # -- the pipeline's input ------------------------------------------------------------
    def put(self, key: str, body: bytes, metadata: dict[str, str] | None = None) -> Any:
        return self.s3.put_object(Bucket=self.bucket, Key=key, Body=body,
                                  Metadata=metadata or {})

    def receive(self) -> list[dict[str, Any]]:
        """Every message waiting in the queue (received, so invisible until not deleted)."""
        messages: list[dict[str, Any]] = []
        while True:
            batch = self.sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10, AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not batch:
                return messages
            messages += batch

    def event(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        """The event the Lambda service passes for these SQS messages."""
        return {"Records": [self.sqs_record(m) for m in messages]}

    def sqs_record(self, message: dict[str, Any]) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": message.get("MessageAttributes", {}),
            "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": REGION,
        }

    def upload_events(self) -> dict[str, Any]:
        """The Lambda event for what is waiting, without the s3:TestEvent messages."""
        messages = [m for m in self.receive() if "s3:TestEvent" not in m["Body"]]
        return self.event(messages)

    # -- the pipeline's output -----------------------------------------------------------
    def site(self) -> dict[str, Any]:
        """Every object of the site bucket by key: its HeadObject response."""
        listed = self.s3.list_objects_v2(Bucket=self.site_bucket).get("Contents", [])
        return {o["Key"]: self.s3.head_object(Bucket=self.site_bucket, Key=o["Key"])
                for o in listed}

    def notifications(self) -> list[tuple[str, str]]:
        """(subject, message) of every SNS message published to the topic, oldest first."""
        from moto.backends import get_backend

        topic = get_backend("sns")[ACCOUNT][REGION].topics[self.topic_arn]
        return [(subject, message) for _id, message, subject, *_ in topic.sent_notifications]


# S3's sequencers: hex, growing with each event of a key (18 digits in AWS's examples).
_SEQUENCE = itertools.count(0x0055AED6DCD9028100)


def s3_event_as_aws_builds_it(event_name: str, bucket: Any, key: Any,
                              notification_id: str) -> dict[str, Any]:
    """moto's S3 event, completed as S3 builds it: the `versionId` of the new version (in a
    versioned bucket) and a `sequencer` that orders the events of one key; moto sends neither."""
    event = _MOTO_S3_EVENT(event_name, bucket, key, notification_id)
    obj = event["Records"][0]["s3"]["object"]
    obj["sequencer"] = f"{next(_SEQUENCE):018X}"
    if bucket.is_versioned:
        obj["versionId"] = key.version_id
    return event


def _original_s3_event() -> Any:
    from moto.s3 import notifications

    return notifications._get_s3_event


_MOTO_S3_EVENT = _original_s3_event()


@contextmanager
def fake_aws(env: pytest.MonkeyPatch) -> Iterator[None]:
    """moto for every service, with fake credentials and region and the machine's own AWS
    configuration hidden, set through `env` (a test's own monkeypatch undoes it in order).
    S3 events carry the `versionId` and `sequencer` that S3 puts in them."""
    for name in CLEARED_ENVIRONMENT:
        env.delenv(name, raising=False)
    for name, value in FAKE_ENVIRONMENT.items():
        env.setenv(name, value)
    env.setattr("moto.s3.notifications._get_s3_event", s3_event_as_aws_builds_it)
    with mock_aws():
        yield


@contextmanager
def dynamodb_store(directory: Path) -> Iterator[DynamoStore]:
    """A fresh, empty DynamoStore in its own moto world (the store contract suite's factory)."""
    del directory  # nothing on disk
    with pytest.MonkeyPatch.context() as env, fake_aws(env):
        client = boto3.client("dynamodb", region_name=REGION)
        create_tables(client, "contract-Performances", "contract-Ingestions")
        with DynamoStore(client, "contract-Performances", "contract-Ingestions",
                         sleep=lambda _seconds: None) as store:
            yield store


def create_stack(world: World, name: str = "festival-test", *,
                 omit: tuple[str, ...] = ()) -> str:
    """A CloudFormation stack in moto whose outputs name the world's resources."""
    outputs = {
        "BucketName": world.bucket,
        "TableName": world.table,
        "IngestionsTableName": world.ingestions_table,
        "QueueUrl": world.queue_url,
        "DeadLetterQueueUrl": world.dlq_url,
        "TopicArn": world.topic_arn,
        "FunctionName": "festival-ingest",
        "SiteBucketName": world.site_bucket,
        "SiteUrl": "https://d111111abcdef8.cloudfront.net/",
    }
    template = {
        "Resources": {"Placeholder": {"Type": "AWS::SNS::Topic"}},  # a stack needs one
        "Outputs": {k: {"Value": v} for k, v in outputs.items() if k not in omit},
    }
    boto3.client("cloudformation", region_name=REGION).create_stack(
        StackName=name, TemplateBody=json.dumps(template))
    return name
