"""festival_cli.aws_errors: what an AWS error is, what a person reads, which core error it becomes.

botocore's exceptions are built here as botocore builds them from an answer; no AWS (and no moto)
is needed to read them.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
    ProfileNotFound,
)

from festival_cli.aws_errors import (
    describe,
    error_code,
    error_message,
    is_condition_failed,
    is_denied,
    is_missing,
    is_transient,
    store_error,
    store_errors,
    translated,
)
from festival_cli.core.errors import DeployError, StackError, StoreError, TransientStoreError


def answer(code: str, message: str = "", status: int = 400) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message},
                            "ResponseMetadata": {"HTTPStatusCode": status}}, "AnOperation")


def test_code_and_message_of_an_answer() -> None:
    exc = answer("NoSuchKey", "The specified key does not exist.", 404)
    assert (error_code(exc), error_message(exc)) == ("NoSuchKey",
                                                     "The specified key does not exist.")


def test_no_answer_has_no_code() -> None:
    assert error_code(NoCredentialsError()) == ""
    assert error_code(None) == ""
    assert error_message(ValueError("x")) == "x"


@pytest.mark.parametrize("exc", [
    answer("ProvisionedThroughputExceededException"),
    answer("ThrottlingException"),
    answer("TransactionConflictException"),
    answer("InternalError", status=500),
    answer("ServiceUnavailable", status=503),
    ConnectTimeoutError(endpoint_url="https://dynamodb"),
    EndpointConnectionError(endpoint_url="https://dynamodb"),
])
def test_transient(exc: Exception) -> None:
    assert is_transient(exc)


@pytest.mark.parametrize("exc", [
    answer("ValidationException", "bad"),
    answer("AccessDeniedException", status=403),
    answer("ConditionalCheckFailedException"),
    NoCredentialsError(),
    ParamValidationError(report="bad"),
    ValueError("not botocore"),
])
def test_not_transient(exc: Exception) -> None:
    assert not is_transient(exc)


@pytest.mark.parametrize("code", ["404", "NotFound", "NoSuchBucket", "NoSuchKey", "NoSuchVersion",
                                  "ResourceNotFoundException"])
def test_missing_s3_things_and_tables(code: str) -> None:
    assert is_missing(answer(code, status=404))


def test_a_missing_stack_is_a_validation_error_that_says_so() -> None:
    assert is_missing(answer("ValidationError", "Stack with id fest does not exist"))
    assert not is_missing(answer("ValidationError", "Template format error"))
    assert not is_missing(answer("AccessDenied", status=403))


def test_denied_and_condition_failed() -> None:
    assert is_denied(answer("403", status=403)) and is_denied(answer("AccessDenied"))
    assert not is_denied(answer("NoSuchBucket"))
    assert is_condition_failed(answer("ConditionalCheckFailedException"))
    assert not is_condition_failed(answer("ValidationException"))


@pytest.mark.parametrize(("exc", "expected"), [
    (NoCredentialsError(), "no AWS credentials found: set AWS_PROFILE"),
    (ProfileNotFound(profile="ghost"),
     "The config profile (ghost) could not be found: check AWS_PROFILE"),
    (EndpointConnectionError(endpoint_url="https://x"), "cannot reach AWS (Could not connect"),
    (answer("ExpiredTokenException"), "your AWS credentials have expired: refresh them"),
    (answer("AccessDenied", "no s3:PutObject"), "access denied: no s3:PutObject"),
    (answer("ValidationException", "bad key"), "ValidationException: bad key"),
])
def test_describe_says_what_and_how_to_fix(exc: Exception, expected: str) -> None:
    assert describe(exc).startswith(expected)


def test_describe_drops_an_empty_message() -> None:
    assert describe(answer("AccessDenied")) == "access denied"
    assert describe(answer("Boom")) == "Boom"


def test_translated_names_what_was_being_done() -> None:
    with pytest.raises(DeployError, match=r"^reading the AWS account: access denied: no$"), \
            translated("reading the AWS account", DeployError):
        raise answer("AccessDenied", "no", 403)


def test_translated_lets_other_errors_through() -> None:
    with pytest.raises(KeyError), translated("anything", StackError):
        raise KeyError("not botocore")


def test_a_transient_store_failure_says_retry() -> None:
    error = store_error(answer("ThrottlingException", "slow down"), "write a batch of sets")
    assert type(error) is TransientStoreError
    assert str(error) == ("DynamoDB could not write a batch of sets (ThrottlingException: slow "
                          "down); retry later")


def test_a_permanent_store_failure_is_a_store_error() -> None:
    exc = answer("ValidationException", "bad")
    with pytest.raises(StoreError) as raised, store_errors("read ingestion x"):
        raise exc
    assert type(raised.value) is StoreError
    assert str(raised.value) == "DynamoDB could not read ingestion x (ValidationException: bad)"
    assert raised.value.__cause__ is exc  # kept for the function's log
