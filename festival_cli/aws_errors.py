"""botocore's failures in festival's words: the one place that reads an AWS error.

Everything that talks to AWS (the DynamoDB store, the stack target, the deploy code, the session
and the Lambda handler) asks this module what an error is: its code (`error_code`), whether the
same request may succeed later (`is_transient`), whether the thing asked for is not there
(`is_missing`), and the one line a person reads, with the usual fix (`describe`). It maps them
onto the core's errors: `translated(doing, into)` for a block of calls, and `store_error` for
the stores (a `TransientStoreError` when a retry may help, so that SQS retries the message).

It sits just above the core and below everything else (stores, handler, aws, targets), imports
nothing of festival but `core.errors`, and is shipped in the function's package.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
)

from festival_cli.core.errors import FestivalError, StoreError, TransientStoreError

# What every AWS call may raise: an error answer (ClientError) or no answer (BotoCoreError).
AWS_ERRORS = (ClientError, BotoCoreError)

# Codes that mean "too much, too soon, or AWS's own trouble": the same request may succeed later.
THROTTLING = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionConflictException",
    }
)
# The bucket, object or version (HEAD requests answer a bare 404), or the table, asked for
# does not exist.
MISSING = frozenset({"404", "NotFound", "NoSuchBucket", "NoSuchKey", "NoSuchVersion",
                     "ResourceNotFoundException"})
DENIED = frozenset(
    {"403", "Forbidden", "AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}
)
EXPIRED = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"})
CONDITION_FAILED = "ConditionalCheckFailedException"


def error_code(exc: BaseException | None) -> str:
    """The code of an AWS error answer ('' for anything else)."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


def error_message(exc: BaseException) -> str:
    """The message of an AWS error answer, or the exception's text."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Message", ""))
    return str(exc)


def is_transient(exc: BaseException) -> bool:
    """Throttling, a timeout, a dropped connection or a 5xx: the same request may succeed later."""
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return error_code(exc) in THROTTLING or (isinstance(status, int) and status >= 500)
    if isinstance(exc, BotoCoreError):
        name = type(exc).__name__
        return "Timeout" in name or "Connection" in name or "Endpoint" in name
    return False


def is_missing(exc: BaseException) -> bool:
    """The bucket, object, version, table or stack asked for does not exist."""
    code = error_code(exc)
    # CloudFormation has no code of its own for it: "ValidationError: Stack with id x does not
    # exist".
    return code in MISSING or (code == "ValidationError" and "does not exist" in error_message(exc))


def is_denied(exc: BaseException) -> bool:
    return error_code(exc) in DENIED


def is_condition_failed(exc: BaseException) -> bool:
    """A conditional write whose condition did not hold (nothing was written)."""
    return error_code(exc) == CONDITION_FAILED


def condition_item(exc: BaseException) -> dict[str, Any] | None:
    """The item a refused conditional write met, when it asked for it
    (`ReturnValuesOnConditionCheckFailure=ALL_OLD`) and there was one."""
    if isinstance(exc, ClientError):
        item = exc.response.get("Item")
        return item if isinstance(item, dict) else None
    return None


def describe(exc: BaseException) -> str:
    """A one-line reason for a botocore failure, with the usual fix when there is one."""
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return ("no AWS credentials found: set AWS_PROFILE (then `aws sso login` if it uses "
                "SSO) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY")
    if isinstance(exc, ProfileNotFound):
        return f"{exc}: check AWS_PROFILE or ~/.aws/config"
    if isinstance(exc, EndpointConnectionError):
        return f"cannot reach AWS ({exc}): check your network, AWS_REGION and AWS_ENDPOINT_URL"
    if isinstance(exc, ClientError):
        code, message = error_code(exc), error_message(exc)
        if code in EXPIRED:
            return "your AWS credentials have expired: refresh them (e.g. `aws sso login`)"
        if code in DENIED:
            return f"access denied: {message}".rstrip(": ")
        return f"{code}: {message}".strip(": ")
    return str(exc)


def translate(exc: BaseException, doing: str, into: type[FestivalError]) -> FestivalError:
    """`into` the error saying what was being done and why it failed."""
    return into(f"{doing}: {describe(exc)}")


@contextmanager
def translated(doing: str, into: type[FestivalError]) -> Iterator[None]:
    """Turn botocore's exceptions raised in the block into `into`, naming what was being done."""
    try:
        yield
    except AWS_ERRORS as exc:
        raise translate(exc, doing, into) from None


def store_error(exc: BaseException, doing: str, service: str = "DynamoDB") -> StoreError:
    """The store's error for a failure while `doing` something: transient when a retry may
    succeed (the pipeline then retries the message), permanent otherwise."""
    message = f"{service} could not {doing} ({describe(exc)})"
    if is_transient(exc):
        return TransientStoreError(message + "; retry later")
    return StoreError(message)


@contextmanager
def store_errors(doing: str, service: str = "DynamoDB") -> Iterator[None]:
    """Turn botocore's exceptions raised in the block into the store's error (`store_error`)."""
    try:
        yield
    except AWS_ERRORS as exc:
        raise store_error(exc, doing, service) from exc
