"""What every request pays besides API Gateway, Lambda and DynamoDB, and what a stack costs
when nobody uses it -- counted from the templates themselves, so the figures follow them.

Per request: CloudFront's request price and the bytes it sends, the CloudFront Function each
behaviour runs, WAF's request price (staging, prod), and the logs it leaves: Lambda's
START/END/REPORT lines and the app's own lines, API Gateway's access log line, WAF's log
record. Per month: the WAF web ACL and its rules, the alarms (by the metrics each one
watches), customer managed keys, secrets and dashboards.

Prices: us-east-1 (and CloudFront in North America/Europe) list prices as of November 2024;
this machine cannot reach the pricing pages to check them again. Free tiers are left out
(CloudFront's always-free 1 TB and 10 M requests a month would cover a small shop's edge).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from devtools import cloudformation

PRICES_AS_OF = "November 2024, us-east-1 / CloudFront NA+EU"
CLOUDFRONT_HTTPS_PER_MILLION = 1.00  # $0.0100 per 10,000 HTTPS requests
CLOUDFRONT_PER_GB_OUT = 0.085  # first 10 TB a month
CLOUDFRONT_FUNCTION_PER_MILLION = 0.10
WAF_PER_MILLION = 0.60
WAF_WEB_ACL_MONTH = 5.00
WAF_RULE_MONTH = 1.00  # each rule and each managed rule group
LOGS_INGEST_PER_GB = 0.50  # CloudWatch Logs, and WAF's vended logs into it
ALARM_METRIC_MONTH = 0.10  # a standard-resolution alarm, per metric it watches
KMS_KEY_MONTH = 1.00
SECRET_MONTH = 0.40
DASHBOARD_MONTH = 3.00  # beyond an account's first three
XRAY_PER_MILLION_TRACES = 5.00  # were tracing on (it is not: docs/ARCHITECTURE.md)

# Log bytes that do not depend on the app: Lambda's platform lines (text format) and one
# API Gateway access log line in the template's format with typical values; WAF's JSON
# record of one evaluated request (headers included, Authorization redacted).
LAMBDA_PLATFORM_LOG_BYTES = 330
WAF_LOG_BYTES = 1_600


def access_log_bytes() -> int:
    """One access log line in the template's format, filled with typical values."""
    template = cloudformation.load(cloudformation.TEMPLATE)
    line = template["Resources"]["HttpApi"]["Properties"]["AccessLogSettings"]["Format"]
    typical = {
        "$context.requestId": "Yq1ZkgVOoAMEbCw=",
        "$context.identity.sourceIp": "203.0.113.90",
        "$context.identity.userAgent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36",
        "$context.routeKey": "ANY /{proxy+}",
        "$context.path": "/products/3f2a9c1e-5b7d-4e8f-a1c2-9d0b6e4f7a21",
        "$context.error.message": "-",
        "$context.integrationErrorMessage": "-",
    }
    for name, value in sorted(typical.items(), key=lambda kv: -len(kv[0])):
        line = line.replace(name, value)
    for name in ("httpMethod", "status", "responseLatency", "integrationLatency"):
        line = line.replace(f"$context.{name}", "200")
    for name in ("integrationStatus", "responseLength"):
        line = line.replace(f"$context.{name}", "1843")
    return len(line.encode()) + 60  # CloudWatch's own timestamp and envelope


@dataclass(frozen=True)
class RequestShape:
    """What the edge sees of one request."""

    bytes_out: int  # the answer, compressed as CloudFront sends it
    app_log_bytes: float  # the function's own lines (0 for the web app's files)
    reaches_api: bool = True


def edge_cost_per_million(shape: RequestShape, *, waf: bool) -> dict[str, float]:
    cloudfront = (
        CLOUDFRONT_HTTPS_PER_MILLION
        + shape.bytes_out * 1_000_000 / 1e9 * CLOUDFRONT_PER_GB_OUT
        + CLOUDFRONT_FUNCTION_PER_MILLION  # one viewer-request function on either behaviour
    )
    log_bytes = (
        LAMBDA_PLATFORM_LOG_BYTES + shape.app_log_bytes + access_log_bytes()
        if shape.reaches_api
        else 0
    )
    waf_bytes = WAF_LOG_BYTES if waf else 0
    return {
        "cloudfront": cloudfront,
        "waf": WAF_PER_MILLION if waf else 0.0,
        "logs": (log_bytes + waf_bytes) * 1_000_000 / 1e9 * LOGS_INGEST_PER_GB,
    }


def _alarm_metrics(resources: dict[str, Any]) -> int:
    count = 0
    for resource in resources.values():
        if resource["Type"] != "AWS::CloudWatch::Alarm":
            continue
        metrics = resource["Properties"].get("Metrics")
        count += sum(1 for m in metrics if "MetricStat" in m) if metrics else 1
    return count


def fixed_monthly(*, waf: bool) -> dict[str, float]:
    """What a stack costs a month with no traffic at all, from its templates."""
    site = cloudformation.load(cloudformation.TEMPLATE)["Resources"]
    edge = cloudformation.load(cloudformation.EDGE_TEMPLATE)["Resources"]

    def count(kind: str, resources: dict[str, Any]) -> int:
        return sum(1 for r in resources.values() if r["Type"] == kind)

    costs = {
        "alarms": _alarm_metrics(site) * ALARM_METRIC_MONTH,
        "KMS keys": count("AWS::KMS::Key", site) * KMS_KEY_MONTH,
        "secrets": count("AWS::SecretsManager::Secret", site) * SECRET_MONTH,
        "dashboard (past an account's 3 free)": count("AWS::CloudWatch::Dashboard", site)
        * DASHBOARD_MONTH,
    }
    if waf:
        rules = len(edge["WebAcl"]["Properties"]["Rules"])
        costs["WAF (web ACL and rules)"] = WAF_WEB_ACL_MONTH + rules * WAF_RULE_MONTH
        costs["alarms"] += _alarm_metrics(edge) * ALARM_METRIC_MONTH
    return costs


def describe_fixed(costs: dict[str, float]) -> str:
    return json.dumps({k: round(v, 2) for k, v in costs.items()})
