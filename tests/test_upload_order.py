"""The upload order (core/upload_order.py): S3's sequencer rule, then time, key and sequencer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from festival_cli.core.upload_order import (
    Mark,
    UploadOrder,
    compare_sequencers,
    normal_time,
    source_of,
)


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("0055AED6DCD90281E5", "0055AED6DCD90281E6", -1),  # AWS's example: later event, larger
    ("0055AED6DCD90281E6", "0055AED6DCD90281E5", 1),
    ("0055AED6DCD90281E5", "0055AED6DCD90281E5", 0),
    ("0055AED6DCD9028100", "0055AED6DCD90281", 0),  # padded with zeros: the same value
    ("0055AED6DCD90281", "0055AED6DCD9028101", -1),  # the shorter is padded, not less
    ("1", "0F", 1),  # "10" > "0F": padding on the right, not the left
    ("A", "9F", 1),  # hex digits: A after 9
    ("0055aed6dcd90281e6", "0055AED6DCD90281E5", 1),  # case does not matter
    ("", "00", 0),
    ("", "01", -1),
])
def test_sequencers_compare_as_s3_documents(a: str, b: str, expected: int) -> None:
    assert compare_sequencers(a, b) == expected


T1 = "2026-11-28T05:17:53.123Z"
T2 = "2026-11-28T05:17:53.124Z"


@pytest.mark.parametrize(("a", "b", "expected"), [
    # One key: the sequencer decides, even against the times (S3's order of the key's events).
    (("k", T2, "0055AED6DCD90281E5"), ("k", T1, "0055AED6DCD90281E6"), -1),
    (("k", T1, "0055AED6DCD90281E6"), ("k", T1, "0055AED6DCD90281E5"), 1),
    (("k", T1, "0055AED6DCD9028100"), ("k", T1, "0055AED6DCD90281"), 0),
    # Different keys: the time decides, whatever the sequencers.
    (("a", T1, "FF"), ("b", T2, "00"), -1),
    (("b", T2, "00"), ("a", T1, "FF"), 1),
    # Different keys at the same millisecond: by the key's digest, then the sequencer.
    (("a", T1, "01"), ("b", T1, "01"), -1 if source_of("a") < source_of("b") else 1),
    # No sequencer (a local upload): time, then key.
    (("k", T1, None), ("k", T2, None), -1),
    (("k", T2, None), ("k", T2, None), 0),
])
def test_uploads_are_ordered_by_sequencer_within_a_key_else_by_time(
    a: tuple[str, str, str | None], b: tuple[str, str, str | None], expected: int
) -> None:
    left = UploadOrder.of(a[1], a[0], a[2])
    right = UploadOrder.of(b[1], b[0], b[2])
    assert (left.compare(right), right.compare(left)) == (expected, -expected)
    assert left.newer_than(right) is (expected > 0)


def test_times_are_normalised_to_utc_milliseconds() -> None:
    assert normal_time("2026-11-28T05:17:53.123Z") == "2026-11-28T05:17:53.123Z"
    assert normal_time("2026-11-28T06:17:53.1+01:00") == "2026-11-28T05:17:53.100Z"
    # LastModified (a datetime, to the second) reads as the same kind of text.
    assert normal_time(datetime(2026, 11, 28, 5, 17, 53, tzinfo=UTC)) == \
        "2026-11-28T05:17:53.000Z"


def test_orders_and_marks_round_trip_through_their_tokens() -> None:
    order = UploadOrder.of(T1, "uploads/lineup.json", "0055aed6dcd90281e5")
    assert UploadOrder.parse(order.token) == order
    mark = Mark(UploadOrder.of(T1, "local.json"), "3fa1b2c3d4e5")
    assert Mark.parse(mark.token) == mark
    assert order.token == f"{T1} {source_of('uploads/lineup.json')} 0055AED6DCD90281E5"


@pytest.mark.parametrize("token", ["", "yesterday", f"{T1} short 00", f"{T1} {'g' * 16} 00",
                                   f"{T1} {'a' * 16} 0x12", f"not-a-time {'a' * 16} 00"])
def test_a_token_that_is_not_an_order_is_refused(token: str) -> None:
    with pytest.raises(ValueError):
        UploadOrder.parse(token)
