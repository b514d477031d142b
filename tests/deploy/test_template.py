"""Properties of cloudformation/template.yaml, read as data (moto ignores most of them).

Intrinsic functions are written as symbols: `!GetAtt X.Arn` is "X.Arn", `!Ref X` is "X" and
`!Sub "${X.Arn}/a"` is "${X.Arn}/a", so a grant reads as the template does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import cfn_yaml

from festival_cli.core.upload_contract import UPLOAD_PREFIX, UPLOAD_SUFFIX
from festival_cli.publish.page import CONTENT_SECURITY_POLICY
from festival_cli.publish.site import CACHE_CONTROL
from festival_cli.stores import dynamodb_schema as schema
from tests.deploy.conftest import OUTPUTS

TEMPLATE_PATH = Path(__file__).resolve().parents[2] / "cloudformation" / "template.yaml"
TEMPLATE: dict[str, Any] = cfn_yaml.load(str(TEMPLATE_PATH))
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]

SETS = {"PerformancesTable.Arn"}
RECORDS = {"IngestionsTable.Arn"}
UPLOADS = {"${UploadBucket.Arn}/uploads/*"}
QUEUE = {"IngestQueue.Arn"}
KEY = {"Key.Arn"}
# Every action the function's role is granted, and on exactly which resources.
ROLE_GRANTS: dict[str, set[str]] = {
    "s3:GetObject": UPLOADS,
    "s3:GetObjectVersion": UPLOADS,
    "dynamodb:BatchWriteItem": SETS,
    "dynamodb:BatchGetItem": SETS,
    "dynamodb:Query": {"${PerformancesTable.Arn}/index/Date-Time",
                       "${IngestionsTable.Arn}/index/Recent"},
    "dynamodb:PutItem": RECORDS,
    "dynamodb:DeleteItem": RECORDS,
    "dynamodb:UpdateItem": RECORDS,
    "dynamodb:GetItem": RECORDS,
    "s3:PutObject": {"${SiteBucket.Arn}/*"},
    "s3:ListBucket": {"SiteBucket.Arn"},
    "s3:DeleteObject": {"${SiteBucket.Arn}/stages/*", "${SiteBucket.Arn}/*/stages/*"},
    "sns:Publish": {"NotificationTopic"},
    "sqs:ReceiveMessage": QUEUE,
    "sqs:DeleteMessage": QUEUE,
    "sqs:GetQueueAttributes": QUEUE,
    "sqs:ChangeMessageVisibility": QUEUE,
    "kms:Decrypt": KEY,
    "kms:GenerateDataKey": KEY,
    "logs:CreateLogStream": {"FunctionLogGroup.Arn"},
    "logs:PutLogEvents": {"FunctionLogGroup.Arn"},
}


def symbol(value: Any) -> Any:
    """An intrinsic function as the text it stands for (see the module docstring)."""
    if isinstance(value, dict) and len(value) == 1:
        (name, argument), = value.items()
        if name == "Ref":
            return argument
        if name == "Fn::GetAtt":
            return ".".join(argument) if isinstance(argument, list) else argument
        if name == "Fn::Sub":
            return argument[0] if isinstance(argument, list) else argument
    return value


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def props(logical_id: str) -> dict[str, Any]:
    return RESOURCES[logical_id]["Properties"]


def of_type(resource_type: str) -> list[str]:
    return [name for name, r in RESOURCES.items() if r["Type"] == resource_type]


def role_statements() -> list[dict[str, Any]]:
    return [s for policy in props("FunctionRole")["Policies"]
            for s in policy["PolicyDocument"]["Statement"]]


def every_statement() -> list[tuple[str, dict[str, Any]]]:
    """(resource, statement) for every policy statement in the template."""
    found = [("FunctionRole", s) for s in role_statements()]
    found += [("FunctionRole trust", s)
              for s in props("FunctionRole")["AssumeRolePolicyDocument"]["Statement"]]
    for kind, document in (("AWS::S3::BucketPolicy", "PolicyDocument"),
                           ("AWS::SQS::QueuePolicy", "PolicyDocument"),
                           ("AWS::SNS::TopicPolicy", "PolicyDocument"),
                           ("AWS::KMS::Key", "KeyPolicy")):
        for name in of_type(kind):
            found += [(name, s) for s in props(name)[document]["Statement"]]
    return found


def role_grants() -> dict[str, set[str]]:
    grants: dict[str, set[str]] = {}
    for statement in role_statements():
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            grants.setdefault(action, set()).update(
                symbol(r) for r in as_list(statement["Resource"]))
    return grants


def is_key_admin(name: str, statement: dict[str, Any]) -> bool:
    """AWS's default key statement (the account manages the key through IAM); see the template."""
    return name == "Key" and statement.get("Sid") == "AccountManagesKeyThroughIam"


# ---- least privilege ----------------------------------------------------------------------

@pytest.mark.parametrize(("resource", "statement"), every_statement(),
                         ids=lambda v: v if isinstance(v, str) else v.get("Sid", "-"))
def test_every_allow_names_specific_actions(resource: str, statement: dict[str, Any]) -> None:
    if statement["Effect"] != "Allow" or is_key_admin(resource, statement):
        return
    assert all("*" not in action for action in as_list(statement["Action"]))


def test_the_key_admin_statement_is_for_the_account_root_only() -> None:
    admin = [s for name, s in every_statement() if is_key_admin(name, s)]
    assert [symbol(s["Principal"]["AWS"]) for s in admin] == [
        "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"]


def test_no_role_statement_applies_to_every_resource() -> None:
    resources = [symbol(r) for s in role_statements() for r in as_list(s["Resource"])]
    assert "*" not in resources
    assert all(isinstance(r, str) and r for r in resources)


@pytest.mark.parametrize("action", sorted(ROLE_GRANTS))
def test_role_grants_each_action_on_its_own_resources(action: str) -> None:
    assert role_grants().get(action) == ROLE_GRANTS[action]


def test_role_grants_nothing_else() -> None:
    assert set(role_grants()) == set(ROLE_GRANTS)


def test_s3_reads_only_the_upload_prefix() -> None:
    s3 = {r for action, rs in role_grants().items() if action.startswith("s3:Get") for r in rs}
    assert s3 == {f"${{UploadBucket.Arn}}/{UPLOAD_PREFIX}*"}


def test_s3_writes_only_the_site_bucket_s_objects() -> None:
    writes = {action: rs for action, rs in role_grants().items()
              if action.startswith("s3:") and not action.startswith(("s3:Get", "s3:List"))}
    assert writes == {"s3:PutObject": {"${SiteBucket.Arn}/*"},
                      "s3:DeleteObject": {"${SiteBucket.Arn}/stages/*",
                                          "${SiteBucket.Arn}/*/stages/*"}}


def test_the_site_bucket_is_listed_only_in_its_stage_folders() -> None:
    (statement,) = [s for s in role_statements() if s["Sid"] == "ListStageCalendars"]
    assert statement["Action"] == "s3:ListBucket"
    assert statement["Condition"] == {"StringLike": {"s3:prefix": ["stages/", "*/stages/"]}}


def test_the_key_is_used_only_through_the_services_that_need_it() -> None:
    (statement,) = [s for s in role_statements() if s["Sid"] == "UseKeyThroughItsServices"]
    services = statement["Condition"]["StringEquals"]["kms:ViaService"]
    assert sorted(symbol(s) for s in services) == [
        f"{name}.${{AWS::Region}}.amazonaws.com" for name in ("dynamodb", "s3", "sns", "sqs")]


def test_only_lambda_assumes_the_role() -> None:
    (trust,) = props("FunctionRole")["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert trust["Action"] == "sts:AssumeRole"


def test_the_role_has_no_managed_policies() -> None:
    assert "ManagedPolicyArns" not in props("FunctionRole")


# ---- the upload path ----------------------------------------------------------------------

def test_the_bucket_notifies_only_object_created_json_under_the_prefix() -> None:
    notification = props("UploadBucket")["NotificationConfiguration"]
    assert set(notification) == {"QueueConfigurations"}
    (queue,) = notification["QueueConfigurations"]
    assert queue["Event"] == "s3:ObjectCreated:*"
    assert symbol(queue["Queue"]) == "IngestQueue.Arn"
    rules = {r["Name"]: r["Value"] for r in queue["Filter"]["S3Key"]["Rules"]}
    assert rules == {"prefix": UPLOAD_PREFIX, "suffix": UPLOAD_SUFFIX}


def test_the_function_is_told_the_same_prefix() -> None:
    assert props("IngestFunction")["Environment"]["Variables"]["FESTIVAL_UPLOAD_PREFIX"] \
        == UPLOAD_PREFIX


def test_only_the_bucket_may_send_to_the_queue() -> None:
    statements = props("IngestQueuePolicy")["PolicyDocument"]["Statement"]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    denies = [s for s in statements if s["Effect"] == "Deny"]
    bucket_arn = "arn:${AWS::Partition}:s3:::" + symbol(props("UploadBucket")["BucketName"])
    (allow,) = allows
    assert allow["Principal"] == {"Service": "s3.amazonaws.com"}
    assert allow["Action"] == "sqs:SendMessage"
    assert symbol(allow["Condition"]["ArnEquals"]["aws:SourceArn"]) == bucket_arn
    assert symbol(allow["Condition"]["StringEquals"]["aws:SourceAccount"]) == "AWS::AccountId"
    (deny,) = denies
    assert deny["Principal"] == "*" and deny["Action"] == "sqs:SendMessage"
    assert symbol(deny["Condition"]["ArnNotEquals"]["aws:SourceArn"]) == bucket_arn


def test_the_bucket_name_is_spelled_the_same_everywhere() -> None:
    """The queue policy and key policy name the bucket before it exists: one spelling."""
    name = props("UploadBucket")["BucketName"]["Fn::Sub"]
    spellings = [s["Condition"]["ArnEquals"]["aws:SourceArn"]["Fn::Sub"]
                 for _, s in every_statement()
                 if "aws:SourceArn" in s.get("Condition", {}).get("ArnEquals", {})
                 and ":s3:::" in str(s["Condition"]["ArnEquals"]["aws:SourceArn"])]
    assert len(spellings) == 2
    for spelling in spellings:
        assert spelling[0] == "arn:${AWS::Partition}:s3:::" + name[0]
        assert spelling[1] == name[1]


# ---- the topic ----------------------------------------------------------------------------

ALARMS = ["DeadLetterAlarm", "FunctionErrorsAlarm", "FunctionThrottlesAlarm", "QueueAgeAlarm"]


def test_only_the_role_and_the_alarms_may_publish() -> None:
    statements = props("NotificationTopicPolicy")["PolicyDocument"]["Statement"]
    publishers = {symbol(next(iter(s["Principal"].values())))
                  for s in statements if s["Effect"] == "Allow"}
    assert publishers == {"FunctionRole.Arn", "cloudwatch.amazonaws.com"}
    (alarm,) = [s for s in statements
                if s["Effect"] == "Allow" and "Service" in s["Principal"]]
    assert [symbol(a) for a in alarm["Condition"]["ArnEquals"]["aws:SourceArn"]] == [
        f"{name}.Arn" for name in ALARMS]


def test_every_other_publisher_is_denied() -> None:
    statements = props("NotificationTopicPolicy")["PolicyDocument"]["Statement"]
    (deny,) = [s for s in statements if s["Effect"] == "Deny"]
    assert deny["Principal"] == "*" and deny["Action"] == "sns:Publish"
    unless = deny["Condition"]["ArnNotEquals"]
    assert symbol(unless["aws:PrincipalArn"]) == "FunctionRole.Arn"
    assert [symbol(a) for a in unless["aws:SourceArn"]] == [f"{name}.Arn" for name in ALARMS]


def test_every_alarm_of_the_template_may_publish_and_use_the_key() -> None:
    assert sorted(of_type("AWS::CloudWatch::Alarm")) == sorted(ALARMS)
    (statement,) = [s for name, s in every_statement()
                    if name == "Key" and s.get("Sid") == "AlarmsPublishToTheTopic"]
    named = [symbol(a).rsplit(":alarm:", 1)[1]
             for a in statement["Condition"]["ArnEquals"]["aws:SourceArn"]]
    assert named == [symbol(props(name)["AlarmName"]) for name in ALARMS]


def test_the_email_subscription_comes_from_the_parameter() -> None:
    (subscription,) = props("NotificationTopic")["Subscription"]
    assert subscription == {"Protocol": "email", "Endpoint": {"Ref": "NotificationEmail"}}


def test_dead_letters_raise_an_alarm_on_the_topic() -> None:
    alarm = props("DeadLetterAlarm")
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/SQS",
                                                         "ApproximateNumberOfMessagesVisible")
    assert symbol(alarm["Dimensions"][0]["Value"]) == "DeadLetterQueue.QueueName"
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanThreshold", 0)
    assert [symbol(a) for a in alarm["AlarmActions"]] == ["NotificationTopic"]


@pytest.mark.parametrize(("name", "metric", "dimension", "threshold"), [
    ("FunctionErrorsAlarm", ("AWS/Lambda", "Errors"), "IngestFunction", 0),
    ("FunctionThrottlesAlarm", ("AWS/Lambda", "Throttles"), "IngestFunction", 0),
    # the oldest message of the queue older than 15 minutes
    ("QueueAgeAlarm", ("AWS/SQS", "ApproximateAgeOfOldestMessage"), "IngestQueue.QueueName",
     900),
])
def test_operations_alarms_email_the_topic(
    name: str, metric: tuple[str, str], dimension: str, threshold: int
) -> None:
    alarm = props(name)
    assert (alarm["Namespace"], alarm["MetricName"]) == metric
    assert symbol(alarm["Dimensions"][0]["Value"]) == dimension
    assert alarm["Threshold"] == threshold
    assert alarm["ComparisonOperator"].startswith("GreaterThan")
    assert [symbol(a) for a in alarm["AlarmActions"]] == ["NotificationTopic"]
    assert [symbol(a) for a in alarm["OKActions"]] == ["NotificationTopic"]


def test_alarm_names_start_with_the_stack_name() -> None:
    """`festival status` finds the stack's alarms by this prefix."""
    for name in ALARMS:
        assert symbol(props(name)["AlarmName"]).startswith("${AWS::StackName}-")


# ---- encryption and data safety -----------------------------------------------------------

ENCRYPTED = [
    ("UploadBucket", lambda p: p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
     ["ServerSideEncryptionByDefault"]["KMSMasterKeyID"]),
    ("IngestQueue", lambda p: p["KmsMasterKeyId"]),
    ("DeadLetterQueue", lambda p: p["KmsMasterKeyId"]),
    ("PerformancesTable", lambda p: p["SSESpecification"]["KMSMasterKeyId"]),
    ("IngestionsTable", lambda p: p["SSESpecification"]["KMSMasterKeyId"]),
    ("NotificationTopic", lambda p: p["KmsMasterKeyId"]),
    ("FunctionLogGroup", lambda p: p["KmsKeyId"]),
]


@pytest.mark.parametrize(("logical_id", "key_of"), ENCRYPTED, ids=[e[0] for e in ENCRYPTED])
def test_encrypted_with_the_stack_key(logical_id: str, key_of: Any) -> None:
    assert symbol(key_of(props(logical_id))) == "Key.Arn"


def test_everything_that_stores_data_is_in_the_encrypted_list() -> None:
    stores = {name for kind in ("AWS::S3::Bucket", "AWS::SQS::Queue", "AWS::DynamoDB::Table",
                                "AWS::SNS::Topic", "AWS::Logs::LogGroup") for name in of_type(kind)}
    assert stores == {name for name, _ in ENCRYPTED} | {"SiteBucket"}  # public files: SSE-S3


def test_the_bucket_uses_kms_with_a_bucket_key() -> None:
    (rule,) = props("UploadBucket")["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert rule["BucketKeyEnabled"] is True


def test_the_key_rotates() -> None:
    assert props("Key")["EnableKeyRotation"] is True


@pytest.mark.parametrize("logical_id", ["Key", "PerformancesTable", "IngestionsTable"])
def test_data_and_its_key_survive_stack_deletion_and_replacement(logical_id: str) -> None:
    resource = RESOURCES[logical_id]
    assert (resource.get("DeletionPolicy"), resource.get("UpdateReplacePolicy")) == (
        "Retain", "Retain")


def test_nothing_else_is_retained() -> None:
    """What `festival destroy` says it keeps is exactly what the template retains."""
    from festival_cli.aws.retained import RETAINED

    retained = {name for name, r in RESOURCES.items() if r.get("DeletionPolicy") == "Retain"}
    assert retained == set(RETAINED)


def test_the_performances_table_refuses_deletion() -> None:
    assert props("PerformancesTable")["DeletionProtectionEnabled"] is True


def test_the_key_waits_the_longest_window_before_deletion() -> None:
    """30 days, the most KMS allows: a deleted table's PITR backup stays restorable meanwhile."""
    assert props("Key")["PendingWindowInDays"] == 30


@pytest.mark.parametrize("table", ["PerformancesTable", "IngestionsTable"])
def test_tables_have_point_in_time_recovery(table: str) -> None:
    assert props(table)["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_the_bucket_is_private() -> None:
    block = props("UploadBucket")["PublicAccessBlockConfiguration"]
    assert block == dict.fromkeys(
        ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True)
    assert props("UploadBucket")["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerEnforced"}]


def test_the_bucket_is_versioned() -> None:
    assert props("UploadBucket")["VersioningConfiguration"] == {"Status": "Enabled"}


def test_the_bucket_refuses_plain_http() -> None:
    (statement,) = props("UploadBucketPolicy")["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny" and statement["Principal"] == "*"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert {symbol(r) for r in statement["Resource"]} == {"UploadBucket.Arn",
                                                          "${UploadBucket.Arn}/*"}


# ---- queue, function, event source --------------------------------------------------------

def test_visibility_timeout_is_at_least_six_function_timeouts() -> None:
    assert props("IngestQueue")["VisibilityTimeout"] >= 6 * props("IngestFunction")["Timeout"]


def test_failing_messages_go_to_the_dead_letter_queue() -> None:
    redrive = props("IngestQueue")["RedrivePolicy"]
    assert symbol(redrive["deadLetterTargetArn"]) == "DeadLetterQueue.Arn"
    assert 1 < redrive["maxReceiveCount"] <= 10


def test_dead_letters_outlive_the_queue_retention() -> None:
    assert props("DeadLetterQueue")["MessageRetentionPeriod"] \
        > props("IngestQueue")["MessageRetentionPeriod"]


def test_the_function_runs_the_handler_on_python_3_12_or_newer() -> None:
    function = props("IngestFunction")
    assert function["Handler"] == "lambda_handler.handler.handler"
    assert function["Runtime"] in {"python3.12", "python3.13"}
    assert {symbol(v) for v in function["Code"].values()} == {"CodeBucket", "CodeKey"}


def test_the_function_environment_names_its_resources() -> None:
    assert {k: symbol(v) for k, v in
            props("IngestFunction")["Environment"]["Variables"].items()} == {
        "FESTIVAL_TABLE": "PerformancesTable",
        "FESTIVAL_INGESTIONS_TABLE": "IngestionsTable",
        "FESTIVAL_TOPIC_ARN": "NotificationTopic",
        "FESTIVAL_UPLOAD_PREFIX": UPLOAD_PREFIX,
        "FESTIVAL_QUEUE_URL": "IngestQueue",
        "FESTIVAL_SITE_BUCKET": "SiteBucket",
    }


def test_the_function_logs_to_its_own_group_with_retention() -> None:
    assert symbol(props("IngestFunction")["LoggingConfig"]["LogGroup"]) == "FunctionLogGroup"
    assert props("FunctionLogGroup")["RetentionInDays"] > 0


def test_the_event_source_reports_batch_item_failures() -> None:
    mapping = props("IngestEventSource")
    assert symbol(mapping["EventSourceArn"]) == "IngestQueue.Arn"
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert 1 <= mapping["BatchSize"] <= 10
    assert mapping["MaximumBatchingWindowInSeconds"] >= 0


def test_every_checkov_skip_gives_its_reason() -> None:
    skips = [skip for r in RESOURCES.values()
             for skip in r.get("Metadata", {}).get("checkov", {}).get("skip", [])]
    assert skips
    assert all(skip["id"].startswith("CKV_") and len(skip["comment"]) > 40 for skip in skips)


# ---- tables and outputs as the code expects them -------------------------------------------

@pytest.mark.parametrize(("logical_id", "definition"), [
    ("PerformancesTable", schema.PERFORMANCES_DEFINITION),
    ("IngestionsTable", schema.INGESTIONS_DEFINITION),
])
def test_tables_are_the_definitions_derived_from_the_schema(
    logical_id: str, definition: dict[str, Any]
) -> None:
    table = props(logical_id)
    declared = {key: table[key] for key in definition}
    key = "AttributeDefinitions"
    declared[key] = sorted(declared[key], key=lambda a: a["AttributeName"])
    expected = {**definition, key: sorted(definition[key], key=lambda a: a["AttributeName"])}
    assert declared == expected


def test_ingestions_expire_by_the_schema_ttl() -> None:
    assert props("IngestionsTable")["TimeToLiveSpecification"] == schema.INGESTIONS_TTL


def test_outputs_are_named_as_the_design_says() -> None:
    assert set(TEMPLATE["Outputs"]) == OUTPUTS


# ---- the published site: private bucket, CloudFront only ----------------------------------

def distribution() -> dict[str, Any]:
    return props("SiteDistribution")["DistributionConfig"]


def test_the_site_bucket_is_encrypted_and_private() -> None:
    site = props("SiteBucket")
    (rule,) = site["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}
    assert site["PublicAccessBlockConfiguration"] == dict.fromkeys(
        ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True)
    assert site["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def test_the_site_bucket_refuses_plain_http_and_lets_only_the_distribution_read() -> None:
    deny, allow = props("SiteBucketPolicy")["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert {symbol(r) for r in deny["Resource"]} == {"SiteBucket.Arn", "${SiteBucket.Arn}/*"}
    assert allow["Effect"] == "Allow"
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    assert symbol(allow["Resource"]) == "${SiteBucket.Arn}/*"
    (source,) = allow["Condition"]["StringEquals"].values()
    assert symbol(source).endswith(":distribution/${SiteDistribution}")


def test_the_distribution_reads_the_bucket_through_origin_access_control() -> None:
    (origin,) = distribution()["Origins"]
    assert symbol(origin["DomainName"]) == "SiteBucket.RegionalDomainName"
    assert symbol(origin["OriginAccessControlId"]) == "SiteOriginAccessControl.Id"
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # no legacy OAI
    oac = props("SiteOriginAccessControl")["OriginAccessControlConfig"]
    assert (oac["OriginAccessControlOriginType"], oac["SigningBehavior"],
            oac["SigningProtocol"]) == ("s3", "always", "sigv4")


def test_the_distribution_serves_https_only_compressed_read_only() -> None:
    behaviour = distribution()["DefaultCacheBehavior"]
    assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behaviour["Compress"] is True
    assert behaviour["AllowedMethods"] == ["GET", "HEAD"]
    assert symbol(behaviour["CachePolicyId"]) == "SiteCachePolicy"
    assert symbol(behaviour["ResponseHeadersPolicyId"]) == "SiteHeadersPolicy"
    assert distribution()["DefaultRootObject"] == "index.html"


def test_the_edge_caches_no_longer_than_the_files_cache_control() -> None:
    max_age = int(CACHE_CONTROL.rpartition("max-age=")[2])
    policy = props("SiteCachePolicy")["CachePolicyConfig"]
    assert policy["MinTTL"] == 0
    assert policy["DefaultTTL"] == policy["MaxTTL"] == max_age
    parameters = policy["ParametersInCacheKeyAndForwardedToOrigin"]
    assert parameters["EnableAcceptEncodingGzip"] and parameters["EnableAcceptEncodingBrotli"]


def test_the_security_headers_are_set_and_the_csp_is_the_pages() -> None:
    headers = props("SiteHeadersPolicy")["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert headers["ContentSecurityPolicy"]["ContentSecurityPolicy"] == CONTENT_SECURITY_POLICY
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert headers["ContentTypeOptions"]["Override"] is True
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert all(header["Override"] is True for header in headers.values())


def test_a_custom_domain_is_optional_and_comes_with_its_certificate() -> None:
    parameters = TEMPLATE["Parameters"]
    defaults = {parameters[name]["Default"] for name in ("SiteDomainName", "SiteCertificateArn")}
    assert defaults == {""}
    config = distribution()
    condition, with_domain, without = config["ViewerCertificate"]["Fn::If"]
    assert condition == "HasSiteDomain" == config["Aliases"]["Fn::If"][0]
    assert symbol(with_domain["AcmCertificateArn"]) == "SiteCertificateArn"
    assert with_domain["SslSupportMethod"] == "sni-only"
    assert without == {"CloudFrontDefaultCertificate": True}
    (assertion,) = TEMPLATE["Rules"]["SiteDomainNeedsItsCertificate"]["Assertions"]
    assert "SiteCertificateArn" in str(assertion["Assert"])


def test_the_site_url_is_the_domain_or_the_distribution() -> None:
    condition, with_domain, without = TEMPLATE["Outputs"]["SiteUrl"]["Value"]["Fn::If"]
    assert condition == "HasSiteDomain"
    assert symbol(with_domain) == "https://${SiteDomainName}/"
    assert symbol(without) == "https://${SiteDistribution.DomainName}/"
    assert symbol(TEMPLATE["Outputs"]["SiteBucketName"]["Value"]) == "SiteBucket"
