"""Reading SQS message bodies as S3 event notifications."""

from __future__ import annotations

import json
from typing import Any

import pytest

from festival_cli.core.s3_events import NotAnS3Event, ObjectCreated, parse_body
from festival_cli.core.upload_order import UploadOrder


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


# -- the upload's place in the upload order (core/upload_order.py) ---------------------------
def _created(**fields: Any) -> ObjectCreated:
    return ObjectCreated(bucket="b", key="uploads/lineup.json", event_name="ObjectCreated:Put",
                         **fields)


def test_the_order_comes_from_the_event_time_key_and_sequencer() -> None:
    from lambda_handler.events import upload_order

    order = upload_order(_created(event_time="2026-11-28T05:00:00.123Z", sequencer="0A"))
    assert order == UploadOrder.of("2026-11-28T05:00:00.123Z", "uploads/lineup.json", "0A")


def test_an_event_without_a_time_is_ordered_by_the_versions_last_modified() -> None:
    from datetime import UTC, datetime

    from lambda_handler.events import upload_order

    modified = datetime(2026, 11, 28, 5, 0, 1, tzinfo=UTC)
    assert upload_order(_created(sequencer="0A"), modified).time == "2026-11-28T05:00:01.000Z"


@pytest.mark.parametrize(("claim", "honoured"), [
    # festival retry's copy: the original version of the same key, older: taken.
    (("2026-11-28T04:00:00.000Z", "uploads/lineup.json", "01"), True),
    # A claim to be newer than the copy itself is never taken (no upload can jump ahead).
    (("2030-01-01T00:00:00.000Z", "uploads/lineup.json", "FF"), False),
    # Another key's order is not this upload's.
    (("2026-11-28T04:00:00.000Z", "uploads/other.json", "01"), False),
])
def test_a_retried_copy_keeps_its_originals_order_only_when_older(
    claim: tuple[str, str, str], honoured: bool
) -> None:
    from lambda_handler.events import upload_order

    obj = _created(event_time="2026-11-28T05:00:00.000Z", sequencer="0A")
    claimed = UploadOrder.of(claim[0], claim[1], claim[2])
    assert (upload_order(obj, None, claimed.token) == claimed) is honoured


def test_an_unreadable_claimed_order_is_ignored() -> None:
    from lambda_handler.events import upload_order

    obj = _created(event_time="2026-11-28T05:00:00.000Z", sequencer="0A")
    assert upload_order(obj, None, "yesterday") == upload_order(obj)
