"""`festival deploy` and `festival destroy` through the CLI, against moto (and a scripted
CloudFormation for a failure). State is checked through boto3, not the output."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from typer.testing import CliRunner

from festival_cli.aws import session as session_module
from festival_cli.aws.session import AwsSession
from festival_cli.cli.app import app
from tests.deploy.conftest import EMAIL, OUTPUTS, REGION
from tests.deploy.test_deploy import FAILED_CREATE, ScriptedCloudFormation, _Session

STACK = "fest"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def festival(runner: CliRunner, *args: str, input: str | None = None) -> Any:
    return runner.invoke(app, [*args, "--poll-interval", "0"] if args[0] in {"deploy", "destroy"}
                         else list(args), input=input)


def stack_status(session: Any, stack: str = STACK) -> str | None:
    try:
        return session.client("cloudformation").describe_stacks(
            StackName=stack)["Stacks"][0]["StackStatus"]
    except ClientError:
        return None


def test_deploy_prints_the_outputs_as_json(runner: CliRunner, session: Any) -> None:
    result = festival(runner, "deploy", "--stack", STACK, "--email", EMAIL, "--output", "json")
    assert result.exit_code == 0, result.stderr
    assert set(json.loads(result.stdout)) == OUTPUTS
    assert stack_status(session) == "CREATE_COMPLETE"


def test_deploy_says_what_it_did_on_stderr(runner: CliRunner, session: Any) -> None:
    result = festival(runner, "deploy", "--stack", STACK, "--email", EMAIL, "--output", "json")
    assert result.stderr.splitlines()[-2:] == [
        f"stack {STACK} created in {REGION}",
        f"AWS emails {EMAIL} a link to confirm the subscription: notifications start once "
        "it is clicked"]


def test_deploy_prints_a_plain_table_when_piped(runner: CliRunner, session: Any) -> None:
    result = festival(runner, "deploy", "--stack", STACK, "--email", EMAIL)
    assert sorted(line.split()[0] for line in result.stdout.splitlines()) == sorted(OUTPUTS)


def test_redeploy_is_up_to_date_and_exits_0(runner: CliRunner, session: Any) -> None:
    festival(runner, "deploy", "--stack", STACK, "--email", EMAIL)
    result = festival(runner, "deploy", "--stack", STACK, "--output", "json")
    assert result.exit_code == 0
    assert f"stack {STACK} is up to date" in result.stderr.splitlines()
    assert set(json.loads(result.stdout)) == OUTPUTS


def test_deploy_honours_the_region(runner: CliRunner, session: Any) -> None:
    result = festival(runner, "deploy", "--stack", STACK, "--email", EMAIL, "--region",
                      "eu-central-1")
    assert result.exit_code == 0, result.stderr
    assert stack_status(session) is None
    assert stack_status(AwsSession(region="eu-central-1")) == "CREATE_COMPLETE"


def test_deploy_needs_a_stack_name(runner: CliRunner, session: Any) -> None:
    result = festival(runner, "deploy", "--email", EMAIL)
    assert result.exit_code == 2
    assert result.stderr == "error: name the stack: --stack NAME (or set FESTIVAL_STACK)\n"


def test_an_unknown_profile_is_an_error(runner: CliRunner, session: Any) -> None:
    result = festival(runner, "deploy", "--stack", STACK, "--email", EMAIL, "--profile", "nope")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: The config profile (nope) could not be found")


def test_a_failed_deploy_shows_each_reason_and_exits_1(runner: CliRunner, session: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    fake = ScriptedCloudFormation(script=FAILED_CREATE)
    monkeypatch.setattr(session_module, "AwsSession",
                        lambda profile, region: _Session(session, cloudformation=fake))
    result = festival(runner, "deploy", "--stack", STACK, "--email", EMAIL)
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "error: stack fest failed: ROLLBACK_COMPLETE\n"
        "  UploadBucket (AWS::S3::Bucket): CREATE_FAILED: festival-uploads-1 already exists\n"
        "  Key (AWS::KMS::Key): CREATE_FAILED: Resource creation cancelled\n")
    assert result.stdout == ""


def test_destroy_with_yes_deletes_the_stack(runner: CliRunner, session: Any) -> None:
    festival(runner, "deploy", "--stack", STACK, "--email", EMAIL)
    result = festival(runner, "destroy", "--stack", STACK, "--yes")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == f"stack {STACK} deleted"
    assert stack_status(session) is None


def test_destroy_confirmed_deletes_the_stack(runner: CliRunner, session: Any) -> None:
    festival(runner, "deploy", "--stack", STACK, "--email", EMAIL)
    result = festival(runner, "destroy", "--stack", STACK, input="y\n")
    assert result.exit_code == 0, result.stderr
    assert stack_status(session) is None


@pytest.mark.parametrize("answer", ["n\n", "\n", ""])
def test_destroy_not_confirmed_deletes_nothing(runner: CliRunner, session: Any,
                                               answer: str) -> None:
    festival(runner, "deploy", "--stack", STACK, "--email", EMAIL)
    result = festival(runner, "destroy", "--stack", STACK, input=answer)
    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"error: not confirmed: stack {STACK} is untouched; nothing was deleted\n")
    assert stack_status(session) == "CREATE_COMPLETE"


def test_destroy_asks_naming_the_stack(runner: CliRunner, session: Any) -> None:
    festival(runner, "deploy", "--stack", STACK, "--email", EMAIL)
    result = festival(runner, "destroy", "--stack", STACK, input="n\n")
    assert result.stderr.startswith(f"Delete stack {STACK} (CREATE_COMPLETE) in {REGION}, "
                                    "its bucket festival-uploads-")


def test_destroy_says_what_it_keeps_and_where(runner: CliRunner, session: Any) -> None:
    festival(runner, "deploy", "--stack", STACK, "--email", EMAIL)
    result = festival(runner, "destroy", "--stack", STACK, "--yes")
    assert result.exit_code == 0, result.stderr
    assert f"kept the sets (table): table {STACK}-PerformancesTable" in result.stderr
    assert f"in {REGION}" in result.stderr and "kept the KMS key" in result.stderr
    assert "`festival destroy --delete-data` would delete it too" in result.stderr


def test_delete_data_is_asked_for_by_name(runner: CliRunner, session: Any) -> None:
    festival(runner, "deploy", "--stack", STACK, "--email", EMAIL)
    result = festival(runner, "destroy", "--stack", STACK, "--delete-data", input="n\n")
    assert result.exit_code == 1
    assert "AND its tables with all their data" in result.stderr
    assert stack_status(session) == "CREATE_COMPLETE"


def test_destroy_of_a_missing_stack_exits_1(runner: CliRunner, session: Any) -> None:
    result = festival(runner, "destroy", "--stack", "nope", "--yes")
    assert result.exit_code == 1
    assert result.stderr == f"error: stack nope does not exist in {REGION}; nothing was deleted\n"
