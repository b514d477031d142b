"""What festival costs a month on AWS, computed from the items the code really writes.

Pure arithmetic: the caller measures the stored items (the DynamoDB item encoding of a few
representative sets, `measure_items`) and passes them in with the assumptions; this module
applies DynamoDB's documented size and capacity rules and a price table kept here with its region
and the date the prices were read.

Rules applied (DynamoDB developer guide, "Item sizes and formats", "Read/write capacity mode",
"Global secondary indexes", 2026):
- item size = UTF-8 bytes of every attribute name + the size of its value: a string its UTF-8
  bytes, a number about 1 byte per two significant digits + 1, binary its bytes, null/bool 1 byte,
  a list or map 3 bytes + 1 byte per element + the elements (a map's keys counted as names);
- one write request unit per 1 KB of item (rounded up) per write, on the table AND on every
  global secondary index the item projects into: an index holds only items that carry its key
  attributes (sparse: `Date-Popularity` holds only the sets with a popularity score);
- one read request unit per 4 KB read strongly consistent, half of it eventually consistent
  (a GSI Query always is), the size being the sum of the items a Query returns;
- storage: every item's size + 100 bytes, and the same again for each index entry.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from festival_cli.core.model import Performance
from festival_cli.core.schema import INDEXES, IndexSpec, date_keyed
from festival_cli.core.upload_contract import MAX_SETS_PER_FILE

KB = 1024
GB = 1024**3
MILLION = 1_000_000
WRITE_UNIT_BYTES = 1 * KB
READ_UNIT_BYTES = 4 * KB
ITEM_OVERHEAD_BYTES = 100  # per stored item, and per index entry (storage only)
BATCH_WRITE_LIMIT = 25
QUERY_PAGE_BYTES = 1024 * KB  # a Query returns at most 1 MB per page

# DynamoDB's limits that bound this design (DESIGN.md "Scale", AWS documentation 2026).
PARTITION_WRITES_PER_SECOND = 1_000  # write units a second into one partition (of a table or GSI)
NEW_TABLE_WRITES_PER_SECOND = 4_000  # what a new on-demand table serves at once


# -- prices ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PriceTable:
    """Published on-demand list prices, in USD, for one region, as read on one date."""

    region: str
    read_on: str
    dynamodb_write_per_million: float  # on-demand write request units, Standard table class
    dynamodb_read_per_million: float  # on-demand read request units
    dynamodb_storage_gb_month: float
    dynamodb_pitr_gb_month: float  # continuous backups (point-in-time recovery)
    lambda_requests_per_million: float
    lambda_gb_second: dict[str, float]  # by architecture
    sqs_requests_per_million: float  # standard queue; each 64 KB chunk of payload is a request
    s3_put_per_thousand: float  # S3 Standard PUT, COPY, POST, LIST
    s3_get_per_thousand: float
    s3_storage_gb_month: float  # first 50 TB
    sns_publish_per_million: float
    sns_email_per_hundred_thousand: float
    logs_ingestion_gb: float  # CloudWatch Logs, standard class
    logs_storage_gb_month: float
    kms_key_month: float  # a customer managed key
    kms_requests_per_ten_thousand: float
    alarm_month: float  # a standard-resolution CloudWatch alarm


PRICES = PriceTable(
    region="us-east-1",
    read_on="2026-01 (AWS public pricing pages; DynamoDB on-demand after the Nov 2024 price cut)",
    dynamodb_write_per_million=0.625,
    dynamodb_read_per_million=0.125,
    dynamodb_storage_gb_month=0.25,
    dynamodb_pitr_gb_month=0.20,
    lambda_requests_per_million=0.20,
    lambda_gb_second={"arm64": 0.0000133334, "x86_64": 0.0000166667},
    sqs_requests_per_million=0.40,
    s3_put_per_thousand=0.005,
    s3_get_per_thousand=0.0004,
    s3_storage_gb_month=0.023,
    sns_publish_per_million=0.50,
    sns_email_per_hundred_thousand=2.00,
    logs_ingestion_gb=0.50,
    logs_storage_gb_month=0.03,
    kms_key_month=1.00,
    kms_requests_per_ten_thousand=0.03,
    alarm_month=0.10,
)


@dataclass(frozen=True)
class FreeTier:
    """The always-free allowances a month (not the 12-month or credit offers of new accounts)."""

    dynamodb_storage_gb: float = 25.0
    lambda_requests: float = 1_000_000
    lambda_gb_seconds: float = 400_000
    sqs_requests: float = 1_000_000
    sns_publishes: float = 1_000_000
    sns_emails: float = 1_000
    logs_gb: float = 5.0  # ingestion, storage and scans together; applied to ingestion here
    kms_requests: float = 20_000
    alarms: float = 10


FREE_TIER = FreeTier()


# -- item sizes ---------------------------------------------------------------------------------
_TYPED_KEYS = frozenset({"S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS"})


def number_size(value: int | float | Decimal | str) -> int:
    """Bytes of a DynamoDB number: 1 per two significant digits (zeros trimmed at both ends) + 1."""
    number = Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"DynamoDB numbers are finite, not {value!r}")
    _, digits, _ = number.as_tuple()  # not normalize(): it rounds to 28 digits
    significant = "".join(map(str, digits)).strip("0") or "0"
    return math.ceil(len(significant) / 2) + 1


def value_size(value: Any, *, typed: bool = False) -> int:
    """Bytes of one attribute value; `typed` for the low-level `{"S": "..."}` encoding."""
    if typed:
        return _typed_value_size(value)
    if value is None or isinstance(value, bool):
        return 1
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    if isinstance(value, int | float | Decimal):
        return number_size(value)
    if isinstance(value, bytes | bytearray):
        return len(value)
    if isinstance(value, Mapping):
        return 3 + sum(len(str(k).encode()) + value_size(v) + 1 for k, v in value.items())
    if isinstance(value, set | frozenset):
        return sum(value_size(v) for v in value)
    if isinstance(value, list | tuple):
        return 3 + sum(value_size(v) + 1 for v in value)
    raise TypeError(f"not a DynamoDB value: {type(value).__name__}")


def _typed_value_size(value: Mapping[str, Any]) -> int:
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode("utf-8"))
    if kind == "N":
        return number_size(inner)
    if kind == "B":
        return len(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(_typed_value_size(v) + 1 for v in inner)
    if kind == "M":
        return 3 + sum(len(k.encode()) + _typed_value_size(v) + 1 for k, v in inner.items())
    if kind == "SS":
        return sum(len(s.encode("utf-8")) for s in inner)
    if kind == "NS":
        return sum(number_size(n) for n in inner)
    if kind == "BS":
        return sum(len(b) for b in inner)
    raise TypeError(f"not a DynamoDB type: {kind}")


def is_typed(item: Mapping[str, Any]) -> bool:
    """True for the low-level client encoding (every value a one-key `{"S": ...}` map)."""
    return bool(item) and all(
        isinstance(v, Mapping) and len(v) == 1 and next(iter(v)) in _TYPED_KEYS
        for v in item.values()
    )


def item_size(item: Mapping[str, Any]) -> int:
    """Bytes DynamoDB counts for an item: every attribute name (UTF-8) + its value."""
    typed = is_typed(item)
    return sum(len(name.encode("utf-8")) + value_size(v, typed=typed) for name, v in item.items())


def write_units(size: int) -> int:
    """Write request units of one write of an item of `size` bytes: 1 per KB, rounded up."""
    return max(1, math.ceil(size / WRITE_UNIT_BYTES))


def read_units(size: int, *, consistent: bool = False) -> float:
    """Read request units of reading `size` bytes in one request: 1 per 4 KB, half if eventual."""
    units = max(1, math.ceil(size / READ_UNIT_BYTES))
    return float(units) if consistent else units / 2


def index_entry(item: Mapping[str, Any], index: IndexSpec) -> dict[str, Any] | None:
    """What `index` holds of `item` (projection ALL: all of it), or None when the item lacks a
    key attribute (a sparse index)."""
    if index.partition not in item or index.sort not in item:
        return None
    return dict(item)


# -- what one stored set costs --------------------------------------------------------------
@dataclass(frozen=True)
class ItemProfile:
    """Per stored set, averaged over the measured items: bytes, write units, index presence."""

    items: int  # how many items were measured
    table_bytes: float  # mean item size
    table_write_units: float  # mean write units of one put on the table
    index_write_units: dict[str, float]  # mean write units of one put on each index (0 if absent)
    index_share: dict[str, float]  # share of the items each index holds
    stored_bytes: float  # mean storage: item + 100, and each index entry + 100
    file_bytes: float  # mean bytes of the set in a lineup file (format 1 JSON)

    @property
    def write_units_per_put(self) -> float:
        return self.table_write_units + sum(self.index_write_units.values())

    @property
    def index_entry_bytes(self) -> float:
        """Mean bytes a Query of an index (projection ALL) returns per set."""
        return self.table_bytes


def measure_items(
    items: Sequence[Mapping[str, Any]],
    performances: Sequence[Performance],
    indexes: Sequence[IndexSpec] = INDEXES,
) -> ItemProfile:
    """Profile the items the store writes for `performances` (same order, same length)."""
    if not items or len(items) != len(performances):
        raise ValueError("measure_items needs one item per performance, and at least one")
    n = len(items)
    sizes = [item_size(i) for i in items]
    table_wcu = sum(write_units(s) for s in sizes) / n
    index_wcu: dict[str, float] = {}
    share: dict[str, float] = {}
    stored = float(sum(sizes) + ITEM_OVERHEAD_BYTES * n)
    for index in indexes:
        entries = [e for e in (index_entry(i, index) for i in items) if e is not None]
        entry_sizes = [item_size(e) for e in entries]
        index_wcu[index.name] = sum(write_units(s) for s in entry_sizes) / n
        share[index.name] = len(entries) / n
        stored += sum(entry_sizes) + ITEM_OVERHEAD_BYTES * len(entries)
    file_bytes = sum(len(json.dumps(p.to_record(), ensure_ascii=False).encode()) + 2
                     for p in performances) / n
    return ItemProfile(
        items=n,
        table_bytes=sum(sizes) / n,
        table_write_units=table_wcu,
        index_write_units=index_wcu,
        index_share=share,
        stored_bytes=stored / n,
        file_bytes=file_bytes,
    )


def mix_profiles(scored: ItemProfile, unscored: ItemProfile, scored_share: float) -> ItemProfile:
    """The profile of a lineup where `scored_share` of the sets have a popularity score."""

    def mix(a: float, b: float) -> float:
        return a * scored_share + b * (1 - scored_share)

    return ItemProfile(
        items=scored.items + unscored.items,
        table_bytes=mix(scored.table_bytes, unscored.table_bytes),
        table_write_units=mix(scored.table_write_units, unscored.table_write_units),
        index_write_units={
            k: mix(scored.index_write_units[k], unscored.index_write_units.get(k, 0.0))
            for k in scored.index_write_units
        },
        index_share={
            k: mix(scored.index_share[k], unscored.index_share.get(k, 0.0))
            for k in scored.index_share
        },
        stored_bytes=mix(scored.stored_bytes, unscored.stored_bytes),
        file_bytes=mix(scored.file_bytes, unscored.file_bytes),
    )


# Typical sets of a lineup, measured through the store's own encoding by the caller: name
# lengths of real festival lineups, some non-ASCII, popularity of 1-3 digits.
SAMPLE_SETS: tuple[Performance, ...] = (
    Performance("Aurora Fields", "Main", "2026-07-10", "18:00", "19:15", 87),
    Performance("The Midnight Cartographers", "Riverside Tent", "2026-07-10", "23:30", "01:00", 64),
    Performance("Sigur Rós Tribute", "Björk Stage", "2026-07-11", "20:00", "21:30", 100),
    Performance("DJ Kōji", "Club Nocturne", "2026-07-11", "01:00", "03:00", 5),
    Performance("Los Hermanos Núñez", "Second Stage", "2026-07-12", "14:15", "15:00", 42),
)


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
    alarms: int = 1  # the dead-letter queue alarm
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


# Query mix (share of queries, sets read per query as a multiple of `sets_per_date`, or fixed).
QUERY_MIX: tuple[tuple[str, str, float, float | None, int], ...] = (
    # (question, index, share, sets read per query as a fraction of a date, fixed sets)
    ("--performer", "table", 0.30, None, 3),
    ("--stage --from --to", "Stage-Date-Start", 0.20, 0.15, 0),
    ("--date", "Date-Time", 0.30, 1.0, 0),
    ("--date --at", "Date-Time", 0.10, 1.5, 0),  # the date up to T + the evening before
    ("--date --min-popularity", "Date-Popularity", 0.10, 0.2, 0),
)


@dataclass(frozen=True)
class CostLine:
    """One priced quantity: e.g. DynamoDB, table writes, 3.4 M write units, $2.13."""

    service: str
    what: str
    quantity: float
    unit: str
    unit_price: float  # USD per `per` units
    per: float = 1.0
    free: float = 0.0  # always-free allowance of this quantity a month

    @property
    def monthly(self) -> float:
        return self.quantity / self.per * self.unit_price

    @property
    def monthly_after_free_tier(self) -> float:
        return max(0.0, self.quantity - self.free) / self.per * self.unit_price


@dataclass(frozen=True)
class Limit:
    """Where the design stops scaling: a quantity, its bound and why."""

    what: str
    value: str
    why: str


@dataclass(frozen=True)
class Estimate:
    """The monthly cost by service, with everything it assumed and where it stops scaling."""

    assumptions: Assumptions
    profile: ItemProfile
    prices: PriceTable
    lines: list[CostLine]
    limits: list[Limit] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(line.monthly for line in self.lines)

    @property
    def total_after_free_tier(self) -> float:
        return sum(line.monthly_after_free_tier for line in self.lines)

    def by_service(self) -> dict[str, tuple[float, float]]:
        """service -> (list price, after the always-free tier), in the order of the lines."""
        out: dict[str, tuple[float, float]] = {}
        for line in self.lines:
            a, b = out.get(line.service, (0.0, 0.0))
            out[line.service] = (a + line.monthly, b + line.monthly_after_free_tier)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "region": self.prices.region,
            "prices_read_on": self.prices.read_on,
            "total_usd": round(self.total, 4),
            "total_after_free_tier_usd": round(self.total_after_free_tier, 4),
            "by_service": {
                s: {"usd": round(a, 4), "after_free_tier_usd": round(b, 4)}
                for s, (a, b) in self.by_service().items()
            },
            "lines": [
                {
                    "service": line.service,
                    "what": line.what,
                    "quantity": round(line.quantity, 3),
                    "unit": line.unit,
                    "usd": round(line.monthly, 4),
                    "after_free_tier_usd": round(line.monthly_after_free_tier, 4),
                }
                for line in self.lines
            ],
            "item": {
                "bytes": round(self.profile.table_bytes, 1),
                "write_units_per_put": round(self.profile.write_units_per_put, 3),
                "index_write_units": {
                    k: round(v, 3) for k, v in self.profile.index_write_units.items()
                },
                "stored_bytes": round(self.profile.stored_bytes, 1),
            },
            "assumptions": describe_assumptions(self.assumptions),
            "limits": [{"what": x.what, "value": x.value, "why": x.why} for x in self.limits],
        }


def estimate(
    assumptions: Assumptions, profile: ItemProfile, prices: PriceTable = PRICES,
    free: FreeTier = FREE_TIER,
) -> Estimate:
    """The monthly bill of the month `months_of_growth` (storage then at its largest)."""
    a = assumptions.check()
    month = a.days_per_month
    uploads = a.uploads_per_day * month
    written = a.written_per_day * month  # puts of sets a month

    # -- DynamoDB writes: the set on the table + one entry on each index it projects into.
    batch_requests = math.ceil(a.written_per_day / a.uploads_per_day / BATCH_WRITE_LIMIT)
    pending, final = a.ingestion_item_bytes
    per_upload_bookkeeping = (
        (write_units(pending) + a.ingestion_final_writes * write_units(final))
        * (1 + a.ingestion_index_copies)
        + a.lease_writes_per_date * a.dates_per_upload
    )
    lines: list[CostLine] = [
        CostLine("DynamoDB", "writes: table (sets)", written * profile.table_write_units,
                 "write units", prices.dynamodb_write_per_million, MILLION),
    ]
    for name, wcu in profile.index_write_units.items():
        lines.append(CostLine("DynamoDB", f"writes: GSI {name}", written * wcu, "write units",
                              prices.dynamodb_write_per_million, MILLION))
    lines.append(CostLine("DynamoDB", "writes: ingestion records + date leases",
                          uploads * per_upload_bookkeeping, "write units",
                          prices.dynamodb_write_per_million, MILLION))

    # -- DynamoDB reads: the diff reads the stored sets of the file's dates (Date-Time GSI,
    # eventually consistent), and people query.
    per_upload_bytes = a.records_per_upload * profile.index_entry_bytes
    diff_pages = max(a.dates_per_upload, math.ceil(per_upload_bytes / QUERY_PAGE_BYTES))
    diff_units = max(read_units(int(per_upload_bytes)), 0.5 * diff_pages)
    lines.append(CostLine("DynamoDB", "reads: diff before each upload", uploads * diff_units,
                          "read units", prices.dynamodb_read_per_million, MILLION))
    query_units = 0.0
    for _question, _index, share, of_date, fixed in QUERY_MIX:
        sets = fixed if of_date is None else of_date * a.sets_per_date
        query_units += share * read_units(int(sets * profile.index_entry_bytes))
    lines.append(CostLine("DynamoDB", f"reads: {a.queries_per_day:,} queries a day (mix)",
                          a.queries_per_day * month * query_units, "read units",
                          prices.dynamodb_read_per_million, MILLION))

    # -- DynamoDB storage after months of growth (sets written are assumed new: worst case).
    stored_sets = a.written_per_day * month * a.months_of_growth
    storage_gb = stored_sets * profile.stored_bytes / GB
    lines.append(CostLine("DynamoDB", f"storage after {a.months_of_growth} months", storage_gb,
                          "GB-month", prices.dynamodb_storage_gb_month,
                          free=free.dynamodb_storage_gb))
    if a.pitr:
        lines.append(CostLine("DynamoDB", "point-in-time recovery", storage_gb, "GB-month",
                              prices.dynamodb_pitr_gb_month))

    # -- Lambda: one invocation per upload, time for records and DynamoDB round trips.
    ms = (a.lambda_fixed_ms + a.records_per_upload * a.lambda_ms_per_record
          + (batch_requests + diff_pages) * a.lambda_ms_per_request)
    gb_seconds = uploads * ms / 1000 * a.lambda_memory_mb / 1024
    lines.append(CostLine("Lambda", "requests", uploads, "requests",
                          prices.lambda_requests_per_million, MILLION, free=free.lambda_requests))
    lines.append(CostLine("Lambda", f"compute ({a.architecture}, {a.lambda_memory_mb} MB, "
                          f"~{ms:,.0f} ms each)", gb_seconds, "GB-seconds",
                          prices.lambda_gb_second[a.architecture], free=free.lambda_gb_seconds))

    # -- SQS: S3 sends, Lambda receives and deletes; Lambda's pollers long-poll while idle.
    idle_polls = a.sqs_pollers * 86_400 / 20 * month
    lines.append(CostLine("SQS", "send + receive + delete per upload, and idle long polls",
                          uploads * 3 + idle_polls, "requests", prices.sqs_requests_per_million,
                          MILLION, free=free.sqs_requests))

    # -- S3: one PUT and one GET per upload; files kept.
    lines.append(CostLine("S3", "PUT (uploads)", uploads, "requests",
                          prices.s3_put_per_thousand, 1000))
    lines.append(CostLine("S3", "GET (the function reads each file)", uploads, "requests",
                          prices.s3_get_per_thousand, 1000))
    file_gb = (a.records_per_day * month * (a.months_of_growth if a.keep_files else 1)
               * profile.file_bytes / GB)
    lines.append(CostLine("S3", f"storage of uploaded files after {a.months_of_growth} months",
                          file_gb, "GB-month", prices.s3_storage_gb_month))

    # -- SNS: one notification per upload, to every subscriber.
    lines.append(CostLine("SNS", "publishes", uploads, "publishes",
                          prices.sns_publish_per_million, MILLION, free=free.sns_publishes))
    lines.append(CostLine("SNS", "email deliveries", uploads * a.subscribers, "emails",
                          prices.sns_email_per_hundred_thousand, 100_000, free=free.sns_emails))

    # -- CloudWatch Logs.
    log_gb = uploads * a.log_bytes_per_invocation / GB
    lines.append(CostLine("CloudWatch Logs", "ingestion", log_gb, "GB",
                          prices.logs_ingestion_gb, free=free.logs_gb))
    lines.append(CostLine("CloudWatch Logs", f"storage (kept {a.log_retention_days} days)",
                          log_gb * min(a.log_retention_days / month, a.months_of_growth),
                          "GB-month",
                          prices.logs_storage_gb_month))

    # -- KMS: the stack's one customer managed key, and the requests its services make.
    lines.append(CostLine("KMS", "customer managed key", 1, "key-months", prices.kms_key_month))
    lines.append(CostLine("KMS", "requests", uploads * a.kms_requests_per_upload, "requests",
                          prices.kms_requests_per_ten_thousand, 10_000, free=free.kms_requests))
    lines.append(CostLine("CloudWatch", "alarm (dead-letter queue)", a.alarms, "alarm-months",
                          prices.alarm_month, free=free.alarms))

    return Estimate(a, profile, prices, lines, scale_limits(a, profile))


def scale_limits(a: Assumptions, profile: ItemProfile) -> list[Limit]:
    """Where this design stops scaling, from DynamoDB's per-partition and per-table limits."""
    by_date = [index.name for index in date_keyed()]
    date_index_wcu = max(
        (wcu / share for name, wcu in profile.index_write_units.items()
         if (share := profile.index_share.get(name, 0)) and name in by_date),
        default=1.0,
    )
    per_date = PARTITION_WRITES_PER_SECOND / date_index_wcu  # sets of one date a second
    per_file = min(per_date * a.dates_per_upload,
                   NEW_TABLE_WRITES_PER_SECOND / profile.table_write_units)
    per_page = int(QUERY_PAGE_BYTES / max(profile.table_bytes, 1))
    budget = a.lambda_timeout_s * 0.5  # half the timeout for writing, the rest for retries
    batch = 5  # files per invocation (the event source's BatchSize)
    fewest_uploads = math.ceil(a.records_per_day / a.max_sets_per_file)
    return [
        Limit("sets of one date indexed a second", f"~{per_date:,.0f}",
              f"the {' and '.join(by_date)} indexes key on the date: one date is one "
              "index partition, which takes at most 1,000 write units a second; a throttled "
              "index throttles the table's writes too"),
        Limit("sets a second for one file", f"~{per_file:,.0f}",
              f"{a.dates_per_upload} dates x the per-date rate, capped by a new on-demand "
              f"table's {NEW_TABLE_WRITES_PER_SECOND:,} writes a second"),
        Limit("sets in one file", f"{a.max_sets_per_file:,} (the pipeline's limit)",
              f"sized so that a batch of {batch} such files, all on one date, is written in "
              f"~{batch * a.max_sets_per_file / per_date:,.0f} s at the throttled rate, well "
              f"inside the {a.lambda_timeout_s} s timeout; {a.records_per_day:,} records a day "
              f"therefore need at least {fewest_uploads:,} "
              f"upload{'s' if fewest_uploads != 1 else ''} a day"),
        Limit("sets the timeout could write", f"~{int(per_date * budget):,} of one date",
              f"half the {a.lambda_timeout_s} s timeout at the throttled rate (the rest for "
              "backoff); beyond that a file must be split by date, or the date indexes "
              "sharded (e.g. Date#shard), which this design does not do"),
        Limit("records a day", f"not the bound (~{per_date * 86_400 / 1e6:,.0f} M sets of one "
              "date a day)", "what stops scaling is the per-date burst of one file, and the "
              "bill: storage, PITR and index writes grow with every set kept"),
        Limit("sets read per Query page", f"~{per_page:,}",
              "reads are Queries, never scans: their cost grows with the answer, not the table"),
    ]


def describe_assumptions(a: Assumptions) -> list[str]:
    """The assumptions as sentences, shown under the table."""
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
        + ", ".join(f"{q} {s:.0%}" for q, _, s, _, _ in QUERY_MIX)
        + f"; a date holds {a.sets_per_date} sets",
        f"Lambda {a.architecture} {a.lambda_memory_mb} MB: {a.lambda_fixed_ms:g} ms an "
        f"invocation + {a.lambda_ms_per_record:g} ms a record + "
        f"{a.lambda_ms_per_request:g} ms a DynamoDB request",
        f"SQS: {a.sqs_pollers} idle long-pollers (20 s each) + 3 requests an upload; "
        f"SNS: 1 publish and {a.subscribers} email an upload",
        f"CloudWatch Logs: {a.log_bytes_per_invocation:,} bytes an invocation, kept "
        f"{a.log_retention_days} days; KMS: one customer key, {a.kms_requests_per_upload} "
        f"requests an upload; {a.alarms} alarm",
        f"ingestion record: a {a.ingestion_item_bytes[0]:,}-byte put, then "
        f"{a.ingestion_final_writes} updates of {a.ingestion_item_bytes[1]:,} bytes, each also "
        f"written to {a.ingestion_index_copies} index; {a.lease_writes_per_date} lease writes "
        "per date an upload",
    ]
