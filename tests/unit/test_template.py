"""infra/template.yaml against the code: one table definition, the settings the app reads,
and exactly the AWS actions the app performs."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

from app.core.config import Settings
from app.db import schema
from tests.support.cloudformation import load_template

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template()


@pytest.fixture(scope="module")
def resources(template: dict[str, Any]) -> dict[str, Any]:
    return template["Resources"]  # type: ignore[no-any-return]


def test_the_table_is_the_one_create_table_makes(resources: dict[str, Any]) -> None:
    table = resources["CatalogTable"]["Properties"]
    expected = schema.create_table_request("ignored")
    assert table["BillingMode"] == expected["BillingMode"]
    assert table["KeySchema"] == expected["KeySchema"]
    by_name = lambda items: {i["AttributeName"]: i for i in items}  # noqa: E731
    assert by_name(table["AttributeDefinitions"]) == by_name(expected["AttributeDefinitions"])
    indexes = {i["IndexName"]: i for i in table["GlobalSecondaryIndexes"]}
    assert indexes == {i["IndexName"]: i for i in expected["GlobalSecondaryIndexes"]}
    assert table["TimeToLiveSpecification"] == {
        "AttributeName": schema.TTL_ATTRIBUTE,
        "Enabled": True,
    }
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["SSESpecification"] == {"SSEEnabled": True}
    assert table["DeletionProtectionEnabled"] == {"Ref": "TableDeletionProtection"}
    assert resources["CatalogTable"]["DeletionPolicy"] == "Retain"


def test_the_function(resources: dict[str, Any], template: dict[str, Any]) -> None:
    function = resources["CatalogFunction"]["Properties"]
    globals_ = template["Globals"]["Function"]
    assert function["Handler"] == "app.lambda_handler.handler"
    assert globals_["Architectures"] == ["arm64"]
    assert tuple(int(p) for p in globals_["Runtime"].removeprefix("python").split(".")) >= (3, 12)
    assert globals_["Tracing"] == "Active"
    assert function["ReservedConcurrentExecutions"]["Fn::If"][0] == "HasReservedConcurrency"
    variables = function["Environment"]["Variables"]
    settings_fields = set(Settings.model_fields)
    for name in variables:
        assert name.startswith("POWERTOOLS_") or name.lower() in settings_fields, name
    assert variables["APP_ENV"] == "prod"
    assert "JWT_SECRET" not in variables  # the secret is read from Secrets Manager
    assert variables["JWT_SECRET_ARN"] == {"Ref": "JwtSecret"}


def _client_calls(service_module_globs: tuple[str, ...]) -> set[str]:
    """boto3 client operations the app's code calls (`client.get_item(` ...)."""
    calls: set[str] = set()
    for pattern in service_module_globs:
        for path in (REPO / "app").rglob(pattern):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    calls.add(node.func.attr)
    return calls


DYNAMODB_ACTIONS = {
    "get_item": {"dynamodb:GetItem"},
    "batch_get_item": {"dynamodb:BatchGetItem"},
    "query": {"dynamodb:Query"},
    "put_item": {"dynamodb:PutItem"},
    "update_item": {"dynamodb:UpdateItem"},
    "delete_item": {"dynamodb:DeleteItem"},
    "batch_write_item": {"dynamodb:BatchWriteItem"},
    # a transaction is authorized action by action
    "transact_write_items": {
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:ConditionCheckItem",
    },
}
S3_ACTIONS = {
    "generate_presigned_post": {"s3:PutObject"},
    "generate_presigned_url": {"s3:GetObject"},
    "head_object": {"s3:GetObject"},
    "get_object": {"s3:GetObject"},
    "copy_object": {"s3:GetObject", "s3:PutObject"},
    "delete_object": {"s3:DeleteObject"},
}


def _statements(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    policies = resources["CatalogFunction"]["Properties"]["Policies"]
    return {s["Sid"]: s for policy in policies for s in policy["Statement"]}


def test_least_privilege(resources: dict[str, Any]) -> None:
    statements = _statements(resources)
    for statement in statements.values():
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        assert all("*" not in action for action in actions)
        assert statement["Resource"] != "*"
        assert statement["Effect"] == "Allow"
    used = _client_calls(("*.py",))
    # the request path: repositories and services; create-table and the CLI run elsewhere
    runtime_calls = used - {
        "create_table",
        "update_time_to_live",
        "get_waiter",
        "list_buckets",
        "create_bucket",
    }
    dynamodb = set().union(*(DYNAMODB_ACTIONS[c] for c in runtime_calls if c in DYNAMODB_ACTIONS))
    s3 = set().union(*(S3_ACTIONS[c] for c in runtime_calls if c in S3_ACTIONS))
    assert set(statements["CatalogTable"]["Action"]) == dynamodb
    assert set(statements["ProductImages"]["Action"]) == s3
    assert "send_email" in used  # password-reset mail, through SES
    assert statements["PasswordResetMail"]["Action"] == "ses:SendEmail"
    assert "identity/*" in statements["PasswordResetMail"]["Resource"]["Fn::Sub"]
    assert statements["JwtSecret"]["Action"] == "secretsmanager:GetSecretValue"
    assert statements["JwtSecret"]["Resource"] == {"Ref": "JwtSecret"}
    assert statements["ProductImages"]["Resource"] == [
        {"Fn::Sub": "${ImagesBucket.Arn}/uploads/*"},
        {"Fn::Sub": "${ImagesBucket.Arn}/products/*"},
    ]


def test_images_bucket_is_private_and_encrypted(resources: dict[str, Any]) -> None:
    bucket = resources["ImagesBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    rule = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    assert "POST" in bucket["CorsConfiguration"]["CorsRules"][0]["AllowedMethods"]
    rules = {rule["Id"]: rule for rule in bucket["LifecycleConfiguration"]["Rules"]}
    assert rules["abandoned-uploads"]["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] >= 1
    unconfirmed = rules["unconfirmed-uploads"]
    assert unconfirmed["Prefix"] == "uploads/"
    assert unconfirmed["ExpirationInDays"] == 1
    assert unconfirmed["Status"] == "Enabled"


def test_image_keys_match_the_policy_prefixes() -> None:
    from app.products import images

    assert images.new_upload_key("default", "p1").startswith(images.UPLOADS_PREFIX)
    assert (images.UPLOADS_PREFIX, images.IMAGES_PREFIX) == ("uploads/", "products/")


def test_secret_is_generated_not_written_and_outlives_the_stack(
    resources: dict[str, Any], template: dict[str, Any]
) -> None:
    import json

    from app.core import signing

    secret = resources["JwtSecret"]["Properties"]
    generated = secret["GenerateSecretString"]
    assert generated["PasswordLength"] >= 32
    assert "SecretString" not in secret
    # what Secrets Manager makes of it is a key ring the app reads (app/core/signing.py)
    example = json.loads(generated["SecretStringTemplate"])
    example[generated["GenerateStringKey"]] = "x" * generated["PasswordLength"]
    assert signing.parse(json.dumps(example)).current.kid == "initial"
    assert resources["JwtSecret"]["DeletionPolicy"] == "Retain"
    assert template["Outputs"]["JwtSecretArn"]["Value"] == {"Ref": "JwtSecret"}


def test_new_versions_take_traffic_gradually_and_roll_back_on_alarms(
    resources: dict[str, Any],
) -> None:
    function = resources["CatalogFunction"]["Properties"]
    assert function["AutoPublishAlias"] == "live"
    assert function["CodeUri"] == "../dist/catalog-lambda.zip"  # the artifact CI built
    preference = function["DeploymentPreference"]
    assert preference["Type"] == {"Ref": "DeploymentType"}
    assert {"Ref": "AliasErrorsAlarm"} in preference["Alarms"]
    assert {"Ref": "Api5xxRateAlarm"} in preference["Alarms"]
    assert preference["Hooks"]["PreTraffic"] == {"Ref": "PreTrafficHook"}
    hook = resources["PreTrafficHook"]["Properties"]
    assert hook["FunctionName"]["Fn::Sub"].startswith("CodeDeployHook_")
    assert hook["Environment"]["Variables"]["NEW_VERSION"] == {"Ref": "CatalogFunction.Version"}
    assert function["SnapStart"]["ApplyOn"]["Fn::If"][0] == "SnapStartEnabled"


def test_data_protection(resources: dict[str, Any]) -> None:
    images = resources["ImagesBucket"]["Properties"]
    assert images["VersioningConfiguration"] == {"Status": "Enabled"}
    rules = {rule["Id"]: rule for rule in images["LifecycleConfiguration"]["Rules"]}
    assert rules["old-versions"]["NoncurrentVersionExpiration"]["NoncurrentDays"] == 30
    assert resources["BackupSelection"]["Properties"]["BackupSelection"]["Resources"] == [
        {"Fn::GetAtt": ["CatalogTable", "Arn"]}
    ]
    for log_group in ("FunctionLogGroup", "ApiAccessLogGroup"):
        assert resources[log_group]["DeletionPolicy"] == "Retain"


def test_the_edge_has_a_waf_with_a_rate_rule_on_auth(resources: dict[str, Any]) -> None:
    acl = resources["WebAcl"]["Properties"]
    assert acl["Scope"] == "CLOUDFRONT"
    rules = {rule["Name"]: rule for rule in acl["Rules"]}
    managed = {
        r["Statement"]["ManagedRuleGroupStatement"]["Name"]
        for r in rules.values()
        if "ManagedRuleGroupStatement" in r["Statement"]
    }
    assert managed == {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"}
    rate = rules["auth-rate"]["Statement"]["RateBasedStatement"]
    assert rate["ScopeDownStatement"]["ByteMatchStatement"]["SearchString"] == "/auth/"
    assert rules["auth-rate"]["Action"] == {"Block": {}}
    site = resources["SiteDistribution"]["Properties"]["DistributionConfig"]
    assert site["WebACLId"]["Fn::If"][0] == "CreateWebAcl"
    log_format = resources["HttpApi"]["Properties"]["AccessLogSettings"]["Format"]
    for field in ("routeKey", "status", "responseLatency", "userAgent", "integrationErrorMessage"):
        assert f"$context.{field}" in log_format or f"$context.identity.{field}" in log_format


def test_monitoring(resources: dict[str, Any]) -> None:
    alarms = {name for name, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    assert alarms == {
        "Api5xxRateAlarm",
        "ApiLatencyAlarm",
        "FunctionErrorsAlarm",
        "AliasErrorsAlarm",
        "FunctionThrottlesAlarm",
        "FunctionDurationAlarm",
        "DynamoDbThrottlesAlarm",
        "DynamoDbErrorsAlarm",
        "FailedLoginsAlarm",
    }
    for name in alarms:  # everyone hears when it fires and when it is over
        properties = resources[name]["Properties"]
        assert properties["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
        assert properties["OKActions"] == [{"Ref": "AlarmTopic"}], name
    dashboard = resources["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    for metric in ("OrdersPlaced", "OutOfStockRejections", "FailedLogins", "ThrottledLogins"):
        assert metric in dashboard
    from app.core import metrics

    assert {
        metrics.ORDERS_PLACED,
        metrics.OUT_OF_STOCK_REJECTIONS,
        metrics.FAILED_LOGINS,
        metrics.THROTTLED_LOGINS,
    } <= set(re.findall(r'"([A-Za-z]+)"', dashboard))
    for log_group in ("FunctionLogGroup", "ApiAccessLogGroup"):
        assert resources[log_group]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_outputs(template: dict[str, Any]) -> None:
    assert {
        "ApiUrl",
        "DocsUrl",
        "TableName",
        "ImagesBucketName",
        "ImagesDistributionDomain",
    } <= set(template["Outputs"])


def test_one_site_serves_the_web_app_and_the_api(
    resources: dict[str, Any], template: dict[str, Any]
) -> None:
    config = resources["SiteDistribution"]["Properties"]["DistributionConfig"]
    origins = {origin["Id"]: origin for origin in config["Origins"]}
    assert origins["web"]["DomainName"] == {"Fn::GetAtt": ["WebBucket", "RegionalDomainName"]}
    assert "HttpApi" in origins["api"]["DomainName"]["Fn::Sub"]
    (app,) = config["CacheBehaviors"]
    assert (app["PathPattern"], app["TargetOriginId"]) == ("/app*", "web")
    assert app["AllowedMethods"] == ["GET", "HEAD"]
    api = config["DefaultCacheBehavior"]
    assert api["TargetOriginId"] == "api"
    assert {"POST", "PATCH", "DELETE", "PUT"} <= set(api["AllowedMethods"])
    # nothing cached unless the API says so, and never across callers
    cache = resources["ApiCachePolicy"]["Properties"]["CachePolicyConfig"]
    assert cache["DefaultTTL"] == 0
    assert (
        "Authorization"
        in cache["ParametersInCacheKeyAndForwardedToOrigin"]["HeadersConfig"]["Headers"]
    )
    assert template["Outputs"]["SiteUrl"]["Value"]["Fn::If"][2] == {
        "Fn::Sub": "https://${SiteDistribution.DomainName}"
    }
    web = resources["WebBucket"]["Properties"]
    assert all(web["PublicAccessBlockConfiguration"].values())
    csp = resources["WebHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"][
        "SecurityHeadersConfig"
    ]["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    assert "script-src 'self';" in csp
    assert "unsafe" not in csp


def test_the_site_function_sends_deep_links_to_the_app(
    resources: dict[str, Any], tmp_path: Path
) -> None:
    import json
    import shutil
    import subprocess

    node = shutil.which("node")
    assert node, "node is needed to run the CloudFront function"
    code = resources["SpaRewriteFunction"]["Properties"]["FunctionCode"]
    cases = ["/app", "/app/", "/app/orders/123", "/app/assets/index-abc.js", "/app/favicon.svg"]
    script = tmp_path / "run.js"
    script.write_text(
        code
        + "\nconst out = {};\n"
        + f"for (const uri of {json.dumps(cases)}) {{\n"
        + "  const r = handler({request: {uri}});\n"
        + "  out[uri] = r.statusCode ? r.statusCode + ' ' + r.headers.location.value : r.uri;\n"
        + "}\nconsole.log(JSON.stringify(out));\n"
    )
    result = json.loads(
        subprocess.run([node, str(script)], capture_output=True, text=True, check=True).stdout
    )
    assert result == {
        "/app": "307 /app/",
        "/app/": "/app/index.html",
        "/app/orders/123": "/app/index.html",
        "/app/assets/index-abc.js": "/app/assets/index-abc.js",
        "/app/favicon.svg": "/app/favicon.svg",
    }


def test_api_gateway_and_the_app_answer_cors_alike(resources: dict[str, Any]) -> None:
    from app.core import cors

    config = resources["HttpApi"]["Properties"]["CorsConfiguration"]
    assert config["AllowOrigins"] == {"Ref": "CorsAllowedOrigins"}
    assert config["AllowMethods"] == cors.ALLOW_METHODS
    assert config["AllowHeaders"] == cors.ALLOW_HEADERS
    assert config["ExposeHeaders"] == cors.EXPOSE_HEADERS
    assert config["MaxAge"] == cors.MAX_AGE


def test_the_viewers_host_reaches_the_api_for_store_resolution(
    resources: dict[str, Any], tmp_path: Path
) -> None:
    import json
    import shutil
    import subprocess

    from app.stores.resolution import host_name

    node = shutil.which("node")
    assert node, "node is needed to run the CloudFront function"
    code = resources["ViewerHostFunction"]["Properties"]["FunctionCode"]
    script = tmp_path / "run.js"
    script.write_text(
        code
        + "\nconst r = handler({request: {uri: '/store', headers: {host: {value: 'shop.north.example'}}}});"
        + "\nconsole.log(JSON.stringify(r.headers));\n"
    )
    headers = json.loads(
        subprocess.run([node, str(script)], capture_output=True, text=True, check=True).stdout
    )
    assert host_name(headers["x-forwarded-host"]["value"]) == "shop.north.example"
    config = resources["SiteDistribution"]["Properties"]["DistributionConfig"]
    (association,) = config["DefaultCacheBehavior"]["FunctionAssociations"]
    assert association["FunctionARN"]["Fn::GetAtt"][0] == "ViewerHostFunction"
    cache = resources["ApiCachePolicy"]["Properties"]["CachePolicyConfig"]
    headers_in_key = cache["ParametersInCacheKeyAndForwardedToOrigin"]["HeadersConfig"]["Headers"]
    assert {"X-Store", "X-Forwarded-Host"} <= set(headers_in_key)  # one store's copy per store
