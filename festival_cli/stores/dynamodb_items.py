"""The DynamoDB items festival writes, and what DynamoDB counts them as.

One place for the item format: a set's item in `Performances` (`to_item` / `from_item`), an
ingestion record's item in `Ingestions` (`record_attributes` / `record_item` / `record_of`), and
DynamoDB's documented size rule applied to them (`item_size`, `ingestion_item_size`), which the
cost estimate measures. Pure functions on the low-level attribute-value encoding
(`{"S": "..."}`); nothing here calls AWS.

Size rule (DynamoDB developer guide, "Item sizes and formats", 2026): item size = UTF-8 bytes of
every attribute name + the size of its value: a string its UTF-8 bytes, a number about 1 byte
per two significant digits + 1, binary its bytes, null/bool 1 byte, a list or map 3 bytes +
1 byte per element + the elements (a map's keys counted as names).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias

from festival_cli.core.model import (
    ATTR_CANCELLED,
    ATTR_DATE,
    ATTR_END,
    ATTR_FESTIVAL,
    ATTR_GUID,
    ATTR_PERFORMER,
    ATTR_POPULARITY,
    ATTR_SEQUENCE,
    ATTR_SET_ID,
    ATTR_SORT_KEY,
    ATTR_STAGE,
    ATTR_START,
    ATTR_TIMEZONE,
    ATTR_UPLOAD,
    Performance,
)
from festival_cli.core.plan import IdentifiedSet
from festival_cli.core.records import Ingestion
from festival_cli.core.schema import TABLE
from festival_cli.stores.dynamodb_schema import (
    ATTR_INGESTION_ID,
    ATTR_KIND,
    ATTR_STARTED,
    KIND_INGESTION,
)

if TYPE_CHECKING:  # pragma: no cover - stubs (types-boto3) for mypy only
    from types_boto3_dynamodb.type_defs import AttributeValueTypeDef

# An item as the DynamoDB client sends and returns it (typed by types-boto3, for mypy only).
Item: TypeAlias = "dict[str, AttributeValueTypeDef]"

# What one ingestion record keeps of its lists (an item is at most 400 KB).
STORED_LINES = 100
LINE_CHARS = 500
RECORD_BYTES = 300_000

ATTR_STATE = "State"
ATTR_FILE = "File"
ATTR_RECORD = "Record"

_SURROGATE = re.compile("[\ud800-\udfff]")


# -- a set --------------------------------------------------------------------------------------
def to_item(p: Performance, identity: IdentifiedSet | None = None) -> Item:
    """The DynamoDB item of a set (low-level attribute values); no score, no PopularityScore.

    With `identity` (what a plan writes), its guid, id, sequence, and `Cancelled` on a tombstone.
    """
    item: Item = {
        ATTR_PERFORMER: {"S": p.performer},
        ATTR_SORT_KEY: {"S": p.sort_key},
        ATTR_STAGE: {"S": p.stage},
        ATTR_DATE: {"S": p.date},
        ATTR_START: {"S": p.start},
        ATTR_END: {"S": p.end},
    }
    if p.popularity is not None:
        item[ATTR_POPULARITY] = {"N": str(p.popularity)}
    if p.festival is not None:
        item[ATTR_FESTIVAL] = {"S": p.festival}
    if p.timezone is not None:
        item[ATTR_TIMEZONE] = {"S": p.timezone}
    if p.upload is not None:
        item[ATTR_UPLOAD] = {"S": p.upload}
    if identity is not None:
        _, guid, set_id, sequence, cancelled = identity
        item[ATTR_GUID] = {"S": guid}
        item[ATTR_SET_ID] = {"N": str(set_id)}
        item[ATTR_SEQUENCE] = {"N": str(sequence)}
        if cancelled:
            item[ATTR_CANCELLED] = {"BOOL": True}
    return item


def from_item(item: Item) -> Performance:
    """The set an item stores (an item written before identity existed has none)."""
    score = item.get(ATTR_POPULARITY)
    guid = item.get(ATTR_GUID)
    set_id = item.get(ATTR_SET_ID)
    sequence = item.get(ATTR_SEQUENCE)
    festival = item.get(ATTR_FESTIVAL)
    timezone = item.get(ATTR_TIMEZONE)
    upload = item.get(ATTR_UPLOAD)
    return Performance(
        performer=item[ATTR_PERFORMER]["S"],
        stage=item[ATTR_STAGE]["S"],
        date=item[ATTR_DATE]["S"],
        start=item[ATTR_START]["S"],
        end=item[ATTR_END]["S"],
        popularity=int(score["N"]) if score is not None else None,
        guid=guid["S"] if guid is not None else None,
        set_id=int(set_id["N"]) if set_id is not None else None,
        sequence=int(sequence["N"]) if sequence is not None else 0,
        cancelled=ATTR_CANCELLED in item,
        festival=festival["S"] if festival is not None else None,
        timezone=timezone["S"] if timezone is not None else None,
        upload=upload["S"] if upload is not None else None,
    )


def key_item(key: tuple[str, str]) -> Item:
    """The table key of a set's `Performance.key` (performer, `date#start`), named as
    core.schema.TABLE declares it."""
    return {TABLE.partition: {"S": key[0]}, TABLE.sort: {"S": key[1]}}


def key_of(p: Performance) -> Item:
    return key_item(p.key)


# -- an ingestion record ------------------------------------------------------------------------
def record_json(record: Ingestion) -> str:
    """The record as JSON that fits in an item: lists shortened (their totals kept as
    numbers), lone surrogates escaped."""
    for cap in (STORED_LINES, 40, 10, 0):
        data = record.shortened(cap, line_chars=LINE_CHARS).to_dict()
        # A lone surrogate (quoted from a hostile file) cannot be sent as UTF-8: show it as
        # the text `\udc80` instead.
        text = _SURROGATE.sub(lambda m: f"\\\\u{ord(m.group()):04x}",
                              json.dumps(data, ensure_ascii=False))
        if len(text.encode()) <= RECORD_BYTES:
            break
    return text


def record_attributes(record: Ingestion) -> Item:
    """The attributes a record's item holds besides its key (what a save updates)."""
    return {
        ATTR_KIND: {"S": KIND_INGESTION},
        ATTR_STARTED: {"S": record.started},
        ATTR_STATE: {"S": record.state},
        ATTR_FILE: {"S": record.file},
        ATTR_RECORD: {"S": record_json(record)},
    }


def record_item(record: Ingestion) -> Item:
    """The whole item of a record, key included."""
    return {ATTR_INGESTION_ID: {"S": record.id}, **record_attributes(record)}


def record_of(item: Item) -> Ingestion:
    """The record an item stores."""
    return Ingestion.from_dict(json.loads(item[ATTR_RECORD]["S"]))


# -- sizes ----------------------------------------------------------------------------------------
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


def ingestion_item_size(record: Ingestion) -> int:
    """Bytes DynamoDB counts for the item the store writes for `record`."""
    return item_size(record_item(record))
