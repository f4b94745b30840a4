"""infra/template.yaml against the code: one table definition, the settings the app reads,
and exactly the AWS actions the app performs."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest

from app.core.config import Settings
from app.db import schema
from app.db.keys import (
    JOB,
    ORDER_PREFIX,
    PRODUCT,
    PROFILE,
    REMOVED,
    STOCK,
    STOCK_LOW,
    STORE,
    WEBHOOK_PREFIX,
)
from tests.support.cloudformation import load_template

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template()


@pytest.fixture(scope="module")
def resources(template: dict[str, Any]) -> dict[str, Any]:
    return template["Resources"]


def test_the_table_is_the_one_create_table_makes(resources: dict[str, Any]) -> None:
    table = resources["CatalogTable"]["Properties"]
    expected = schema.create_table_request("ignored")
    assert table["BillingMode"] == expected["BillingMode"]
    assert table["KeySchema"] == expected["KeySchema"]

    def by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {i["AttributeName"]: i for i in items}

    assert by_name(table["AttributeDefinitions"]) == by_name(expected["AttributeDefinitions"])
    indexes = {i["IndexName"]: i for i in table["GlobalSecondaryIndexes"]}
    assert indexes == {i["IndexName"]: i for i in expected["GlobalSecondaryIndexes"]}
    assert table["TimeToLiveSpecification"] == {
        "AttributeName": schema.TTL_ATTRIBUTE,
        "Enabled": True,
    }
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["SSESpecification"] == {"SSEEnabled": True}
    assert table["StreamSpecification"] == {"StreamViewType": schema.STREAM["StreamViewType"]}
    assert table["DeletionProtectionEnabled"] == {"Ref": "TableDeletionProtection"}
    assert resources["CatalogTable"]["DeletionPolicy"] == "Retain"


def test_the_function(resources: dict[str, Any], template: dict[str, Any]) -> None:
    function = resources["CatalogFunction"]["Properties"]
    globals_ = template["Globals"]["Function"]
    assert function["Handler"] == "app.lambda_handler.handler"
    assert globals_["Architectures"] == ["arm64"]
    assert tuple(int(p) for p in globals_["Runtime"].removeprefix("python").split(".")) >= (3, 12)
    # no X-Ray: an HTTP API sends no traces and the app records no segments (ARCHITECTURE.md)
    assert "Tracing" not in globals_
    assert "Tracing" not in function
    assert function["ReservedConcurrentExecutions"]["Fn::If"][0] == "HasReservedConcurrency"
    variables = function["Environment"]["Variables"]
    settings_fields = set(Settings.model_fields)
    for name in variables:
        assert name.startswith("POWERTOOLS_") or name.lower() in settings_fields, name
    assert variables["APP_ENV"] == "prod"
    assert "JWT_SECRET" not in variables  # the secret is read from Secrets Manager
    assert variables["JWT_SECRET_ARN"] == {"Ref": "JwtSecret"}
    assert variables["ORIGIN_SECRET_ARN"] == {"Ref": "OriginSecret"}
    # the header CloudFront's viewer function writes (test below); nothing else is believed
    assert variables["CLIENT_ADDRESS_HEADER"] == "x-viewer-address"


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

    from app.core import keyring

    secret = resources["JwtSecret"]["Properties"]
    generated = secret["GenerateSecretString"]
    assert generated["PasswordLength"] >= 32
    assert "SecretString" not in secret
    # what Secrets Manager makes of it is a key ring the app reads (app/core/keyring.py)
    example = json.loads(generated["SecretStringTemplate"])
    example[generated["GenerateStringKey"]] = "x" * generated["PasswordLength"]
    assert keyring.parse(json.dumps(example)).current.kid == "initial"
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
    # the alarms that gate a release watch the function, never the HTTP API (whose
    # integration names the alias: a cycle; tests/deploy/test_deploy_rehearsal.py)
    assert preference["Alarms"] == [{"Ref": "AliasErrorsAlarm"}, {"Ref": "ServerErrorsAlarm"}]
    assert preference["Hooks"]["PreTraffic"] == {"Ref": "PreTrafficHook"}
    # configuration publishes a version as code does (devtools/release.py)
    assert function["AutoPublishCodeSha256"] == {"Ref": "ReleaseId"}
    hook = resources["PreTrafficHook"]["Properties"]
    assert hook["FunctionName"]["Fn::Sub"].startswith("CodeDeployHook_")
    assert hook["Environment"]["Variables"]["NEW_VERSION"] == {"Ref": "CatalogFunction.Version"}
    assert hook["Environment"]["Variables"]["ORIGIN_SECRET_ARN"] == {"Ref": "OriginSecret"}
    # a new account's concurrency quota (10) has none to reserve
    assert "ReservedConcurrentExecutions" not in hook
    # its log expires like the others
    assert hook["LoggingConfig"]["LogGroup"] == {"Ref": "HookLogGroup"}
    assert resources["HookLogGroup"]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
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


def test_the_site_takes_its_waf_from_the_edge_stack(
    resources: dict[str, Any], template: dict[str, Any]
) -> None:
    """The web ACL is CloudFront-scope, so it lives in us-east-1 (infra/edge.yaml) for a
    site in any region; staging and prod cannot be created without one (Rules)."""
    assert not [r for r in resources.values() if r["Type"] == "AWS::WAFv2::WebACL"]
    site = resources["SiteDistribution"]["Properties"]["DistributionConfig"]
    assert site["WebACLId"] == {
        "Fn::If": ["HasWebAclArn", {"Ref": "WebAclArn"}, {"Ref": "AWS::NoValue"}]
    }
    rules = template["Rules"]
    for rule, parameters in {
        "WafOutsideDev": ["WebAclArn"],
        "MailOutsideDev": ["MailFrom", "PublicAppUrl"],
    }.items():
        assert rules[rule]["RuleCondition"] == {
            "Fn::Not": [{"Fn::Equals": [{"Ref": "Environment"}, "dev"]}]
        }
        asserted = [a["Assert"]["Fn::Not"][0]["Fn::Equals"][0] for a in rules[rule]["Assertions"]]
        assert asserted == [{"Ref": p} for p in parameters]
    log_format = resources["HttpApi"]["Properties"]["AccessLogSettings"]["Format"]
    for field in ("routeKey", "status", "responseLatency", "userAgent", "integrationErrorMessage"):
        assert f"$context.{field}" in log_format or f"$context.identity.{field}" in log_format


def test_the_edge_waf_rates_the_whole_api_and_logs() -> None:
    from tests.support.cloudformation import load_edge_template

    edge = load_edge_template()["Resources"]
    acl = edge["WebAcl"]["Properties"]
    assert acl["Scope"] == "CLOUDFRONT"
    rules = {rule["Name"]: rule for rule in acl["Rules"]}
    managed = {
        r["Statement"]["ManagedRuleGroupStatement"]["Name"]
        for r in rules.values()
        if "ManagedRuleGroupStatement" in r["Statement"]
    }
    assert managed == {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"}
    auth = rules["auth-rate"]["Statement"]["RateBasedStatement"]
    assert auth["ScopeDownStatement"]["ByteMatchStatement"]["SearchString"] == "/auth/"
    # everything but the web app's files: one address cannot spend the API's throttle
    api = rules["api-rate"]["Statement"]["RateBasedStatement"]
    outside = api["ScopeDownStatement"]["NotStatement"]["Statement"]["ByteMatchStatement"]
    assert (outside["SearchString"], outside["PositionalConstraint"]) == ("/app/", "STARTS_WITH")
    for rule in ("auth-rate", "api-rate"):
        assert rules[rule]["Action"] == {"Block": {}}
        assert rules[rule]["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP"
    logging = edge["WafLogging"]["Properties"]
    assert logging["ResourceArn"] == {"Fn::GetAtt": ["WebAcl", "Arn"]}
    assert edge["WafLogGroup"]["Properties"]["LogGroupName"]["Fn::Sub"].startswith("aws-waf-logs-")
    assert {"SingleHeader": {"Name": "authorization"}} in logging["RedactedFields"]
    alarms = {n: r for n, r in edge.items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    assert set(alarms) == {"WafBlocksAlarm", "CloudFront5xxAlarm"}
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "EdgeAlarmTopic"}]
    assert edge["EdgeAlarmSubscription"]["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}


def test_the_api_answers_only_through_cloudfront(resources: dict[str, Any]) -> None:
    config = resources["SiteDistribution"]["Properties"]["DistributionConfig"]
    api = {origin["Id"]: origin for origin in config["Origins"]}["api"]
    (header,) = api["OriginCustomHeaders"]
    assert header["HeaderName"] == "X-Origin-Verify"
    branches = header["HeaderValue"]["Fn::If"]
    assert branches[0] == "HasOriginSecretVersion"
    for branch in branches[1:]:
        assert branch["Fn::Sub"].startswith(
            "{{resolve:secretsmanager:${OriginSecret}:SecretString:current"
        )
    from app.core import origin

    assert header["HeaderName"].lower() == origin.HEADER
    secret = resources["OriginSecret"]["Properties"]["GenerateSecretString"]
    assert secret["GenerateStringKey"] == "current"
    assert secret["PasswordLength"] >= 32


def test_the_cache_key_holds_only_the_query_parameters_the_api_reads(
    resources: dict[str, Any], app_env: None
) -> None:
    """A random `?x=` is the same cached copy, not a trip to the origin. The admin
    console's paths are never cached and get every parameter (a cache key holds 10)."""
    from app.main import create_app

    spec = create_app().openapi()

    def read(admin: bool) -> set[str]:
        return {
            parameter["name"]
            for path, operations in spec["paths"].items()
            if path.startswith("/admin/") == admin
            for operation in operations.values()
            for parameter in operation.get("parameters", [])
            if parameter["in"] == "query"
        }

    cache = resources["ApiCachePolicy"]["Properties"]["CachePolicyConfig"]
    strings = cache["ParametersInCacheKeyAndForwardedToOrigin"]["QueryStringsConfig"]
    assert strings["QueryStringBehavior"] == "whitelist"
    keyed = set(strings["QueryStrings"])
    assert read(admin=False) <= keyed <= read(admin=False) | read(admin=True)
    assert len(strings["QueryStrings"]) <= 10  # CloudFront's quota per cache policy
    forwarded = resources["ApiOriginRequestPolicy"]["Properties"]["OriginRequestPolicyConfig"]
    assert forwarded["QueryStringsConfig"] == {"QueryStringBehavior": "none"}
    assert forwarded["HeadersConfig"] == {"HeaderBehavior": "allExcept", "Headers": ["Host"]}
    behaviors = resources["SiteDistribution"]["Properties"]["DistributionConfig"]["CacheBehaviors"]
    admin = next(b for b in behaviors if b["PathPattern"] == "/admin/*")
    assert admin["TargetOriginId"] == "api"
    assert admin["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CachingDisabled
    admin_policy = resources["AdminOriginRequestPolicy"]["Properties"]["OriginRequestPolicyConfig"]
    assert admin_policy["QueryStringsConfig"] == {"QueryStringBehavior": "all"}
    assert admin_policy["HeadersConfig"] == {"HeaderBehavior": "allExcept", "Headers": ["Host"]}
    assert read(admin=True) - {"email"}  # the admin paths read parameters of their own


def test_monitoring(resources: dict[str, Any]) -> None:
    alarms = {name for name, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    assert alarms == {
        "Api5xxRateAlarm",
        "Api4xxRateAlarm",
        "ServerErrorsAlarm",
        "MailFailuresAlarm",
        "ApiLatencyAlarm",
        "FunctionErrorsAlarm",
        "AliasErrorsAlarm",
        "FunctionThrottlesAlarm",
        "FunctionDurationAlarm",
        "DynamoDbThrottlesAlarm",
        "DynamoDbErrorsAlarm",
        "FailedLoginsAlarm",
        "StreamIteratorAgeAlarm",
        "StreamFailuresAlarm",
        "WebhookDeadLettersAlarm",
        "JobsDeadLettersAlarm",
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
    for log_group in ("FunctionLogGroup", "ApiAccessLogGroup", "StreamFunctionLogGroup"):
        assert resources[log_group]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_outputs(template: dict[str, Any]) -> None:
    outputs = template["Outputs"]
    assert {
        "SiteUrl",
        "DocsUrl",
        "TableName",
        "ImagesBucketName",
        "ImagesDistributionDomain",
        "OriginSecretArn",
        "LiveAlias",
    } <= set(outputs)
    # the execute-api URL refuses (403): no output hands it out as the way in
    assert "ApiUrl" not in outputs
    assert "execute-api" not in json.dumps([o["Value"] for o in outputs.values()])


def test_one_site_serves_the_web_app_and_the_api(
    resources: dict[str, Any], template: dict[str, Any]
) -> None:
    config = resources["SiteDistribution"]["Properties"]["DistributionConfig"]
    origins = {origin["Id"]: origin for origin in config["Origins"]}
    assert origins["web"]["DomainName"] == {"Fn::GetAtt": ["WebBucket", "RegionalDomainName"]}
    assert "HttpApi" in origins["api"]["DomainName"]["Fn::Sub"]
    app, admin = config["CacheBehaviors"]
    assert (app["PathPattern"], app["TargetOriginId"]) == ("/app*", "web")
    assert (admin["PathPattern"], admin["TargetOriginId"]) == ("/admin/*", "api")
    # the admin console's API goes through the viewer function too (the client's address)
    assert admin["FunctionAssociations"] == config["DefaultCacheBehavior"]["FunctionAssociations"]
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
        + "  const r = handler({request: {uri, querystring: {}}});\n"
        + "  out[uri] = r.statusCode ? r.statusCode + ' ' + r.headers.location.value : r.uri;\n"
        + "}\n"
        + "const q = {category: {value: 'Home'}, page: {value: '2'}, "
        + "tag: {value: 'a', multiValue: [{value: 'a'}, {value: 'b'}]}};\n"
        + "out['/app?query'] = handler({request: {uri: '/app', querystring: q}}).headers.location.value;\n"
        + "console.log(JSON.stringify(out));\n"
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
        "/app?query": "/app/?category=Home&page=2&tag=a&tag=b",  # the query is kept
    }


def test_api_gateway_and_the_app_answer_cors_alike(resources: dict[str, Any]) -> None:
    from app.http import cors

    config = resources["HttpApi"]["Properties"]["CorsConfiguration"]
    assert config["AllowOrigins"] == {"Ref": "CorsAllowedOrigins"}
    assert config["AllowMethods"] == cors.ALLOW_METHODS
    assert config["AllowHeaders"] == cors.ALLOW_HEADERS
    assert config["ExposeHeaders"] == cors.EXPOSE_HEADERS
    assert config["MaxAge"] == cors.MAX_AGE


def test_the_viewers_host_reaches_the_api_for_store_resolution(
    resources: dict[str, Any], tmp_path: Path
) -> None:
    import shutil
    import subprocess

    from app.stores.resolution import host_name

    node = shutil.which("node")
    assert node, "node is needed to run the CloudFront function"
    code = resources["ViewerHostFunction"]["Properties"]["FunctionCode"]
    script = tmp_path / "run.js"
    script.write_text(
        code
        + "\nconst r = handler({viewer: {ip: '203.0.113.9'}, request: {uri: '/store', headers: {host: {value: 'shop.north.example'}, 'x-viewer-address': {value: '10.0.0.1'}}}});"
        + "\nconsole.log(JSON.stringify(r.headers));\n"
    )
    headers = json.loads(
        subprocess.run([node, str(script)], capture_output=True, text=True, check=True).stdout
    )
    assert host_name(headers["x-forwarded-host"]["value"]) == "shop.north.example"
    # the viewer's own address, whatever it claimed (it is the one log-ins are counted by)
    assert headers["x-viewer-address"]["value"] == "203.0.113.9"
    config = resources["SiteDistribution"]["Properties"]["DistributionConfig"]
    (association,) = config["DefaultCacheBehavior"]["FunctionAssociations"]
    assert association["FunctionARN"]["Fn::GetAtt"][0] == "ViewerHostFunction"
    cache = resources["ApiCachePolicy"]["Properties"]["CachePolicyConfig"]
    headers_in_key = cache["ParametersInCacheKeyAndForwardedToOrigin"]["HeadersConfig"]["Headers"]
    assert {"X-Store", "X-Forwarded-Host"} <= set(headers_in_key)  # one store's copy per store


def _all_statements(resources: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every IAM statement of the template: (resource name, statement)."""
    found = []
    for name, resource in resources.items():
        properties = resource.get("Properties", {})
        documents = [p for p in properties.get("Policies", []) if isinstance(p, dict)]
        documents += [p.get("PolicyDocument", {}) for p in properties.get("Policies", [])]
        if resource["Type"] == "AWS::IAM::Policy":
            documents.append(properties["PolicyDocument"])
        for document in documents:
            found += [(name, statement) for statement in document.get("Statement", [])]
    return found


def test_live_stock_subscribers_use_an_api_key_and_only_the_stream_function_publishes(
    resources: dict[str, Any],
) -> None:
    events = resources["LiveApi"]["Properties"]["EventConfig"]
    assert events["ConnectionAuthModes"] == [{"AuthType": "API_KEY"}]
    assert events["DefaultSubscribeAuthModes"] == [{"AuthType": "API_KEY"}]
    assert events["DefaultPublishAuthModes"] == [{"AuthType": "AWS_IAM"}]
    namespace = resources["LiveStockNamespace"]["Properties"]
    from app.live import channels

    assert namespace["Name"] == channels.NAMESPACE
    assert namespace["PublishAuthModes"] == [{"AuthType": "AWS_IAM"}]
    assert namespace["SubscribeAuthModes"] == [{"AuthType": "API_KEY"}]
    assert resources["LiveApiKey"]["Properties"]["ApiId"] == {"Fn::GetAtt": ["LiveApi", "ApiId"]}
    publishers = {
        name
        for name, statement in _all_statements(resources)
        if any("appsync" in action for action in _actions(statement))
    }
    assert publishers == {"StreamFunction"}
    [publish] = [
        s
        for n, s in _all_statements(resources)
        if n == "StreamFunction" and s["Sid"] == "PublishStock"
    ]
    assert publish["Action"] == "appsync:EventPublish"
    assert publish["Resource"]["Fn::Sub"].endswith("apis/${LiveApi.ApiId}/channelNamespace/stock")
    # the API function tells browsers where to subscribe, with the key; it cannot publish
    variables = resources["CatalogFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["LIVE_MODE"] == "appsync"
    assert variables["LIVE_API_KEY"] == {"Fn::GetAtt": ["LiveApiKey", "ApiKey"]}
    csp = resources["WebHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    policy = csp["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert "wss://${LiveApi.Dns.Realtime}" in policy["Fn::Sub"]


def _actions(statement: dict[str, Any]) -> list[str]:
    actions = statement.get("Action", [])
    return actions if isinstance(actions, list) else [actions]


def test_the_stream_function_reads_the_stream_in_order_and_reports_partial_failures(
    resources: dict[str, Any],
) -> None:
    assert resources["CatalogTable"]["Properties"]["StreamSpecification"] == {
        "StreamViewType": "NEW_AND_OLD_IMAGES"
    }
    function = resources["StreamFunction"]["Properties"]
    assert function["Handler"] == "app.stream_handler.handler"
    source = function["Events"]["TableStream"]
    assert source["Type"] == "DynamoDB"
    mapping = source["Properties"]
    assert mapping["Stream"] == {"Fn::GetAtt": ["CatalogTable", "StreamArn"]}
    assert mapping["MaximumBatchingWindowInSeconds"] == 1
    assert mapping["ParallelizationFactor"] == 1
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["StreamFailuresQueue", "Arn"]
    }
    patterns = [json.loads(f["Pattern"]) for f in mapping["FilterCriteria"]["Filters"]]
    assert patterns == [
        {
            "dynamodb": {
                "Keys": {"SK": {"S": [STOCK, PRODUCT, REMOVED, STOCK_LOW, PROFILE, STORE, JOB]}}
            }
        },
        {
            "dynamodb": {
                "Keys": {"SK": {"S": [{"prefix": ORDER_PREFIX}, {"prefix": WEBHOOK_PREFIX}]}}
            }
        },
    ]
    statements = {s["Sid"]: s for n, s in _all_statements(resources) if n == "StreamFunction"}
    assert set(statements) == {
        "ReadStock",
        "ReadActors",
        "WriteAudit",
        "BackInStockRequests",
        "BackInStockMail",
        "PublishStock",
        "PublishEvents",
        "RecordDeliveries",
        "QueueDeliveries",
        "LowStockMarks",
        "StaffListing",
    }
    variables = function["Environment"]["Variables"]
    assert (variables["APP_ENV"], variables["SIGNS_TOKENS"]) == ("prod", "false")
    assert "JWT_SECRET_ARN" not in variables  # it signs nothing: no key to read
    assert statements["WriteAudit"]["Action"] == "dynamodb:BatchWriteItem"
    assert statements["ReadStock"]["Action"] == "dynamodb:BatchGetItem"
    assert statements["ReadActors"]["Action"] == "dynamodb:GetItem"
    assert statements["PublishEvents"] == {
        "Sid": "PublishEvents",
        "Effect": "Allow",
        "Action": "events:PutEvents",
        "Resource": {"Fn::GetAtt": ["CatalogEventBus", "Arn"]},
    }
    assert function["Environment"]["Variables"]["EVENT_BUS_NAME"] == {"Ref": "CatalogEventBus"}
    putters = {
        name
        for name, statement in _all_statements(resources)
        if any(action.startswith("events:") for action in _actions(statement))
    }
    assert putters == {"StreamFunction"}
    age = resources["StreamIteratorAgeAlarm"]["Properties"]
    assert (age["MetricName"], age["Dimensions"][0]["Value"]) == (
        "IteratorAge",
        {"Ref": "StreamFunction"},
    )


def test_webhooks_are_delivered_from_a_queue_with_backoff_and_a_dead_letter_queue(
    resources: dict[str, Any],
) -> None:
    from app.webhooks.delivery import MAX_DELAY_SECONDS, RETRY_WINDOW_SECONDS, backoff_seconds

    queue = resources["WebhookQueue"]["Properties"]
    function = resources["WebhookFunction"]["Properties"]
    assert function["Handler"] == "app.webhook_handler.handler"
    # SQS's visibility timeout holds a backoff of at most 12 hours
    assert MAX_DELAY_SECONDS <= 12 * 3600
    # retries stop at 24 h; a message outlives them, and the redrive net is wider than them
    assert int(queue["MessageRetentionPeriod"]) > RETRY_WINDOW_SECONDS
    attempts, waited = 1, 0
    while waited < RETRY_WINDOW_SECONDS:
        waited += backoff_seconds(attempts)
        attempts += 1
    assert queue["RedrivePolicy"]["maxReceiveCount"] > attempts
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {
        "Fn::GetAtt": ["WebhookDeadLetterQueue", "Arn"]
    }
    assert queue["VisibilityTimeout"] >= 6 * function["Timeout"]
    source = function["Events"]["Deliveries"]
    assert source["Type"] == "SQS"
    assert source["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    statements = {s["Sid"]: s for n, s in _all_statements(resources) if n == "WebhookFunction"}
    assert {sid: s["Action"] for sid, s in statements.items()} == {
        "ReadWebhooks": "dynamodb:GetItem",
        "RecordAttempts": "dynamodb:UpdateItem",
        "BackOff": "sqs:ChangeMessageVisibility",
        "DeadLetter": "sqs:SendMessage",
    }
    variables = function["Environment"]["Variables"]
    assert variables["WEBHOOK_QUEUE_URL"] == {"Ref": "WebhookQueue"}
    assert variables["WEBHOOK_DEAD_LETTER_URL"] == {"Ref": "WebhookDeadLetterQueue"}
    assert (variables["APP_ENV"], variables["SIGNS_TOKENS"]) == ("prod", "false")  # https only
    senders = {
        name
        for name, statement in _all_statements(resources)
        if "sqs:SendMessage" in _actions(statement)
        and statement["Resource"] == {"Fn::GetAtt": ["WebhookQueue", "Arn"]}
    }
    assert senders == {"StreamFunction", "CatalogFunction"}
    jobs = resources["JobsFunction"]["Properties"]
    assert jobs["Handler"] == "app.jobs_handler.handler"
    assert resources["JobsQueue"]["Properties"]["VisibilityTimeout"] >= 6 * jobs["Timeout"]
    dead = resources["WebhookDeadLettersAlarm"]["Properties"]
    assert dead["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["WebhookDeadLetterQueue", "QueueName"]}


def test_imports_reach_their_own_files_and_queue_only(resources: dict[str, Any]) -> None:
    api = _statements(resources)
    assert api["ImportUploads"]["Resource"] == {"Fn::Sub": "${ImagesBucket.Arn}/imports/*"}
    assert set(api["ImportUploads"]["Action"]) == {"s3:PutObject", "s3:GetObject"}
    assert api["ListUploads"]["Condition"]["StringLike"]["s3:prefix"] == ["uploads/*", "imports/*"]
    jobs = resources["JobsFunction"]["Properties"]
    statements = {s["Sid"]: s for policy in jobs["Policies"] for s in policy["Statement"]}
    assert set(statements) == {
        "ReadCatalog",
        "WriteCatalog",
        "WriteExports",
        "ImportFiles",
        "ImportChunks",
    }
    assert set(statements["WriteCatalog"]["Action"]) == DYNAMODB_ACTIONS["transact_write_items"]
    assert statements["ImportFiles"]["Resource"] == {"Fn::Sub": "${ImagesBucket.Arn}/imports/*"}
    assert statements["ImportChunks"] == {
        "Sid": "ImportChunks",
        "Effect": "Allow",
        "Action": "sqs:SendMessage",
        "Resource": {"Fn::GetAtt": ["JobsQueue", "Arn"]},
    }
    assert jobs["Environment"]["Variables"]["JOBS_QUEUE_URL"] == {"Ref": "JobsQueue"}
    bucket = resources["ImagesBucket"]["Properties"]
    rules = {rule["Id"]: rule for rule in bucket["LifecycleConfiguration"]["Rules"]}
    assert (rules["old-imports"]["Prefix"], rules["old-imports"]["ExpirationInDays"]) == (
        "imports/",
        7,
    )
