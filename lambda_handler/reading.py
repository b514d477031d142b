"""Reading an uploaded object version: its size first, then at most the limit of its body.

- The size comes from the event (`s3.object.size`, which S3 always sends). An object the event
  says is over `MAX_FILE_BYTES` is never read: a HeadObject gives its metadata (the upload
  token, so its record gets the id `festival upload` follows), and it is rejected as too large.
- The body is read with a bound (`limit + 1` bytes): whatever an object turns out to hold, the
  function never keeps more than the limit of it in memory. So an event without a size needs
  no HeadObject first: the bounded GetObject alone tells (one byte over the limit: too large,
  rejected with the GetObject's metadata and ContentLength).
- The version is the event's: in the versioned bucket an upload deleted (or overwritten) before
  it was ingested is still readable and is ingested as it was uploaded. A version that is gone
  for good, or that S3 refuses to show (403: S3 answers so to a reader without ListBucket
  instead of 404, and so it does for a key policy that denies), is a permanent failure with
  its reason; throttling and 5xx are passing, retried through the queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from festival_cli.aws_errors import AWS_ERRORS, DENIED, MISSING, error_code
from festival_cli.core.s3_events import ObjectCreated

if TYPE_CHECKING:  # pragma: no cover - stubs (types-boto3) for mypy only
    from types_boto3_s3.client import S3Client

# S3's answers for a version that is gone for good, or that the function may not read (a key
# that is disabled or pending deletion refuses too).
_GONE = MISSING
_REFUSED = DENIED | {"AllAccessDisabled", "KMS.DisabledException",
                     "KMS.KMSInvalidStateException"}


class Unreadable(Exception):
    """The object version cannot be read. `permanent`: it never will be (recorded as failed);
    otherwise the message is retried."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


@dataclass(frozen=True)
class Upload:
    """An object version as the function sees it: its metadata, size and (unless it is too
    large to read) its bytes."""

    size: int
    metadata: dict[str, str] = field(default_factory=dict)
    data: bytes | None = None  # None: larger than the limit, never read
    last_modified: datetime | None = None  # the version's creation, to the second


def read_upload(s3: S3Client, obj: ObjectCreated, limit: int) -> Upload:
    """The object version of `obj`, its body read only when it is at most `limit` bytes."""
    version = {"VersionId": obj.version_id} if obj.version_id else {}
    if obj.size is not None and obj.size > limit:  # without a size, the bounded read tells
        head = _call(s3.head_object, obj, Bucket=obj.bucket, Key=obj.key, **version)
        size = int(head.get("ContentLength", 0))
        if size > limit:
            return Upload(size=size, metadata=_metadata(head),
                          last_modified=head.get("LastModified"))
    response = _call(s3.get_object, obj, Bucket=obj.bucket, Key=obj.key, **version)
    body = response["Body"]
    try:
        data = _bounded(body, limit)
    except (*AWS_ERRORS, OSError) as exc:
        raise Unreadable(f"reading s3://{obj.bucket}/{obj.key} failed midway ({exc})",
                         permanent=False) from None
    finally:
        body.close()
    if len(data) > limit:  # larger than its event said, or an event without a size
        return Upload(size=max(len(data), int(response.get("ContentLength", 0))),
                      metadata=_metadata(response), last_modified=response.get("LastModified"))
    return Upload(size=len(data), metadata=_metadata(response), data=data,
                  last_modified=response.get("LastModified"))


def _bounded(body: Any, limit: int) -> bytes:
    """At most `limit + 1` bytes of a streaming body, in one read: one byte more than the
    limit tells that the object is too large, and nothing beyond it is ever held."""
    data: bytes = body.read(limit + 1)
    return data


def _metadata(response: dict[str, Any]) -> dict[str, str]:
    return {k.lower(): v for k, v in (response.get("Metadata") or {}).items()}


def _call(operation: Any, obj: ObjectCreated, **request: Any) -> dict[str, Any]:
    where = f"s3://{obj.bucket}/{obj.key}" + (f" (version {obj.version_id})"
                                               if obj.version_id else "")
    try:
        response: dict[str, Any] = operation(**request)
        return response
    except AWS_ERRORS as exc:
        code = error_code(exc)
        if code in _GONE:
            raise Unreadable(
                f"the object {where} no longer exists ({code}): it was deleted for good "
                "before it could be read; nothing was written. Upload the file again.",
                permanent=True) from None
        if code in _REFUSED:
            raise Unreadable(
                f"S3 refused to let the function read {where} ({code}): the version was "
                "deleted for good (S3 answers 403 rather than 404 to a reader that may not list "
                "the bucket), or a bucket or key policy denies it; nothing was written. Upload "
                "the file again, or check the policies.", permanent=True) from None
        raise Unreadable(f"reading {where} failed ({code or exc}); retried",
                         permanent=False) from None
