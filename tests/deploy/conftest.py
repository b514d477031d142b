"""The AWS world of the deploy tests: fake credentials, moto, and a function source tree.

moto runs a change set's resources but never fills in the stack's outputs afterwards (its
`execute_change_set` keeps the empty output map the change set's placeholder stack began
with); `moto_change_sets` computes them the way CloudFormation does, so that deploy can be
tested through change sets as it runs on AWS.

moto also ignores every policy condition it cannot evaluate, so the TLS-only statement
(`Deny` unless `aws:SecureTransport`) denies every request; the fixture lets moto see what
AWS would: these requests all arrive over TLS.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.cloudformation import models as cloudformation_models
from moto.cloudformation import parsing as cloudformation_parsing
from moto.core.common_models import CloudFormationModel
from moto.s3.models import FakeBucket

from festival_cli.aws.package import MODULES, Package, build_package
from festival_cli.aws.session import AwsSession
from tests.aws.moto_world import REGION, fake_aws

EMAIL = "ops@example.org"
OUTPUTS = {"BucketName", "TableName", "IngestionsTableName", "QueueUrl", "DeadLetterQueueUrl",
           "TopicArn", "FunctionName", "SiteBucketName", "SiteUrl"}


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto for every service, with fake credentials and outputs after change sets."""
    original = cloudformation_models.CloudFormationBackend.execute_change_set

    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        original(self, change_set_name, stack_name)
        for stack in self.stacks.values():
            if stack.template:
                stack._parse_template()
                stack.output_map = stack._create_output_map()

    monkeypatch.setattr(cloudformation_models.CloudFormationBackend, "execute_change_set",
                        execute_change_set)
    monkeypatch.setattr(FakeBucket, "get_permission", _over_tls(FakeBucket.get_permission))
    models = cloudformation_parsing.get_model_map()
    monkeypatch.setattr(cloudformation_parsing, "get_model_map",
                        lambda: {**models, **CLOUDFRONT_STAND_INS})
    with warnings.catch_warnings():
        # moto warns about every resource type its CloudFormation skips (see docs/moto-notes.md)
        warnings.simplefilter("ignore", UserWarning)
        with fake_aws(monkeypatch):
            yield


class CloudFrontStandIn(CloudFormationModel):
    """moto's CloudFormation skips AWS::CloudFront::* resources, but the distribution reads the
    others' ids and the `SiteUrl` output reads its DomainName: these stand-ins give each an id
    (and the distribution a cloudfront.net name), as CloudFront would. They do nothing else."""

    resource_type = ""

    def __init__(self, name: str) -> None:
        self.id = "E" + name.upper().replace("-", "")[:12]
        self.domain_name = f"d{abs(hash(name)) % 10**12:012d}.cloudfront.net"

    @classmethod
    def cloudformation_type(cls) -> str:  # type: ignore[override]
        return cls.resource_type

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any,
                                        account_id: str, region_name: str,
                                        **kwargs: Any) -> CloudFrontStandIn:
        return cls(resource_name)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any,
                                        account_id: str, region_name: str) -> None:
        return None

    @property
    def physical_resource_id(self) -> str:
        return self.id

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in {"DomainName", "Id"}

    def get_cfn_attribute(self, attribute_name: str) -> str:
        return self.domain_name if attribute_name == "DomainName" else self.id


CLOUDFRONT_STAND_INS = {
    kind: type(kind.rpartition("::")[2] + "StandIn", (CloudFrontStandIn,), {"resource_type": kind})
    for kind in ("AWS::CloudFront::Distribution", "AWS::CloudFront::OriginAccessControl",
                 "AWS::CloudFront::CachePolicy", "AWS::CloudFront::ResponseHeadersPolicy")
}


def _over_tls(get_permission: Any) -> Any:
    """moto's bucket policy check, for a request made over TLS."""
    plain_http_only = {"Bool": {"aws:SecureTransport": "false"}}

    def check(bucket: Any, action: str, resource: str) -> Any:
        if bucket.policy is None:
            return get_permission(bucket, action, resource)
        policy = json.loads(bucket.policy)
        kept = [s for s in policy["Statement"] if s.get("Condition") != plain_http_only]
        saved = bucket.policy
        bucket.policy = json.dumps({**policy, "Statement": kept}).encode() if kept else None
        try:
            return get_permission(bucket, action, resource)
        finally:
            bucket.policy = saved

    return check


@pytest.fixture
def session(aws: None) -> AwsSession:
    return AwsSession(region=REGION)


def write_tree(root: Path, handler: str = "def handler(event, context):\n    return {}\n") -> Path:
    """A minimal source tree with every file the package must hold."""
    files = {
        "lambda_handler/__init__.py": "",
        "lambda_handler/handler.py": handler,
        "festival_cli/core/__init__.py": "",
        "festival_cli/core/model.py": "X = 1\n",
        "festival_cli/publish/__init__.py": "",
        **{module: "" for module in MODULES},
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "src")


@pytest.fixture
def package(tree: Path) -> Package:
    return build_package(tree)
