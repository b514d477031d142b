"""The cost model: DynamoDB's documented size rules, the sparse index, and the arithmetic."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from festival_cli.cli.app import app
from festival_cli.core.query import SELECTORS
from festival_cli.core.schema import DATE_POPULARITY, INDEXES
from festival_cli.cost.assumptions import QUERY_MIX, Assumptions
from festival_cli.cost.estimate import estimate
from festival_cli.cost.prices import PRICES
from festival_cli.cost.profile import (
    ItemProfile,
    index_entry,
    measure_items,
    mix_profiles,
    read_units,
    write_units,
)
from festival_cli.stores.dynamodb_items import item_size, number_size, to_item, value_size
from tests.factories import perf


# -- the documented size rule ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("number", "size"),
    [
        (0, 2),
        (5, 2),
        (87, 2),  # two significant digits: one byte, + 1
        (100, 2),  # trailing zeros trimmed: one significant digit
        (101, 3),  # inner zeros count
        (12345, 4),
        ("0.0050", 2),  # leading and trailing zeros trimmed
        (Decimal("3.14159"), 4),
        (10**37 + 1, 20),  # 38 significant digits
    ],
)
def test_number_size_is_one_byte_per_two_significant_digits_plus_one(
    number: Any, size: int
) -> None:
    assert number_size(number) == size


@pytest.mark.parametrize(
    ("value", "size"),
    [
        ("Main", 4),
        ("Björk", 6),  # UTF-8 bytes, not characters
        ("DJ Kōji", 8),
        ("", 0),
        (None, 1),
        (True, 1),
        (b"\x00\x01\x02", 3),
        (["ab", 1], 3 + (2 + 1) + (2 + 1)),  # list: 3 + each element + 1 byte each
        ({"k": "vv"}, 3 + (1 + 2 + 1)),  # map: 3 + each name + value + 1 byte each
    ],
)
def test_value_size_follows_the_documented_rule(value: Any, size: int) -> None:
    assert value_size(value) == size


def test_item_size_counts_attribute_names_and_values() -> None:
    item = {
        "Performer": "Aurora Fields",  # 9 + 13
        "DateStartTime": "2026-07-10#18:00",  # 13 + 16
        "Stage": "Main",  # 5 + 4
        "Date": "2026-07-10",  # 4 + 10
        "StartTime": "18:00",  # 9 + 5
        "EndTime": "19:15",  # 7 + 5
        "PopularityScore": 87,  # 15 + 2
    }
    assert item_size(item) == 22 + 29 + 9 + 14 + 14 + 12 + 17


def test_the_store_encoding_measures_as_the_hand_computed_size() -> None:
    # The low-level item the DynamoDB store really writes for this set.
    assert item_size(to_item(perf())) == 117


def test_non_ascii_names_count_their_utf8_bytes() -> None:
    ascii_item = to_item(perf(performer="Sigur Ros"))
    accented = to_item(perf(performer="Sigur Rós"))
    assert item_size(accented) == item_size(ascii_item) + 1


def test_typed_and_plain_encodings_have_the_same_size() -> None:
    typed = to_item(perf(popularity=100))
    plain = {k: (int(v["N"]) if "N" in v else v["S"]) for k, v in typed.items()}
    assert item_size(typed) == item_size(plain)


@pytest.mark.parametrize(("size", "units"), [(1, 1), (1024, 1), (1025, 2), (4096, 4), (0, 1)])
def test_a_write_costs_one_unit_per_kb_rounded_up(size: int, units: int) -> None:
    assert write_units(size) == units


@pytest.mark.parametrize(
    ("size", "consistent", "units"),
    [(100, False, 0.5), (4096, False, 0.5), (4097, False, 1.0), (4097, True, 2.0)],
)
def test_a_read_costs_one_unit_per_4kb_half_when_eventually_consistent(
    size: int, consistent: bool, units: float
) -> None:
    assert read_units(size, consistent=consistent) == units


# -- indexes ----------------------------------------------------------------------------------
def test_a_set_without_a_score_is_not_in_the_popularity_index() -> None:
    assert index_entry(to_item(perf(popularity=None)), DATE_POPULARITY) is None


def test_a_set_with_a_score_is_in_every_index() -> None:
    item = to_item(perf(popularity=0))
    assert all(index_entry(item, i) == item for i in INDEXES)


def test_measure_counts_sparse_index_writes_and_storage() -> None:
    scored, unscored = perf(), perf(performer="B", popularity=None)
    items = [to_item(scored), to_item(unscored)]
    a, b = item_size(items[0]), item_size(items[1])
    profile = measure_items(items, [scored, unscored])
    assert profile.index_share == {"Stage-Date-Start": 1.0, "Date-Time": 1.0,
                                   "Date-Popularity": 0.5}
    assert profile.index_write_units["Date-Popularity"] == 0.5
    assert profile.write_units_per_put == 1 + 1 + 1 + 0.5
    # The scored item is stored 4 times (table + 3 indexes), the other 3 times, +100 each.
    assert profile.stored_bytes == ((a + 100) * 4 + (b + 100) * 3) / 2


def test_an_item_over_1kb_costs_two_units_on_the_table_and_each_index() -> None:
    big = perf(performer="x" * 1000)
    profile = measure_items([to_item(big)], [big])
    assert profile.table_write_units == 2
    assert set(profile.index_write_units.values()) == {2}


def test_mixing_profiles_weights_by_the_scored_share() -> None:
    s, u = perf(), perf(popularity=None)
    mixed = mix_profiles(measure_items([to_item(s)], [s]), measure_items([to_item(u)], [u]), 0.8)
    assert mixed.index_write_units["Date-Popularity"] == pytest.approx(0.8)
    assert mixed.index_write_units["Date-Time"] == pytest.approx(1.0)


# -- the arithmetic ---------------------------------------------------------------------------
def _flat_profile() -> ItemProfile:
    """Round numbers for hand computation: 1 unit per put on the table and on each index."""
    return ItemProfile(
        items=1,
        table_bytes=128.0,
        table_write_units=1.0,
        index_write_units={"Stage-Date-Start": 1.0, "Date-Time": 1.0, "Date-Popularity": 1.0},
        index_share={"Stage-Date-Start": 1.0, "Date-Time": 1.0, "Date-Popularity": 1.0},
        stored_bytes=1024.0,
        file_bytes=128.0,
    )


def _small() -> Assumptions:
    return Assumptions(records_per_day=1_000, uploads_per_day=1, days_per_month=30,
                       months_of_growth=1, queries_per_day=0, dates_per_upload=1,
                       ingestion_item_bytes=(100, 100))


def _line(what: str, assumptions: Assumptions | None = None) -> Any:
    result = estimate(assumptions or _small(), _flat_profile())
    return next(line for line in result.lines if line.what.startswith(what))


def test_table_writes_are_records_times_days_times_units() -> None:
    line = _line("writes: table")
    assert line.quantity == 30_000
    assert line.monthly == pytest.approx(30_000 / 1e6 * PRICES.dynamodb_write_per_million)


def test_every_index_is_written_as_often_as_the_table() -> None:
    result = estimate(_small(), _flat_profile())
    gsi = [line for line in result.lines if line.what.startswith("writes: GSI")]
    assert [line.quantity for line in gsi] == [30_000, 30_000, 30_000]


def test_bookkeeping_writes_per_upload() -> None:
    # pending put + 3 final updates, each on the table and the Recent index, + 2 lease writes.
    assert _line("writes: ingestion").quantity == 30 * ((1 + 3) * 2 + 2)


def test_storage_is_the_items_written_over_the_months_of_growth() -> None:
    line = _line("storage", replace(_small(), months_of_growth=12))
    assert line.quantity == pytest.approx(1_000 * 30 * 12 * 1024 / 1024**3)
    assert line.monthly_after_free_tier == 0  # 0.34 GB is inside the 25 GB always free


def test_unchanged_re_uploads_write_no_sets_and_store_nothing_new() -> None:
    quiet = replace(_small(), churn_pct=0)
    assert _line("writes: table", quiet).quantity == 0
    assert _line("storage", quiet).quantity == 0
    assert _line("reads: diff", quiet).quantity > 0  # the diff still reads what is stored


def test_the_diff_reads_each_upload_eventually_consistent() -> None:
    # 1,000 sets x 128 bytes = 125 KB = 32 units of 4 KB, halved.
    assert _line("reads: diff").quantity == 30 * 16


def test_lambda_compute_is_duration_times_memory() -> None:
    a = _small()
    line = _line("compute")
    ms = a.lambda_fixed_ms + 1_000 * a.lambda_ms_per_record + (40 + 1) * a.lambda_ms_per_request
    assert line.quantity == pytest.approx(30 * ms / 1000 * a.lambda_memory_mb / 1024)
    assert line.monthly_after_free_tier == 0


def test_total_is_the_sum_of_the_lines() -> None:
    result = estimate(_small(), _flat_profile())
    assert result.total == pytest.approx(sum(line.monthly for line in result.lines))
    assert result.total_after_free_tier <= result.total


def test_the_cost_grows_with_the_records() -> None:
    low = estimate(Assumptions(records_per_day=1_000), _flat_profile()).total
    high = estimate(Assumptions(records_per_day=100_000), _flat_profile()).total
    assert high > 10 * low


def _limit(what: str, assumptions: Assumptions | None = None) -> str:
    limits = estimate(assumptions or _small(), _flat_profile()).limits
    return next(x.value for x in limits if x.what == what)


def test_one_date_is_one_index_partition_of_1000_writes_a_second() -> None:
    assert _limit("sets of one date indexed a second") == "~1,000"


def test_the_timeout_bounds_the_sets_of_one_date_a_file_can_write() -> None:
    assert _limit("sets the timeout could write") == "~150,000 of one date"  # 1,000/s x 150 s


def test_the_file_limit_sets_the_fewest_uploads_a_day() -> None:
    limits = estimate(Assumptions(records_per_day=100_000), _flat_profile()).limits
    why = next(x.why for x in limits if x.what == "sets in one file")
    assert "need at least 10 uploads a day" in why


@pytest.mark.parametrize(
    "bad",
    [
        {"records_per_day": -1},
        {"records_per_day": 1, "uploads_per_day": 0},
        {"records_per_day": 1, "churn_pct": 101},
        {"records_per_day": 1, "scored_share": 1.5},
    ],
)
def test_impossible_assumptions_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Assumptions(**bad).check()


def test_the_query_mix_gives_every_selector_a_share_once() -> None:
    assert [row[0] for row in QUERY_MIX] == list(SELECTORS)
    assert sum(row[1] for row in QUERY_MIX) == pytest.approx(1.0)


# -- the command ------------------------------------------------------------------------------
runner = CliRunner()


def test_cost_json_is_the_estimate_of_the_measured_items() -> None:
    result = runner.invoke(app, ["cost", "--records-per-day", "10000", "--output", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["region"] == PRICES.region
    assert doc["total_usd"] == pytest.approx(sum(s["usd"] for s in doc["by_service"].values()),
                                             abs=1e-3)
    assert doc["item"]["write_units_per_put"] == pytest.approx(3.8)  # 1 + 1 + 1 + 0.8 sparse
    assert set(doc["by_service"]) == {"DynamoDB", "Lambda", "SQS", "S3", "SNS",
                                      "CloudWatch Logs", "KMS", "CloudWatch"}


def test_cost_table_lists_services_total_assumptions_and_limits() -> None:
    result = runner.invoke(app, ["cost", "--records-per-day", "1000"])
    assert result.exit_code == 0, result.output
    for text in ("DynamoDB", "writes: GSI Date-Popularity", "total", "Assumptions:",
                 "Where this design stops scaling:", "us-east-1"):
        assert text in result.stdout


def test_churn_outside_a_percentage_is_a_usage_error() -> None:
    result = runner.invoke(app, ["cost", "--records-per-day", "10", "--churn", "150"])
    assert result.exit_code == 2
    assert "--churn: 150 is not a percentage between 0 and 100" in result.stderr


def test_a_file_over_the_pipeline_limit_is_warned_about() -> None:
    result = runner.invoke(app, ["cost", "-n", "100000", "--uploads-per-day", "2"])
    assert result.exit_code == 0
    assert ("warning: 50,000 records a file is over the pipeline's limit of 10,000 sets a file; "
            "use --uploads-per-day 10 or more") in result.stderr


def test_zero_records_costs_about_the_customer_key() -> None:
    result = runner.invoke(app, ["cost", "-n", "0", "--queries-per-day", "0", "-o", "json"])
    doc = json.loads(result.stdout)
    lines = {line["what"]: line["quantity"] for line in doc["lines"]}
    assert lines["writes: table (sets)"] == 0
    assert doc["by_service"]["KMS"]["after_free_tier_usd"] == 1.0
    assert 1.0 <= doc["total_after_free_tier_usd"] < 1.05


# -- the model matches the deployed template ------------------------------------------------
def _template() -> dict[str, Any]:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return loader.construct_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_mapping(node)  # type: ignore[arg-type]

    Loader.add_multi_constructor("!", any_tag)
    path = Path(__file__).resolve().parents[1] / "cloudformation" / "template.yaml"
    return yaml.load(path.read_text(), Loader=Loader)


def test_the_function_settings_are_the_templates() -> None:
    resources = _template()["Resources"]
    function = next(r["Properties"] for r in resources.values()
                    if r["Type"] == "AWS::Lambda::Function")
    a = Assumptions(records_per_day=0)
    assert (function["Architectures"], function["MemorySize"], function["Timeout"]) == (
        [a.architecture], a.lambda_memory_mb, a.lambda_timeout_s)


def test_retention_pitr_key_and_alarms_are_the_templates() -> None:
    resources = _template()["Resources"].values()
    a = Assumptions(records_per_day=0)
    logs = [r["Properties"] for r in resources if r["Type"] == "AWS::Logs::LogGroup"]
    tables = [r["Properties"] for r in resources if r["Type"] == "AWS::DynamoDB::Table"]
    assert [g["RetentionInDays"] for g in logs] == [a.log_retention_days]
    assert all(t["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"]
               for t in tables) == a.pitr
    assert sum(r["Type"] == "AWS::KMS::Key" for r in resources) == 1
    assert sum(r["Type"] == "AWS::CloudWatch::Alarm" for r in resources) == a.alarms


def test_the_measured_item_is_a_set_as_stored_identity_festival_and_zone_included() -> None:
    from festival_cli.core.model import ATTR_FESTIVAL, ATTR_GUID, ATTR_SEQUENCE, ATTR_SET_ID
    from festival_cli.cost.profile import SAMPLE_SETS, as_stored, measured_profile

    stored = [as_stored(p, n) for n, p in enumerate(SAMPLE_SETS, start=1)]
    items = [to_item(s[0], s) for s in stored]
    assert all({ATTR_GUID, ATTR_SET_ID, ATTR_SEQUENCE, ATTR_FESTIVAL} <= set(i) for i in items)
    bare = sum(item_size(to_item(p)) for p in SAMPLE_SETS) / len(SAMPLE_SETS)
    measured = measured_profile(1.0).table_bytes
    assert measured == sum(item_size(i) for i in items) / len(items)
    assert measured > bare + 100  # a guid alone is 36 bytes, the festival's name ~20
