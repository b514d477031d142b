"""The function publishes the site after an ingestion that changed the lineup (moto)."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from festival_cli.core.upload_contract import upload_metadata
from festival_cli.publish.page import ASSETS
from festival_cli.publish.site import CACHE_CONTROL, CONTENT_TYPES
from lambda_handler.handler import Pipeline, handler
from tests.aws.moto_world import RequestCounter, World
from tests.aws.test_handler import deliver, the_record
from tests.factories import document, record

FILES = {*ASSETS, "schedule.xml", "schedule.json", "lineup.json", "festival.ics",
         "stages/main.ics", "changes.atom"}


def test_an_upload_publishes_every_file_with_its_content_type_and_caching(
    world: World, pipeline: Pipeline
) -> None:
    assert handler(deliver(world), None) == {"batchItemFailures": []}
    site = world.site()
    assert set(site) == FILES
    for key, head in site.items():
        suffix = "." + key.rpartition(".")[2]
        assert head["ContentType"] == CONTENT_TYPES[suffix]
        assert head["ContentType"].endswith("; charset=utf-8")
        assert head["CacheControl"] == CACHE_CONTROL
        assert head["ETag"].startswith('"')
    assert the_record(pipeline).published is True


def test_an_object_s_etag_answers_304_to_if_none_match(world: World, pipeline: Pipeline) -> None:
    handler(deliver(world), None)
    etag = world.site()["schedule.xml"]["ETag"]
    try:
        world.s3.get_object(Bucket=world.site_bucket, Key="schedule.xml", IfNoneMatch=etag)
    except ClientError as exc:
        assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 304
    else:
        raise AssertionError("an unchanged object was sent again")


def test_an_unchanged_re_upload_puts_nothing(world: World, pipeline: Pipeline) -> None:
    handler(deliver(world, metadata=upload_metadata("token-1", merge=False)), None)
    again = deliver(world, metadata=upload_metadata("token-2", merge=False))
    counter = RequestCounter(world.s3)
    assert handler(again, None) == {"batchItemFailures": []}
    records = pipeline.store.recent_ingestions()
    assert len(records) == 2 and records[0].counts.get("unchanged") == 2
    assert counter.calls["PutObject"] == 0
    assert records[0].published is None


def test_a_failed_publish_is_retried_alone(world: World, pipeline: Pipeline) -> None:
    event = deliver(world)
    real = world.s3.put_object

    def refused(**kwargs: Any) -> Any:
        if kwargs.get("Bucket") == world.site_bucket:
            raise ClientError({"Error": {"Code": "InternalError", "Message": "down"},
                               "ResponseMetadata": {"HTTPStatusCode": 500}}, "PutObject")
        return real(**kwargs)

    world.s3.put_object = refused
    assert len(handler(event, None)["batchItemFailures"]) == 1
    record = the_record(pipeline)
    assert (record.state, record.published) == ("succeeded", False)
    assert len(world.notifications()) == 1
    world.s3.put_object = real
    counter = RequestCounter(world.dynamodb)
    assert handler(event, None) == {"batchItemFailures": []}
    assert counter.writes == 0  # no second ingestion
    assert len(world.notifications()) == 1  # no second email
    assert set(world.site()) == FILES
    assert the_record(pipeline).published is True


def test_a_second_festival_gets_a_folder_of_its_own_and_the_first_keeps_one(
    world: World, pipeline: Pipeline
) -> None:
    handler(deliver(world), None)  # Riverside Sounds 2026, 10 July: the root, alone
    later = document(record(performer="Cobalt Trio", stage="Pier", date="2026-08-01"),
                     festival="Harbour Jazz 2026")
    assert handler(deliver(world, "uploads/harbour.json", later), None) == {
        "batchItemFailures": []}
    site = world.site()
    assert {f"riverside_sounds_2026/{name}" for name in FILES} <= set(site)
    assert {"harbour_jazz_2026/schedule.xml", "harbour_jazz_2026/stages/pier.ics"} <= set(site)
    root = world.s3.get_object(Bucket=world.site_bucket, Key="schedule.json")["Body"].read()
    title = json.loads(root)["schedule"]["conference"]["title"]
    assert title == "Harbour Jazz 2026"  # the festival whose last day is the latest
    assert site["harbour_jazz_2026/schedule.json"]["ETag"] == site["schedule.json"]["ETag"]


def test_the_calendar_of_a_stage_that_is_gone_is_deleted_and_nothing_else(
    world: World, pipeline: Pipeline
) -> None:
    two_stages = document(record(), record(performer="Brass Tide", stage="Tent", start="20:00",
                                           end="21:00"))
    handler(deliver(world, body=two_stages), None)
    world.s3.put_object(Bucket=world.site_bucket, Key="stages/notes.txt", Body=b"kept")
    assert {"stages/main.ics", "stages/tent.ics"} <= set(world.site())
    counter = RequestCounter(world.s3)
    only_main = document(record(), record(performer="Brass Tide", start="20:00", end="21:00"))
    assert handler(deliver(world, body=only_main), None) == {"batchItemFailures": []}
    assert (counter.calls["ListObjectsV2"], counter.calls["DeleteObject"]) == (1, 1)
    site = set(world.site())
    assert "stages/tent.ics" not in site
    assert {"stages/main.ics", "stages/notes.txt"} <= site  # only a gone stage's calendar
