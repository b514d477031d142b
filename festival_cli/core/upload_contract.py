"""The contract between whoever puts a lineup into the bucket and the function that ingests it.

Both sides import it (the CLI's stack target and the Lambda handler), so the prefix, the
metadata names and the ingestion id of an uploaded object cannot drift apart.

- Lineups are uploaded under `uploads/` as `<name>.json`.
- `x-amz-meta-festival-merge: true` asks for a merge (add and update only); without it the
  file replaces the stored sets of the dates it lists.
- `x-amz-meta-festival-upload: <token>` is a random token `festival upload` sets, so that the
  CLI knows the ingestion id before the function runs, and re-uploading an earlier file's exact
  bytes is a new ingestion rather than a duplicate. An object dropped without it is identified
  by its version id (or, in an unversioned bucket, its eTag and the event's sequencer).
- `x-amz-meta-festival-order: <order>` is set only by `festival retry` on its copy: the original
  upload's place in the upload order, so a retried old upload does not pass for a new one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - imported where a problem is made: a command that only
    # reads the store (a query, a publish) takes this module for its constants (~1 ms)
    from festival_cli.core.problems import Problem

# The largest file the pipeline accepts. Every set of a date lands on one partition of the
# Date-Time and Date-Popularity indexes (~1,000 writes/s each on DynamoDB), so 10,000 sets take
# 10 s or more of throttled writes even on one date; the function's 300 s timeout (and the
# queue's 1,800 s visibility) fits a batch of such files with margin. Larger lineups are split
# by date: each file replaces only the dates it lists.
MAX_SETS_PER_FILE = 10_000
# And the largest file in bytes: 10,000 sets of long non-ASCII names fit in well under 16 MiB,
# while parsing a file of that size stays far inside the function's 512 MB. A larger file is
# refused before it is parsed (a 50 MB file of tiny records would need ~1 GB to parse).
MAX_FILE_BYTES = 16 * 1024 * 1024

UPLOAD_PREFIX = "uploads/"
UPLOAD_SUFFIX = ".json"
MERGE_METADATA = "festival-merge"  # S3 user metadata (x-amz-meta-festival-merge)
TOKEN_METADATA = "festival-upload"  # S3 user metadata (x-amz-meta-festival-upload)
# S3 user metadata (x-amz-meta-festival-order) of a copy `festival retry` makes: the original
# upload's place in the upload order (a core.upload_order token), which the function takes
# instead of the copy's own when it is older (a retried upload stays as old as it was).
ORDER_METADATA = "festival-order"


def ingestion_id_for(bucket: str, key: str, token: str) -> str:
    """The id of the ingestion of one object version: the same for every delivery of it."""
    import hashlib  # here: only the pipeline names ingestions; ~3 ms of every start (OpenSSL)

    digest = hashlib.sha256(f"{bucket}\0{key}\0{token.strip(chr(34))}".encode()).hexdigest()
    return digest[:16]


def version_token(version_id: str) -> str:
    """What stands for the upload token when an object's metadata cannot be read (it was
    deleted for good, or S3 refuses it): its version id. `festival upload` follows this id too,
    so it sees such a failure at once rather than waiting for its timeout."""
    return f"version:{version_id}"


def wants_merge(metadata: Mapping[str, str]) -> bool:
    """Does the object's user metadata ask for a merge?"""
    return metadata.get(MERGE_METADATA, "").strip().lower() in {"true", "1", "yes"}


def upload_metadata(token: str, *, merge: bool, order: str | None = None) -> dict[str, str]:
    """The user metadata `festival upload` puts on an object (and `festival retry`, with the
    original upload's `order`)."""
    metadata = {TOKEN_METADATA: token}
    if merge:
        metadata[MERGE_METADATA] = "true"
    if order:
        metadata[ORDER_METADATA] = order
    return metadata


def size_problems(count: int, limit: int | None = MAX_SETS_PER_FILE) -> list[Problem]:
    """An error when a file holds more sets than the pipeline accepts; none otherwise."""
    from festival_cli.core.problems import Problem

    if limit is None or count <= limit:
        return []
    return [
        Problem(
            path="performances",
            rule="too-many-sets",
            message=(
                f"{count:,} sets; the pipeline accepts at most {limit:,} in one file: split it "
                "into files of a few dates each (a file replaces only the dates it lists)"
            ),
        )
    ]


def file_size_problems(size: int, limit: int | None = MAX_FILE_BYTES) -> list[Problem]:
    """An error when a file is larger than the pipeline parses; none otherwise."""
    from festival_cli.core.problems import Problem

    if limit is None or size <= limit:
        return []
    return [
        Problem(
            path="",
            rule="file-too-large",
            message=(
                f"{size:,} bytes; the pipeline accepts files of at most {limit:,} bytes "
                f"({MAX_SETS_PER_FILE:,} sets): split it into files of a few dates each"
            ),
        )
    ]


# -- retries -------------------------------------------------------------------------------
# A message whose ingestion failed for a passing reason (a date held by another ingestion,
# throttling beyond the in-call retries, SNS unavailable) is made visible again after
# retry_delay(its receive count): 30 s, 90 s, 270 s, 810 s, then 900 s (the cap), instead of
# the queue's 30-minute visibility timeout. Five receives (the queue's maxReceiveCount) thus
# end in the dead-letter queue about 35 minutes after the upload, not 2.5 hours.
RETRY_BASE_SECONDS = 30
RETRY_FACTOR = 3
RETRY_CAP_SECONDS = 900
MAX_RECEIVES = 5

# How long `festival upload` follows an ingestion by default: the first run and the first two
# retries (30 s + 90 s) with time to spare for each run (a typical retry: a date that another
# ingestion was revising).
UPLOAD_WAIT_SECONDS = 300.0


def retry_delay(receive_count: int) -> int:
    """Seconds until a failed message is delivered again, after its `receive_count`-th receive."""
    exponent = max(receive_count, 1) - 1
    return min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * RETRY_FACTOR ** min(exponent, 10))
