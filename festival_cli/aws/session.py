"""AWS clients from the standard configuration, made on first use.

Profile, region, credentials and endpoint come from where every AWS tool reads them
(`AWS_PROFILE`, `AWS_REGION` / `AWS_DEFAULT_REGION`, `~/.aws/config`, `AWS_ENDPOINT_URL` and
`AWS_ENDPOINT_URL_<SERVICE>`, which botocore honours itself). boto3 is imported only here and
only when a client is first asked for, so local commands never pay for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, Protocol, overload

from festival_cli.aws_errors import AWS_ERRORS, describe
from festival_cli.core.errors import StackError

if TYPE_CHECKING:  # pragma: no cover - the stubs are a dev dependency, never imported at run time
    from types_boto3_cloudformation.client import CloudFormationClient
    from types_boto3_dynamodb.client import DynamoDBClient
    from types_boto3_s3.client import S3Client
    from types_boto3_sns.client import SNSClient
    from types_boto3_sqs.client import SQSClient
    from types_boto3_sts.client import STSClient

# Told what is being done, one line at a time (the CLI prints it; tests collect it).
Notify = Callable[[str], None]


def ignore(_: Any) -> None:
    """The callback of a caller that wants no report."""
    return None


class Clients(Protocol):
    """Where the AWS code gets its clients: an AwsSession, or a fake. Each client is typed by
    its service's stubs (types-boto3), for mypy only."""

    @property
    def region(self) -> str: ...

    @overload
    def client(self, service: Literal["cloudformation"]) -> CloudFormationClient: ...
    @overload
    def client(self, service: Literal["dynamodb"]) -> DynamoDBClient: ...
    @overload
    def client(self, service: Literal["s3"]) -> S3Client: ...
    @overload
    def client(self, service: Literal["sns"]) -> SNSClient: ...
    @overload
    def client(self, service: Literal["sqs"]) -> SQSClient: ...
    @overload
    def client(self, service: Literal["sts"]) -> STSClient: ...
    @overload
    def client(self, service: str) -> Any: ...


class AwsSession:
    """One boto3 session and its clients, created lazily."""

    def __init__(self, profile: str | None = None, region: str | None = None) -> None:
        self._profile = profile
        self._region = region
        self._session: Any = None
        self._clients: dict[str, Any] = {}

    @property
    def session(self) -> Any:
        if self._session is None:
            import boto3

            try:
                self._session = boto3.session.Session(
                    profile_name=self._profile, region_name=self._region)
            except AWS_ERRORS as exc:  # a profile that is not there
                raise StackError(describe(exc)) from None
        return self._session

    @property
    def region(self) -> str:
        region = self.session.region_name
        if not region:
            raise StackError(
                "no AWS region is configured: set AWS_REGION (or AWS_DEFAULT_REGION), "
                "or a region in your AWS profile"
            )
        return str(region)

    def client(self, service: str) -> Any:
        """The client of `service` in the configured region (one per session)."""
        if service not in self._clients:
            self._clients[service] = self.session.client(service, region_name=self.region)
        return self._clients[service]
