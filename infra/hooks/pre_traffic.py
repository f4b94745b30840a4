"""CodeDeploy's pre-traffic hook: before any traffic moves to a new version of the catalog
function, invoke that version with an API Gateway (HTTP API) event for GET /health and let
the deployment go on only if it answers 200 (the app reached DynamoDB). The event carries
the origin secret's header, as CloudFront's requests will (app/core/origin.py). Deployed as
its own small function (infra/template.yaml, PreTrafficHook); boto3 comes from the Lambda
runtime.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

HEALTH_EVENT: dict[str, Any] = {
    "version": "2.0",
    "routeKey": "$default",
    "rawPath": "/health",
    "rawQueryString": "",
    "headers": {"host": "pre-traffic-hook", "user-agent": "codedeploy-pre-traffic-hook"},
    "requestContext": {
        "http": {
            "method": "GET",
            "path": "/health",
            "protocol": "HTTP/1.1",
            "sourceIp": "127.0.0.1",
            "userAgent": "codedeploy-pre-traffic-hook",
        },
        "requestId": "pre-traffic-hook",
        "routeKey": "$default",
        "stage": "$default",
    },
    "isBase64Encoded": False,
}


def origin_header(secrets: Any, secret_id: str | None) -> dict[str, str]:
    """The header CloudFront sends the API (the secret's current value), if there is one."""
    if not secret_id:
        return {}
    value = json.loads(secrets.get_secret_value(SecretId=secret_id)["SecretString"])["current"]
    return {"x-origin-verify": value}


def check(lambda_client: Any, version_arn: str, headers: dict[str, str]) -> tuple[bool, str]:
    """Whether the version answers GET /health with 200, and what it said."""
    event = {**HEALTH_EVENT, "headers": {**HEALTH_EVENT["headers"], **headers}}
    answer = lambda_client.invoke(FunctionName=version_arn, Payload=json.dumps(event).encode())
    if answer.get("FunctionError"):
        return False, f"the function failed: {answer['Payload'].read()[:500]!r}"
    response = json.loads(answer["Payload"].read())
    status = response.get("statusCode")
    return status == 200, f"GET /health answered {status}: {str(response.get('body'))[:200]}"


def handler(event: dict[str, Any], _context: Any, *, clients: Any = None) -> dict[str, str]:
    lambda_client, codedeploy, secrets = clients or (
        boto3.client("lambda"),
        boto3.client("codedeploy"),
        boto3.client("secretsmanager"),
    )
    try:
        headers = origin_header(secrets, os.environ.get("ORIGIN_SECRET_ARN"))
        healthy, detail = check(lambda_client, os.environ["NEW_VERSION"], headers)
    except Exception as error:  # any failure to check is a failed check
        healthy, detail = False, f"could not check: {error!r}"
    print(
        json.dumps(
            {"new_version": os.environ.get("NEW_VERSION"), "healthy": healthy, "detail": detail}
        )
    )
    status = "Succeeded" if healthy else "Failed"
    codedeploy.put_lifecycle_event_hook_execution_status(
        deploymentId=event["DeploymentId"],
        lifecycleEventHookExecutionId=event["LifecycleEventHookExecutionId"],
        status=status,
    )
    return {"status": status}
