"""Contract: newest upload wins (core/newest.py), the same on every backend.

Each upload is ingested with an explicit place in the upload order (as the function takes it
from the S3 event), in an order other than its own; the end state must be the one the uploads
leave when ingested oldest first.
"""

from __future__ import annotations

from typing import Any

import pytest

from festival_cli.core.ingest import ingest
from festival_cli.core.model import Performance
from festival_cli.core.records import Ingestion
from festival_cli.core.store import Store
from festival_cli.core.upload_order import UploadOrder
from tests.factories import document, perf, record

DAY, NEXT, LAST = "2026-07-10", "2026-07-11", "2026-07-12"
T = ["2026-11-28T05:00:00.000Z", "2026-11-28T05:00:01.000Z", "2026-11-28T05:00:02.000Z",
     "2026-11-28T05:00:03.000Z"]


def upload(store: Store, ingestion: str, at: int, *records: dict[str, Any],
           key: str = "uploads/lineup.json", merge: bool = False) -> Ingestion:
    """Ingest a file as the pipeline does: under its id, at its place `T[at]` in the order."""
    outcome = ingest(store, document(*records), key.rsplit("/", 1)[-1], merge=merge,
                     ingestion_id=ingestion, order=UploadOrder.of(T[at], key))
    return outcome.record


def stored(store: Store, *dates: str) -> list[Performance]:
    return sorted(store.stored_on(dates or (DAY, NEXT, LAST)), key=Performance.chronological)


def test_an_older_upload_processed_later_writes_nothing(store: Store) -> None:
    upload(store, "new", 1, record(end="20:00"))
    older = upload(store, "old", 0, record(), record(performer="Brass Tide", start="20:00",
                                                     end="21:00"))
    assert stored(store) == [perf(end="20:00")]
    assert (older.state, older.superseded_by, older.counts["superseded"]) == (
        "superseded", ["new"], 2)
    assert older.superseded == [f"{DAY}: every set of the date: ingestion new is newer"]


def test_in_order_the_newer_upload_replaces_the_older(store: Store) -> None:
    """The control: without reordering nothing is superseded."""
    upload(store, "old", 0, record(), record(performer="Brass Tide", start="20:00",
                                             end="21:00"))
    newer = upload(store, "new", 1, record(end="20:00"))
    assert stored(store) == [perf(end="20:00")]
    assert (newer.state, newer.superseded) == ("succeeded", [])


def test_only_the_dates_a_newer_upload_revised_are_superseded(store: Store) -> None:
    upload(store, "b", 1, record(date=NEXT, end="20:00"), record(date=LAST), key="uploads/b.json")
    older = upload(store, "a", 0, record(date=DAY), record(date=NEXT), key="uploads/a.json")
    assert stored(store) == [perf(date=DAY), perf(date=NEXT, end="20:00"), perf(date=LAST)]
    assert (older.state, older.counts["added"], older.superseded_by) == ("succeeded", 1, ["b"])
    assert older.superseded == [f"{NEXT}: every set of the date: ingestion b is newer"]


def test_a_merge_leaves_the_sets_a_newer_merge_wrote_or_listed(store: Store) -> None:
    brass = {"performer": "Brass Tide", "start": "20:00", "end": "21:00"}
    upload(store, "base", 0, record(), record(**brass))
    # The newer merge changes Aurora and lists Brass as it is.
    upload(store, "m2", 2, record(end="19:45"), record(**brass), key="uploads/m2.json",
           merge=True)
    # The older merge, processed last: Aurora and Brass were listed later by m2; Cosmo is new.
    older = upload(store, "m1", 1, record(end="19:30"), record(**{**brass, "end": "21:30"}),
                   record(performer="Cosmo", start="22:00", end="23:00"),
                   key="uploads/m1.json", merge=True)
    assert stored(store) == [perf(end="19:45"),
                             perf("Brass Tide", start="20:00", end="21:00"),
                             perf("Cosmo", start="22:00", end="23:00")]
    assert (older.state, older.counts["added"], older.superseded_by) == ("succeeded", 1, ["m2"])
    assert older.superseded == [
        f"Aurora Fields, {DAY} 18:00: ingestion m2 is newer",
        f"Brass Tide, {DAY} 20:00: ingestion m2 is newer"]


def test_an_older_replacement_keeps_what_a_newer_merge_wrote(store: Store) -> None:
    upload(store, "base", 0, record(), record(performer="Brass Tide", start="20:00",
                                              end="21:00"))
    upload(store, "m", 2, record(performer="Brass Tide", start="20:00", end="21:30"),
           key="uploads/m.json", merge=True)
    # Older than the merge, newer than the base: lists Aurora only (removing Brass).
    older = upload(store, "r", 1, record(end="19:00"))
    assert stored(store) == [perf(end="19:00"), perf("Brass Tide", start="20:00", end="21:30")]
    assert (older.state, older.counts["updated"], older.superseded_by) == (
        "succeeded", 1, ["m"])


def test_every_set_superseded_per_set_is_superseded(store: Store) -> None:
    upload(store, "m2", 1, record(end="19:45"), key="uploads/m2.json", merge=True)
    older = upload(store, "m1", 0, record(end="19:30"), key="uploads/m1.json", merge=True)
    assert stored(store) == [perf(end="19:45")]
    assert (older.state, older.superseded_by) == ("superseded", ["m2"])


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_versions_of_one_key_follow_their_sequencers_not_their_times(
    store: Store, order: tuple[int, int]
) -> None:
    """Two versions of one key at the same millisecond: S3's sequencer says which is newer."""
    versions = {0: ("v1", "0055AED6DCD90281E5", record()),
                1: ("v2", "0055AED6DCD90281E6", record(end="20:00"))}
    for at in order:
        ingestion, sequencer, body = versions[at]
        ingest(store, document(body), "lineup.json", ingestion_id=ingestion,
               order=UploadOrder.of(T[0], "uploads/lineup.json", sequencer))
    assert stored(store) == [perf(end="20:00")]
