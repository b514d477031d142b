"""What the estimate assumes beyond the measured items: volumes, the query mix, the function's
settings. Every figure is shown with the estimate (`describe_assumptions`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from festival_cli.core.query import AT, DATE, PERFORMER, POPULARITY, STAGE, Selector
from festival_cli.core.upload_contract import MAX_SETS_PER_FILE


@dataclass(frozen=True)
class Assumptions:
    """Everything the estimate assumes beyond the measured items; every figure is shown."""

    records_per_day: int
    uploads_per_day: int = 10
    churn_pct: float = 100.0  # share of uploaded records that are new or changed (written)
    days_per_month: int = 30
    months_of_growth: int = 12  # storage shown is that after this many months (nothing deleted)
    scored_share: float = 0.8  # share of sets with a popularity score (the sparse index)
    dates_per_upload: int = 3  # festival days one file covers
    sets_per_date: int = 200  # what a `--date` query returns
    queries_per_day: int = 1_000
    architecture: Literal["arm64", "x86_64"] = "arm64"
    lambda_memory_mb: int = 512
    lambda_timeout_s: int = 300
    lambda_fixed_ms: float = 250.0  # per invocation: S3 GET, records, SNS publish
    lambda_ms_per_record: float = 0.05  # parse + validate + diff, measured locally ~0.02-0.04
    lambda_ms_per_request: float = 15.0  # one DynamoDB round trip (BatchWriteItem, Query page)
    sqs_pollers: int = 5  # Lambda's SQS event source polls with 5 long polls (20 s) when idle
    log_bytes_per_invocation: int = 2_000
    log_retention_days: int = 365
    pitr: bool = True
    subscribers: int = 1  # email addresses subscribed to the topic
    # The Ingestions table (measured by the caller): the pending record is put once, then the
    # final record is written by three updates (result, notification claim, notified mark); each
    # write goes to the table and to its `Recent` index (projection ALL).
    ingestion_item_bytes: tuple[int, int] = (300, 3_000)  # pending, final (changes listed)
    ingestion_final_writes: int = 3
    ingestion_index_copies: int = 1  # indexes each ingestion record projects into
    lease_writes_per_date: int = 2  # take + release the per-date revision lease
    keep_files: bool = True  # each upload is a new object, kept (only old versions expire)
    kms_requests_per_upload: int = 10  # S3 (bucket key), SQS, DynamoDB and Logs data keys
    alarms: int = 4  # dead-letter queue, function errors, function throttles, queue age
    max_sets_per_file: int = MAX_SETS_PER_FILE  # what the pipeline accepts

    def check(self) -> Assumptions:
        if self.records_per_day < 0:
            raise ValueError("records per day cannot be negative")
        if self.uploads_per_day < 1:
            raise ValueError("uploads per day must be at least 1")
        if not 0 <= self.churn_pct <= 100:
            raise ValueError("churn is a percentage between 0 and 100")
        if not 0 <= self.scored_share <= 1:
            raise ValueError("the scored share is between 0 and 1")
        return self

    @property
    def records_per_upload(self) -> float:
        return self.records_per_day / self.uploads_per_day

    @property
    def written_per_day(self) -> float:
        return self.records_per_day * self.churn_pct / 100


# The query mix: each selector of core.query (every one, once: a test checks it), its share of
# the queries, and the sets one such query reads, as a fraction of a date's or a fixed number.
QUERY_MIX: tuple[tuple[Selector, float, float | None, int], ...] = (
    # (selector, share, sets read per query as a fraction of a date, fixed sets)
    (PERFORMER, 0.30, None, 3),
    (STAGE, 0.20, 0.15, 0),
    (DATE, 0.30, 1.0, 0),
    (AT, 0.10, 1.5, 0),  # the date up to T + the evening before
    (POPULARITY, 0.10, 0.2, 0),
)


def question(selector: Selector, spell: Callable[[str], str] = str) -> str:
    """A selector's usual form, each field spelled by `spell` (the CLI: as its options)."""
    return " ".join(spell(name) for name in selector.forms[0])


def describe_assumptions(a: Assumptions, spell: Callable[[str], str] = str) -> list[str]:
    """The assumptions as sentences, shown under the table; `spell` names a query's fields."""
    return [
        f"{a.records_per_day:,} records a day in {a.uploads_per_day} uploads "
        f"(~{a.records_per_upload:,.0f} a file, {a.dates_per_upload} dates a file)",
        f"{a.churn_pct:g}% of uploaded records are new or changed and written; the rest are "
        "unchanged and cost only the diff's read",
        f"every written record is a new set (worst case for storage); {a.scored_share:.0%} of "
        "sets have a popularity score (the sparse Date-Popularity index holds only those)",
        f"a month is {a.days_per_month} days; storage is that after {a.months_of_growth} months "
        "of growth with nothing deleted (DynamoDB table + indexes, PITR, files in S3)",
        f"{a.queries_per_day:,} queries a day: "
        + ", ".join(f"{question(q, spell)} {s:.0%}" for q, s, _, _ in QUERY_MIX)
        + f"; a date holds {a.sets_per_date} sets",
        f"Lambda {a.architecture} {a.lambda_memory_mb} MB: {a.lambda_fixed_ms:g} ms an "
        f"invocation + {a.lambda_ms_per_record:g} ms a record + "
        f"{a.lambda_ms_per_request:g} ms a DynamoDB request",
        f"SQS: {a.sqs_pollers} idle long-pollers (20 s each) + 3 requests an upload; "
        f"SNS: 1 publish and {a.subscribers} email an upload",
        f"CloudWatch Logs: {a.log_bytes_per_invocation:,} bytes an invocation, kept "
        f"{a.log_retention_days} days; KMS: one customer key, {a.kms_requests_per_upload} "
        f"requests an upload; {a.alarms} alarm{'s' if a.alarms != 1 else ''}",
        f"ingestion record: a {a.ingestion_item_bytes[0]:,}-byte put, then "
        f"{a.ingestion_final_writes} updates of {a.ingestion_item_bytes[1]:,} bytes, each also "
        f"written to {a.ingestion_index_copies} index; {a.lease_writes_per_date} lease writes "
        "per date an upload",
    ]
