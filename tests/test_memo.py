"""The unchanged-upload memo (core/memo.py): its key, what it remembers, when it still holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from festival_cli.core import memo
from festival_cli.core.ingest import PROBLEMS_CAP, Outcome
from festival_cli.core.lineup import check_lineup
from festival_cli.core.memo import Memo, memo_key, memo_of
from festival_cli.core.plan import compute_plan
from festival_cli.core.records import Ingestion
from tests.factories import document, record
from tests.spies import calls_to

DATA = document(record(), record(performer="Brass Owls", start="18:30", end="19:30"))


def _outcome(*, merge: bool = False) -> Outcome:
    report = check_lineup(DATA, "l.json")
    lineup = report.accepted()
    plan = compute_plan(list(lineup.performances), [], merge=merge)
    done = Ingestion(id="x", file="l.json").finish(
        "succeeded", counts={"performances": 2}, festival=lineup.festival,
        timezone=lineup.timezone)
    return Outcome(record=done, report=report, plan=plan)


def test_the_key_depends_on_the_bytes_and_strict() -> None:
    assert memo_key(DATA, False) == memo_key(DATA, False)
    assert len({memo_key(DATA, False), memo_key(DATA, True), memo_key(DATA + b" ", False)}) == 3


def test_the_key_covers_every_module_that_shapes_an_outcome() -> None:
    # The rules, their messages and places, the caps of a record, the plan and the model.
    assert {"ingest", "lineup", "checks", "text", "positions", "problems", "model", "plan",
            "records", "upload_contract"} <= set(memo.code_modules())


def test_an_upload_that_replaced_its_dates_is_remembered_with_their_versions() -> None:
    remembered = memo_of(_outcome(), {"2026-07-10": 3}, kept=PROBLEMS_CAP)
    assert remembered is not None
    assert (remembered.performances, remembered.dates) == (2, {"2026-07-10": 3})
    assert [w.rule for w in remembered.warnings] == ["stage-overlap"]
    assert remembered.warning_counts == {"stage-overlap": 1}
    assert Memo.from_json(remembered.to_json()) == remembered


def test_a_merge_or_versions_of_other_dates_are_not_remembered() -> None:
    assert memo_of(_outcome(merge=True), {"2026-07-10": 3}, kept=PROBLEMS_CAP) is None
    assert memo_of(_outcome(), {"2026-07-11": 3}, kept=PROBLEMS_CAP) is None
    assert memo_of(_outcome(), {}, kept=PROBLEMS_CAP) is None


def test_it_holds_only_while_every_date_keeps_its_version() -> None:
    remembered = memo_of(_outcome(), {"2026-07-10": 3}, kept=PROBLEMS_CAP)
    assert remembered is not None
    assert remembered.holds({"2026-07-10": 3})
    assert not remembered.holds({"2026-07-10": 4})  # written since
    assert not remembered.holds({})  # the date's versions are gone


def test_its_record_says_unchanged_with_the_warnings_of_the_first_upload() -> None:
    remembered = memo_of(_outcome(), {"2026-07-10": 3}, kept=PROBLEMS_CAP)
    assert remembered is not None
    again = remembered.record("again.json", merge=False)
    assert (again.state, again.file, again.counts["unchanged"], again.festival) == (
        "succeeded", "again.json", 2, "Riverside Sounds 2026")
    assert again.warnings[0].startswith("again.json:")


def test_a_memo_that_cannot_be_read_is_no_memo() -> None:
    assert Memo.from_json("{") is None
    assert Memo.from_json('{"performances": 1}') is None  # an older format


def test_a_memo_does_not_outlive_the_code_that_wrote_it(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import festival_cli.core.ingest as ingest_module
    from festival_cli.targets.local import LocalTarget

    validated = calls_to(monkeypatch, ingest_module, "checked_lineup")
    target = LocalTarget.open(tmp_path / "f.db", write=True)
    try:
        target.upload(DATA, "l.json")
        target.upload(DATA, "l.json")  # the memo: not validated again
        assert len(validated) == 1
        monkeypatch.setattr(memo, "code_digest", lambda: b"a validator with another rule")
        again = target.upload(DATA, "l.json")
    finally:
        target.close()
    assert len(validated) == 2
    assert again.record.counts["unchanged"] == 2
