"""The notification text: subject within SNS's rules, body listing what matters, capped."""

from __future__ import annotations

import pytest

from festival_cli.core.records import Ingestion
from lambda_handler.notify import SUBJECT_LIMIT, body_for, subject_for

COUNTS = {"performances": 14, "added": 3, "updated": 1, "removed": 0, "unchanged": 10}


def done(state: str = "succeeded", **fields: object) -> Ingestion:
    return Ingestion(id="abc", file="lineup.json").finish(state, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("record", "subject"), [
    (done(counts=COUNTS), "festival: lineup.json ingested (3 added, 1 updated, 10 unchanged)"),
    (done(counts={"performances": 2, "unchanged": 2}),
     "festival: lineup.json ingested (no changes, 2 unchanged)"),
    (done("rejected", errors=["a", "b"]), "festival: lineup.json rejected (2 problems)"),
    (done("rejected", errors=["a"]), "festival: lineup.json rejected (1 problem)"),
    (done("rejected", errors=["a"], totals={"errors": 121}),
     "festival: lineup.json rejected (121 problems)"),
    (done("failed", errors=["gone"]), "festival: lineup.json failed"),
])
def test_the_subject_says_what_happened(record: Ingestion, subject: str) -> None:
    assert subject_for(record) == subject


@pytest.mark.parametrize("name", ["Line-up é 2026.json", "фестиваль.json", "a\nb.json",
                                  "x" * 300 + ".json"])
def test_the_subject_is_ascii_one_line_and_short(name: str) -> None:
    record = Ingestion(id="abc", file=name).finish("succeeded", counts=COUNTS)
    subject = subject_for(record)
    assert subject.isascii() and "\n" not in subject and len(subject) <= SUBJECT_LIMIT
    assert subject.endswith("ingested (3 added, 1 updated, 10 unchanged)")


def test_accents_are_dropped_from_the_subject_not_the_letters() -> None:
    record = Ingestion(id="abc", file="Line-up é.json").finish("failed")
    assert subject_for(record) == "festival: Line-up e.json failed"


def test_the_body_lists_changes_set_by_set() -> None:
    change = "moved: Aurora Fields, Main, 2026-07-10: 18:00–19:15 → 19:00–20:15"
    body = body_for(done(counts=COUNTS, changes=[change]))
    assert f"Changes (1):\n  {change}" in body


def test_the_body_lists_warnings_with_their_places() -> None:
    warning = "lineup.json:12:5: performances[3]: overlaps performances[4] on stage Main"
    assert f"  {warning}" in body_for(done(counts=COUNTS, warnings=[warning]))


def test_a_long_list_is_capped_with_a_count_of_the_rest() -> None:
    errors = [f"lineup.json:{i}:1: bad" for i in range(100)]
    body = body_for(done("rejected", errors=errors, totals={"errors": 500}))
    assert "Problems (500):" in body and "  … and 450 more" in body
    assert body.count("lineup.json:") == 50


def test_a_line_that_looks_like_a_count_is_only_a_line() -> None:
    """Nothing is parsed back from text: a problem quoting `… and 9 more` counts as one."""
    body = body_for(done("rejected", errors=["x.json:1:1: '… and 9 more' is not a time"]))
    assert "Problems (1):" in body


def test_the_body_says_how_to_see_the_ingestion() -> None:
    assert "festival status abc" in body_for(done(counts=COUNTS))





# -- newest upload wins ----------------------------------------------------------------------
SUPERSEDED = ["2026-07-11: every set of the date: ingestion b7504d97948c09fa is newer"]


def test_a_superseded_upload_says_so_not_succeeded() -> None:
    record = done("superseded", counts={"performances": 2, "added": 0, "superseded": 2},
                  superseded=SUPERSEDED, superseded_by=["b7504d97948c09fa"])
    subject, body = subject_for(record), body_for(record)
    assert subject == "festival: lineup.json superseded by a newer upload (nothing written)"
    assert body.startswith(
        "lineup.json was not written: newer uploads (ingestion b7504d97948c09fa) had already "
        "revised everything it lists")
    assert "ingested" not in body and "succeeded" not in body
    assert f"Superseded (1):\n  {SUPERSEDED[0]}\n" in body


def test_a_partly_superseded_upload_lists_what_it_did_not_write() -> None:
    record = done(counts={"performances": 2, "added": 1, "superseded": 1},
                  superseded=SUPERSEDED, superseded_by=["b7504d97948c09fa"])
    assert subject_for(record) == "festival: lineup.json ingested (1 added; partly superseded)"
    assert (f"Not written: newer uploads had written these already (1):\n  {SUPERSEDED[0]}"
            in body_for(record))
