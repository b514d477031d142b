"""The retry schedule of a failed message, against the queue the template declares: pure
arithmetic on the template and `retry_delay`, no moto (the retries themselves:
tests/aws/test_retries.py)."""

from __future__ import annotations

from pathlib import Path

from cfnlint.decode import cfn_yaml

from festival_cli.core.upload_contract import (
    MAX_RECEIVES,
    RETRY_CAP_SECONDS,
    UPLOAD_WAIT_SECONDS,
    retry_delay,
)

TEMPLATE = cfn_yaml.load(str(Path(__file__).resolve().parents[1] / "cloudformation"
                             / "template.yaml"))
QUEUE = TEMPLATE["Resources"]["IngestQueue"]["Properties"]


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
