"""Reading SQS message bodies as S3 event notifications."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lambda_handler.events import NotAnS3Event, ObjectCreated, parse_body


def s3_record(key: str, name: str = "ObjectCreated:Put", **obj: Any) -> dict[str, Any]:
    return {"eventSource": "aws:s3", "eventName": name,
            "s3": {"bucket": {"name": "b"}, "object": {"key": key, **obj}}}


def body(*records: dict[str, Any]) -> str:
    return json.dumps({"Records": list(records)})


@pytest.mark.parametrize(("encoded", "decoded"), [
    ("uploads%2Flineup.json", "uploads/lineup.json"),
    ("uploads/my+lineup+%C3%A9.json", "uploads/my lineup é.json"),
    ("uploads/a%2Bb.json", "uploads/a+b.json"),
    ("uploads/%D1%84%D0%B5%D1%81%D1%82.json", "uploads/фест.json"),
])
def test_keys_are_url_decoded(encoded: str, decoded: str) -> None:
    assert [o.key for o in parse_body(body(s3_record(encoded)))] == [decoded]


def test_the_s3_test_event_has_no_objects() -> None:
    assert parse_body(json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent"})) == []


def test_events_other_than_object_created_are_skipped() -> None:
    records = [s3_record("uploads/a.json", "ObjectRemoved:Delete"), s3_record("uploads/b.json")]
    assert [o.key for o in parse_body(body(*records))] == ["uploads/b.json"]


@pytest.mark.parametrize(("text", "reason"), [
    ("not json", "not JSON"),
    ("[1]", "not a JSON object"),
    ('{"hello": 1}', "no `Records` list"),
    ('{"Records": [{"eventName": "ObjectCreated:Put"}]}', "lacks eventName"),
    ('{"Records": [{"eventSource": "aws:sqs", "eventName": "x"}]}', "comes from aws:sqs"),
    ('{"Records": ["x"]}', "lacks eventName"),
])
def test_a_body_that_is_not_an_s3_event_says_why(text: str, reason: str) -> None:
    with pytest.raises(NotAnS3Event, match=reason):
        parse_body(text)


@pytest.mark.parametrize(("obj", "token"), [
    ({"versionId": "v1", "eTag": "e"}, "version:v1"),
    ({"versionId": "null", "eTag": "e", "sequencer": "0A"}, "etag:e:0A"),
    ({"eTag": '"e"'}, "etag:e:"),
])
def test_an_object_version_is_identified_by_version_else_etag_and_sequencer(
    obj: dict[str, str], token: str
) -> None:
    (found,) = parse_body(body(s3_record("uploads/a.json", **obj)))
    assert found.token == token


def test_two_puts_of_the_same_bytes_differ_by_sequencer() -> None:
    first = ObjectCreated("b", "k", "ObjectCreated:Put", etag="e", sequencer="01")
    second = ObjectCreated("b", "k", "ObjectCreated:Put", etag="e", sequencer="02")
    assert first.token != second.token
