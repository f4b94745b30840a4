"""Alarms that reach people: the topic's key and topic policies let CloudWatch (and AWS
Budgets) publish, and every alarm watches a metric that really exists -- the name and
dimensions AWS documents for its services, or the ones the app itself emits.

The policies are evaluated the way AWS evaluates them for these requests (an explicit
Allow that matches principal, action, resource and every condition; no Deny), over the
template's own documents with its intrinsics resolved for one account and region.
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path
from typing import Any

import pytest

from tests.support.cloudformation import load_template

ACCOUNT, REGION, PARTITION, STACK = "123456789012", "eu-west-1", "aws", "catalog-prod"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{ACCOUNT}:{STACK}-AlarmTopic"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    return load_template()["Resources"]


def resolve(value: Any) -> Any:
    """The template's intrinsics, for one stack (the few these policies use)."""
    pseudo = {
        "AWS::AccountId": ACCOUNT,
        "AWS::Region": REGION,
        "AWS::Partition": PARTITION,
        "AWS::StackName": STACK,
        "AlarmTopic": TOPIC_ARN,
    }
    if isinstance(value, dict) and len(value) == 1:
        ((kind, inner),) = value.items()
        if kind == "Ref":
            return pseudo[inner]
        if kind == "Fn::Sub":
            return re.sub(r"\$\{([^}]+)\}", lambda m: pseudo[m.group(1)], inner)
    if isinstance(value, dict):
        return {k: resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v) for v in value]
    return value


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def condition_holds(conditions: dict[str, Any], context: dict[str, str]) -> bool:
    for operator, pairs in conditions.items():
        for key, expected in pairs.items():
            actual = context.get(key)
            if actual is None:
                return False
            wanted = as_list(expected)
            if operator == "StringEquals" and actual not in wanted:
                return False
            if operator == "ArnLike" and not any(fnmatch.fnmatchcase(actual, w) for w in wanted):
                return False
            if operator not in ("StringEquals", "ArnLike"):
                raise AssertionError(f"condition operator {operator} not modelled")
    return True


def allows(
    policy: dict[str, Any], *, service: str, action: str, resource: str, context: dict[str, str]
) -> bool:
    allowed = False
    for statement in resolve(policy)["Statement"]:
        principal = statement.get("Principal", {})
        if service not in as_list(principal.get("Service", [])) and principal != "*":
            continue
        if not any(fnmatch.fnmatchcase(action, a) for a in as_list(statement["Action"])):
            continue
        if not any(fnmatch.fnmatchcase(resource, r) for r in as_list(statement["Resource"])):
            continue
        if not condition_holds(statement.get("Condition", {}), context):
            continue
        if statement["Effect"] == "Deny":
            return False
        allowed = True
    return allowed


ALARM_ARN = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{STACK}-Api5xxRateAlarm"


@pytest.mark.parametrize("action", ["kms:GenerateDataKey", "kms:Decrypt"])
@pytest.mark.parametrize("service", ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"])
def test_cloudwatch_and_budgets_may_use_the_topic_key(
    resources: dict[str, Any], service: str, action: str
) -> None:
    topic = resources["AlarmTopic"]["Properties"]
    assert topic["KmsMasterKeyId"] == {"Ref": "AlarmTopicKey"}  # not alias/aws/sns
    key = resources["AlarmTopicKey"]["Properties"]
    assert key["EnableKeyRotation"] is True
    policy = key["KeyPolicy"]
    ours = {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": ALARM_ARN}
    assert allows(policy, service=service, action=action, resource="*", context=ours)
    theirs = {"aws:SourceAccount": "999999999999"}
    assert not allows(policy, service=service, action=action, resource="*", context=theirs)


def test_the_managed_sns_key_would_not_do(resources: dict[str, Any]) -> None:
    """Why the key exists: CloudWatch cannot use alias/aws/sns (its policy is AWS's)."""
    assert "alias/aws/sns" not in str(resources["AlarmTopic"])


@pytest.mark.parametrize(
    ("service", "context"),
    [
        ("cloudwatch.amazonaws.com", {"aws:SourceArn": ALARM_ARN, "aws:SourceAccount": ACCOUNT}),
        ("budgets.amazonaws.com", {"aws:SourceAccount": ACCOUNT}),
    ],
)
def test_cloudwatch_and_budgets_may_publish_to_the_topic(
    resources: dict[str, Any], service: str, context: dict[str, str]
) -> None:
    policy = resources["AlarmTopicPolicy"]["Properties"]["PolicyDocument"]
    assert allows(
        policy, service=service, action="sns:Publish", resource=TOPIC_ARN, context=context
    )
    elsewhere = {"aws:SourceArn": ALARM_ARN.replace(ACCOUNT, "999999999999")}
    assert not allows(
        policy, service=service, action="sns:Publish", resource=TOPIC_ARN, context=elsewhere
    )


def test_someone_is_subscribed_and_must_be_named(resources: dict[str, Any]) -> None:
    parameters = load_template()["Parameters"]
    assert "Default" not in parameters["AlarmEmail"]
    assert re.fullmatch(parameters["AlarmEmail"]["AllowedPattern"], "ops@example.com")
    assert not re.fullmatch(parameters["AlarmEmail"]["AllowedPattern"], "")
    subscription = resources["AlarmEmailSubscription"]
    assert "Condition" not in subscription
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    budget = resources["CostBudget"]["Properties"]
    for notification in budget["NotificationsWithSubscribers"]:
        assert notification["Subscribers"] == [
            {"SubscriptionType": "SNS", "Address": {"Ref": "AlarmTopic"}}
        ]


# --- every alarm's metric exists ---------------------------------------------------------------

# What AWS documents its services emit: metric -> the dimension sets it is published with
AWS_METRICS: dict[tuple[str, str], list[set[str]]] = {
    ("AWS/ApiGateway", "5xx"): [{"ApiId", "Stage"}],
    ("AWS/ApiGateway", "4xx"): [{"ApiId", "Stage"}],
    ("AWS/ApiGateway", "Count"): [{"ApiId", "Stage"}],
    ("AWS/ApiGateway", "Latency"): [{"ApiId", "Stage"}],
    ("AWS/Lambda", "Errors"): [{"FunctionName"}, {"FunctionName", "Resource"}],
    ("AWS/Lambda", "Throttles"): [{"FunctionName"}, {"FunctionName", "Resource"}],
    ("AWS/Lambda", "Duration"): [{"FunctionName"}, {"FunctionName", "Resource"}],
    # Lambda publishes a stream-mapped function's iterator age per function (and resource)
    ("AWS/Lambda", "IteratorAge"): [{"FunctionName"}, {"FunctionName", "Resource"}],
    ("AWS/SQS", "ApproximateNumberOfMessagesVisible"): [{"QueueName"}],
    ("AWS/DynamoDB", "ThrottledRequests"): [{"TableName", "Operation"}],
    ("AWS/DynamoDB", "SystemErrors"): [{"TableName", "Operation"}],
    # CloudFront's metrics exist in us-east-1 only, with Region=Global; a CloudFront-scope
    # web ACL's in us-east-1 too, without a Region (the edge stack: infra/edge.yaml)
    ("AWS/CloudFront", "5xxErrorRate"): [{"DistributionId", "Region"}],
    ("AWS/WAFV2", "BlockedRequests"): [{"WebACL", "Rule"}],
}
# boto3 client methods -> DynamoDB's Operation dimension
DYNAMODB_OPERATIONS = {
    "get_item": "GetItem",
    "batch_get_item": "BatchGetItem",
    "query": "Query",
    "put_item": "PutItem",
    "update_item": "UpdateItem",
    "delete_item": "DeleteItem",
    "batch_write_item": "BatchWriteItem",
    "transact_write_items": "TransactWriteItems",
}


def alarm_metrics(properties: dict[str, Any]) -> list[dict[str, Any]]:
    if "Metrics" in properties:
        return [m["MetricStat"]["Metric"] for m in properties["Metrics"] if "MetricStat" in m]
    return [
        {
            "Namespace": properties["Namespace"],
            "MetricName": properties["MetricName"],
            "Dimensions": properties["Dimensions"],
        }
    ]


def alarms(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: r["Properties"]
        for name, r in resources.items()
        if r["Type"] == "AWS::CloudWatch::Alarm"
    }


def test_every_aws_metric_is_one_aws_publishes(resources: dict[str, Any]) -> None:
    from tests.support.cloudformation import load_edge_template

    edge = load_edge_template()["Resources"]
    for name, properties in (alarms(resources) | alarms(edge)).items():
        for metric in alarm_metrics(properties):
            if not metric["Namespace"].startswith("AWS/"):
                continue
            key = (metric["Namespace"], metric["MetricName"])
            dimensions = {d["Name"] for d in metric["Dimensions"]}
            assert key in AWS_METRICS, (name, key)
            assert dimensions in AWS_METRICS[key], (name, key, dimensions)


def test_the_dynamodb_alarms_cover_every_operation_the_app_calls(
    resources: dict[str, Any],
) -> None:
    from app.db.transactions import _SINGLE_ITEM_CALLS  # a one-action write, by name
    from tests.unit.test_template import _client_calls

    methods = _client_calls(("*.py",)) | set(_SINGLE_ITEM_CALLS.values())
    called = {DYNAMODB_OPERATIONS[c] for c in methods if c in DYNAMODB_OPERATIONS}
    for name in ("DynamoDbThrottlesAlarm", "DynamoDbErrorsAlarm"):
        watched = {
            d["Value"]
            for metric in alarm_metrics(resources[name]["Properties"])
            for d in metric["Dimensions"]
            if d["Name"] == "Operation"
        }
        assert watched == called, name
        (expression,) = [m for m in resources[name]["Properties"]["Metrics"] if "Expression" in m]
        ids = [m["Id"] for m in resources[name]["Properties"]["Metrics"] if "MetricStat" in m]
        assert expression["Expression"] == f"SUM([{', '.join(ids)}])"


def test_the_alias_alarm_watches_the_alias_that_takes_traffic(resources: dict[str, Any]) -> None:
    alias = resources["CatalogFunction"]["Properties"]["AutoPublishAlias"]
    (metric,) = alarm_metrics(resources["AliasErrorsAlarm"]["Properties"])
    resource = {d["Name"]: d["Value"] for d in metric["Dimensions"]}["Resource"]
    assert resource == {"Fn::Sub": f"${{CatalogFunction}}:{alias}"}


def test_the_app_metric_is_the_one_the_handler_emits(resources: dict[str, Any]) -> None:
    """FailedLogins is counted by app/auth and sent by Powertools with the handler's
    namespace and its one default dimension, `service`."""
    from app.core import metrics

    handler = (REPO / "app" / "lambda_handler.py").read_text()
    (namespace, service) = re.search(
        r'Metrics\(namespace="([^"]+)", service="([^"]+)"\)', handler
    ).groups()  # type: ignore[union-attr]
    own = [
        (name, metric)
        for name, properties in alarms(resources).items()
        for metric in alarm_metrics(properties)
        if not metric["Namespace"].startswith("AWS/")
    ]
    assert own
    for name, metric in own:
        assert metric["Namespace"] == namespace, name
        assert metric["MetricName"] in {
            v for k, v in vars(metrics).items() if k.isupper() and isinstance(v, str)
        }, name
        assert metric["Dimensions"] == [{"Name": "service", "Value": service}], name
    assert (
        "metrics.count(metrics.FAILED_LOGINS)" in (REPO / "app" / "auth" / "service.py").read_text()
    )
