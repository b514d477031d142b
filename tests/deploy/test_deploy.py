"""`deploy` and `destroy` against moto (create, update, no-op, delete) and, for what moto never
does (resource failures, real AWS's failed no-change change set, busy stacks), against a
scripted CloudFormation client with moto behind it for S3 and STS."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from festival_cli.aws.artifacts import artifact_bucket_name
from festival_cli.aws.changesets import StackEvent
from festival_cli.aws.deploy import DestroyDeclined, StackSummary, deploy, destroy
from festival_cli.aws.package import Package, build_package
from festival_cli.aws.session import AwsSession
from festival_cli.core.errors import DeployError, NotFoundError, StackError, UsageError
from tests.deploy.conftest import EMAIL, OUTPUTS, REGION

STACK = "fest"
ACCOUNT = "123456789012"


def cfn(session: Any) -> Any:
    return session.client("cloudformation")


def parameters(session: Any) -> dict[str, str]:
    stack = cfn(session).describe_stacks(StackName=STACK)["Stacks"][0]
    return {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}


# ---- moto: create, update, no-op, destroy ---------------------------------------------------

def test_create_returns_the_outputs(session: Any, package: Package) -> None:
    result = deploy(STACK, EMAIL, session, package=package, poll_interval=0)
    assert result.action == "created"
    assert set(result.outputs) == OUTPUTS


def test_create_points_the_function_at_the_uploaded_package(session: Any,
                                                            package: Package) -> None:
    result = deploy(STACK, EMAIL, session, package=package, poll_interval=0)
    code = session.client("lambda").get_function(FunctionName=result.outputs["FunctionName"])
    assert code["Code"]["Location"].endswith(package.key)
    body = session.client("s3").get_object(Bucket=result.artifact_bucket, Key=package.key)
    assert body["Body"].read() == package.data


def test_create_passes_the_email(session: Any, package: Package) -> None:
    deploy(STACK, EMAIL, session, package=package, poll_interval=0)
    assert parameters(session)["NotificationEmail"] == EMAIL


def test_create_reports_the_stack_events(session: Any, package: Package) -> None:
    seen: list[StackEvent] = []
    deploy(STACK, EMAIL, session, package=package, on_event=seen.append, poll_interval=0)
    assert [e.status for e in seen] == ["CREATE_IN_PROGRESS", "CREATE_COMPLETE"]


def test_the_artifact_bucket_is_private_encrypted_and_tls_only(session: Any,
                                                               package: Package) -> None:
    deploy(STACK, EMAIL, session, package=package, poll_interval=0)
    s3 = session.client("s3")
    bucket = artifact_bucket_name(ACCOUNT, REGION)
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    (rule,) = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    (statement,) = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


@pytest.mark.parametrize("partition", ["aws", "aws-cn", "aws-us-gov"])
def test_the_artifact_bucket_policy_names_the_callers_partition(
    session: Any, package: Package, monkeypatch: pytest.MonkeyPatch, partition: str
) -> None:
    """Taken from the caller's ARN (sts:GetCallerIdentity), never written `arn:aws:` by hand."""
    sts = session.client("sts")
    monkeypatch.setattr(sts, "get_caller_identity", lambda: {
        "Account": ACCOUNT, "Arn": f"arn:{partition}:iam::{ACCOUNT}:user/ci", "UserId": "x"})
    deploy(STACK, EMAIL, session, package=package, poll_interval=0)
    bucket = artifact_bucket_name(ACCOUNT, REGION)
    (statement,) = json.loads(session.client("s3").get_bucket_policy(
        Bucket=bucket)["Policy"])["Statement"]
    assert statement["Resource"] == [f"arn:{partition}:s3:::{bucket}",
                                     f"arn:{partition}:s3:::{bucket}/*"]


def test_redeploying_nothing_changed_says_up_to_date(session: Any, package: Package) -> None:
    deploy(STACK, EMAIL, session, package=package, poll_interval=0)
    said: list[str] = []
    result = deploy(STACK, EMAIL, session, package=package, notify=said.append, poll_interval=0)
    assert result.action == "unchanged"
    assert said[-1] == f"stack {STACK} is up to date"


def test_redeploying_nothing_changed_uploads_nothing(session: Any, package: Package) -> None:
    deploy(STACK, EMAIL, session, package=package, poll_interval=0)
    result = deploy(STACK, EMAIL, session, package=package, poll_interval=0)
    assert result.package_uploaded is False
    assert set(result.outputs) == OUTPUTS


def test_a_code_change_updates_the_function(session: Any, tree: Path, package: Package) -> None:
    deploy(STACK, EMAIL, session, package=package, poll_interval=0)
    (tree / "lambda_handler" / "handler.py").write_text("def handler(e, c):\n    return 2\n")
    changed = build_package(tree)
    result = deploy(STACK, EMAIL, session, package=changed, poll_interval=0)
    assert result.action == "updated"
    code = session.client("lambda").get_function(FunctionName=result.outputs["FunctionName"])
    assert code["Code"]["Location"].endswith(changed.key)


def test_an_update_without_email_keeps_the_address(session: Any, tree: Path,
                                                    package: Package) -> None:
    deploy(STACK, EMAIL, session, package=package, poll_interval=0)
    (tree / "lambda_handler" / "handler.py").write_text("def handler(e, c):\n    return 3\n")
    deploy(STACK, None, session, package=build_package(tree), poll_interval=0)
    assert parameters(session)["NotificationEmail"] == EMAIL


def test_the_first_deploy_needs_an_email(session: Any, package: Package) -> None:
    with pytest.raises(UsageError, match="its first deploy needs --email"):
        deploy(STACK, None, session, package=package, poll_interval=0)


@pytest.mark.parametrize(("stack", "email", "complaint"), [
    ("1fest", EMAIL, "invalid stack name '1fest'"),
    ("fest_2", EMAIL, "invalid stack name 'fest_2'"),
    ("fest", "not-an-address", "invalid email address 'not-an-address'"),
])
def test_bad_names_are_refused_before_any_call(stack: str, email: str, complaint: str,
                                               package: Package) -> None:
    with pytest.raises(UsageError, match=complaint):
        deploy(stack, email, object(), package=package)


def test_no_region_is_a_usage_error(aws: None, package: Package,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    with pytest.raises(StackError, match="no AWS region"):
        deploy(STACK, EMAIL, AwsSession(), package=package)


def test_destroy_deletes_the_stack(session: Any, package: Package) -> None:
    deploy(STACK, EMAIL, session, package=package, poll_interval=0)
    destroy(STACK, session, poll_interval=0)
    with pytest.raises(ClientError, match="does not exist"):
        cfn(session).describe_stacks(StackName=STACK)


def _key_state(key_id: str) -> str:
    """moto's DescribeKey fails on a key its CloudFormation made (the policy kept as a dict):
    read the state from moto's backend instead."""
    from moto.backends import get_backend

    return str(get_backend("kms")[ACCOUNT][REGION].keys[key_id].key_state)


def test_destroy_keeps_the_tables_and_the_key_and_says_where(session: Any,
                                                             package: Package) -> None:
    outputs = deploy(STACK, EMAIL, session, package=package, poll_interval=0).outputs
    summary = destroy(STACK, session, poll_interval=0)
    kept = {k.logical_id: k.physical_id for k in summary.kept}
    assert set(kept) == {"PerformancesTable", "IngestionsTable", "Key"}
    assert (kept["PerformancesTable"], kept["IngestionsTable"]) == (
        outputs["TableName"], outputs["IngestionsTableName"])
    dynamodb = session.client("dynamodb")
    for table in (outputs["TableName"], outputs["IngestionsTableName"]):
        assert dynamodb.describe_table(TableName=table)["Table"]["TableStatus"] == "ACTIVE"
    assert _key_state(kept["Key"]) == "Enabled"


def test_destroy_with_delete_data_deletes_the_tables_and_schedules_the_key(
    session: Any, package: Package
) -> None:
    outputs = deploy(STACK, EMAIL, session, package=package, poll_interval=0).outputs
    summary = destroy(STACK, session, delete_data=True, poll_interval=0)
    dynamodb = session.client("dynamodb")
    for table in (outputs["TableName"], outputs["IngestionsTableName"]):
        with pytest.raises(ClientError, match=r"ResourceNotFound|not found"):
            dynamodb.describe_table(TableName=table)
    (key_id,) = [k.physical_id for k in summary.kept if k.logical_id == "Key"]
    assert _key_state(key_id) == "PendingDeletion"
    assert any("in 30 days" in line for line in summary.done)


def test_destroy_empties_the_versioned_bucket_first(session: Any, package: Package) -> None:
    bucket = deploy(STACK, EMAIL, session, package=package, poll_interval=0).outputs["BucketName"]
    s3 = session.client("s3")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for body in (b"[]", b"[1]"):
        s3.put_object(Bucket=bucket, Key="uploads/lineup.json", Body=body)
    emptied: list[str] = []
    original = s3.delete_objects

    def delete_objects(**kwargs: Any) -> Any:
        emptied.extend(o["VersionId"] for o in kwargs["Delete"]["Objects"])
        return original(**kwargs)

    destroy(STACK, _Session(session, s3=_Wrapped(s3, delete_objects=delete_objects)),
            poll_interval=0)
    assert len(emptied) == 2


def test_destroy_asks_with_the_stack_outputs(session: Any, package: Package) -> None:
    outputs = deploy(STACK, EMAIL, session, package=package, poll_interval=0).outputs
    asked: list[StackSummary] = []
    destroy(STACK, session, confirm=lambda s: asked.append(s) or True, poll_interval=0)
    assert [(s.stack, s.region, s.outputs) for s in asked] == [(STACK, REGION, outputs)]


def test_destroy_not_confirmed_deletes_nothing(session: Any, package: Package) -> None:
    deploy(STACK, EMAIL, session, package=package, poll_interval=0)
    with pytest.raises(DestroyDeclined, match="nothing was deleted"):
        destroy(STACK, session, confirm=lambda _: False, poll_interval=0)
    status = cfn(session).describe_stacks(StackName=STACK)["Stacks"][0]["StackStatus"]
    assert status == "CREATE_COMPLETE"


def test_destroy_of_a_missing_stack_is_not_found(session: Any) -> None:
    with pytest.raises(NotFoundError, match=f"stack nope does not exist in {REGION}"):
        destroy("nope", session, confirm=lambda _: True)


# ---- scripted CloudFormation: what moto never does ------------------------------------------

STACK_ID = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{STACK}/0000"
_clock = itertools.count()


def event(logical_id: str, status: str, reason: str | None = None,
          resource_type: str = "AWS::CloudFormation::Stack") -> dict[str, Any]:
    tick = next(_clock)
    raw = {"EventId": f"e{tick}", "StackId": STACK_ID, "StackName": STACK,
           "LogicalResourceId": logical_id, "ResourceType": resource_type,
           "ResourceStatus": status,
           "Timestamp": datetime(2026, 7, 10, 12, 0, tick % 60, tzinfo=UTC)}
    if reason:
        raw["ResourceStatusReason"] = reason
    return raw


class ScriptedCloudFormation:
    """A CloudFormation client playing a script: after execute (or delete), each describe_stacks
    moves to the next (status, new events) step."""

    def __init__(self, status: str | None = None, *, script: list[tuple[str, list[Any]]] = (),
                 change_set: tuple[str, str | None] = ("CREATE_COMPLETE", None)) -> None:
        self.status = status
        self.script = list(script)
        self.change_set_status, self.change_set_reason = change_set
        self.events: list[dict[str, Any]] = [event(STACK, "CREATE_COMPLETE")] if status else []
        self.pending: list[tuple[str, list[Any]]] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def _record(self, name: str, kwargs: dict[str, Any]) -> None:
        self.calls.append((name, kwargs))

    def called(self, name: str) -> list[dict[str, Any]]:
        return [kwargs for call, kwargs in self.calls if call == name]

    def describe_stacks(self, **kwargs: Any) -> Any:
        self._record("describe_stacks", kwargs)
        if self.pending:
            self.status, fresh = self.pending.pop(0)
            self.events.extend(fresh)
        gone = self.status == "DELETE_COMPLETE" and kwargs["StackName"] == STACK
        if self.status is None or gone:
            raise ClientError({"Error": {"Code": "ValidationError",
                                         "Message": f"Stack with id {STACK} does not exist"}},
                              "DescribeStacks")
        return {"Stacks": [{"StackName": STACK, "StackId": STACK_ID,
                            "StackStatus": self.status, "Outputs": []}]}

    def create_change_set(self, **kwargs: Any) -> Any:
        self._record("create_change_set", kwargs)
        if self.status in (None, "DELETE_COMPLETE"):
            self.status = "REVIEW_IN_PROGRESS"
        return {"Id": "cs", "StackId": STACK_ID}

    def describe_change_set(self, **kwargs: Any) -> Any:
        self._record("describe_change_set", kwargs)
        answer = {"Status": self.change_set_status}
        if self.change_set_reason:
            answer["StatusReason"] = self.change_set_reason
        return answer

    def delete_change_set(self, **kwargs: Any) -> None:
        self._record("delete_change_set", kwargs)

    def execute_change_set(self, **kwargs: Any) -> None:
        self._record("execute_change_set", kwargs)
        self.pending = list(self.script)

    def delete_stack(self, **kwargs: Any) -> None:
        self._record("delete_stack", kwargs)
        self.pending = [("DELETE_COMPLETE", [event(STACK, "DELETE_COMPLETE")])]

    def get_paginator(self, name: str) -> Any:
        assert name == "describe_stack_events"
        events = self.events

        class Pages:
            def paginate(self, **kwargs: Any) -> Any:
                return [{"StackEvents": list(reversed(events))}]

        return Pages()


class _Wrapped:
    """A client with some methods replaced."""

    def __init__(self, client: Any, **methods: Any) -> None:
        self._client, self._methods = client, methods

    def __getattr__(self, name: str) -> Any:
        return self._methods.get(name) or getattr(self._client, name)


class _Session:
    """An AwsSession whose CloudFormation (or S3) client is replaced."""

    def __init__(self, real: AwsSession, *, cloudformation: Any = None, s3: Any = None) -> None:
        self.real, self.region = real, real.region
        self.replaced = {"cloudformation": cloudformation, "s3": s3}

    def client(self, service: str) -> Any:
        return self.replaced.get(service) or self.real.client(service)


FAILED_CREATE = [
    ("CREATE_IN_PROGRESS", [event(STACK, "CREATE_IN_PROGRESS", "User Initiated"),
                            event("Key", "CREATE_IN_PROGRESS", None, "AWS::KMS::Key")]),
    ("ROLLBACK_IN_PROGRESS", [
        event("UploadBucket", "CREATE_FAILED", "festival-uploads-1 already exists",
              "AWS::S3::Bucket"),
        event("Key", "CREATE_FAILED", "Resource creation cancelled", "AWS::KMS::Key"),
        event(STACK, "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: "
              "[UploadBucket, Key]. Rollback requested by user.")]),
    ("ROLLBACK_COMPLETE", [event(STACK, "ROLLBACK_COMPLETE")]),
]


def scripted(session: Any, fake: ScriptedCloudFormation) -> _Session:
    return _Session(session, cloudformation=fake)


def no_sleep(_: float) -> None:
    return None


def test_a_failed_create_names_each_failing_resource(session: Any, package: Package) -> None:
    fake = ScriptedCloudFormation(script=FAILED_CREATE)
    with pytest.raises(DeployError) as failure:
        deploy(STACK, EMAIL, scripted(session, fake), package=package, sleep=no_sleep)
    assert str(failure.value) == (
        "stack fest failed: ROLLBACK_COMPLETE\n"
        "  UploadBucket (AWS::S3::Bucket): CREATE_FAILED: festival-uploads-1 already exists\n"
        "  Key (AWS::KMS::Key): CREATE_FAILED: Resource creation cancelled")


def test_events_are_reported_once_each_oldest_first(session: Any, package: Package) -> None:
    fake = ScriptedCloudFormation(script=FAILED_CREATE)
    seen: list[StackEvent] = []
    with pytest.raises(DeployError):
        deploy(STACK, EMAIL, scripted(session, fake), package=package, on_event=seen.append,
               sleep=no_sleep)
    assert [(e.logical_id, e.status) for e in seen] == [
        (STACK, "CREATE_IN_PROGRESS"), ("Key", "CREATE_IN_PROGRESS"),
        ("UploadBucket", "CREATE_FAILED"), ("Key", "CREATE_FAILED"),
        (STACK, "ROLLBACK_IN_PROGRESS"), (STACK, "ROLLBACK_COMPLETE")]


def test_the_stack_is_polled_at_the_given_interval(session: Any, package: Package) -> None:
    fake = ScriptedCloudFormation(script=[("CREATE_IN_PROGRESS", []), ("CREATE_IN_PROGRESS", []),
                                          ("CREATE_COMPLETE", [])])
    slept: list[float] = []
    deploy(STACK, EMAIL, scripted(session, fake), package=package, poll_interval=7.5,
           sleep=slept.append)
    assert slept == [7.5, 7.5]


def test_a_failed_change_set_without_changes_is_up_to_date(session: Any,
                                                           package: Package) -> None:
    """Real AWS's answer to a change set that changes nothing."""
    fake = ScriptedCloudFormation("UPDATE_COMPLETE", change_set=(
        "FAILED", "The submitted information didn't contain changes. Submit different "
        "information to create a change set."))
    result = deploy(STACK, EMAIL, scripted(session, fake), package=package, sleep=no_sleep)
    assert result.action == "unchanged"
    assert fake.called("execute_change_set") == []
    assert len(fake.called("delete_change_set")) == 1


def test_a_change_set_failing_otherwise_is_an_error(session: Any, package: Package) -> None:
    fake = ScriptedCloudFormation("UPDATE_COMPLETE", change_set=(
        "FAILED", "Template format error: Unresolved resource dependencies [Nope]"))
    with pytest.raises(DeployError, match="the change set failed: Template format error"):
        deploy(STACK, EMAIL, scripted(session, fake), package=package, sleep=no_sleep)


def test_an_existing_stack_is_updated(session: Any, package: Package) -> None:
    fake = ScriptedCloudFormation("CREATE_COMPLETE", script=[("UPDATE_COMPLETE", [])])
    result = deploy(STACK, EMAIL, scripted(session, fake), package=package, sleep=no_sleep)
    (change_set,) = fake.called("create_change_set")
    assert (change_set["ChangeSetType"], result.action) == ("UPDATE", "updated")
    assert change_set["Capabilities"] == ["CAPABILITY_IAM"]


def test_a_failed_update_is_an_error(session: Any, package: Package) -> None:
    fake = ScriptedCloudFormation("CREATE_COMPLETE", script=[
        ("UPDATE_ROLLBACK_IN_PROGRESS", [event("IngestFunction", "UPDATE_FAILED",
                                               "Error occurred while GetObject. S3 Error Code: "
                                               "NoSuchKey", "AWS::Lambda::Function")]),
        ("UPDATE_ROLLBACK_COMPLETE", [])])
    with pytest.raises(DeployError, match=r"(?s)UPDATE_ROLLBACK_COMPLETE.*IngestFunction "
                                          r"\(AWS::Lambda::Function\): UPDATE_FAILED: Error"):
        deploy(STACK, EMAIL, scripted(session, fake), package=package, sleep=no_sleep)


def test_a_busy_stack_is_left_alone(session: Any, package: Package) -> None:
    fake = ScriptedCloudFormation("UPDATE_IN_PROGRESS")
    with pytest.raises(DeployError, match="stack fest is UPDATE_IN_PROGRESS: wait until"):
        deploy(STACK, EMAIL, scripted(session, fake), package=package, sleep=no_sleep)
    assert fake.called("create_change_set") == []


def test_a_stack_that_never_got_created_is_replaced(session: Any, package: Package) -> None:
    fake = ScriptedCloudFormation("ROLLBACK_COMPLETE", script=[("CREATE_COMPLETE", [])])
    result = deploy(STACK, EMAIL, scripted(session, fake), package=package, sleep=no_sleep)
    assert [c["StackName"] for c in fake.called("delete_stack")] == [STACK_ID]
    assert [c["ChangeSetType"] for c in fake.called("create_change_set")] == ["CREATE"]
    assert result.action == "created"
