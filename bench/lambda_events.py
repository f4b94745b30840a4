"""Invoking the Lambda handler in-process the way API Gateway does: HTTP API (v2) events
built from the event `sam local generate-event` produced, and a Lambda context."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

EVENT = (
    Path(__file__).resolve().parent.parent / "tests" / "lambda" / "events" / "http-api-proxy.json"
)
_TEMPLATE: dict[str, Any] = json.loads(EVENT.read_text())

CONTEXT = SimpleNamespace(
    aws_request_id="bench",
    function_name="catalog",
    memory_limit_in_mb=1024,
    invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:catalog",
)


def http_api_event(
    method: str,
    path: str,
    *,
    body: str | None = None,
    headers: dict[str, str] | None = None,
    query: str = "",
) -> dict[str, Any]:
    event = copy.deepcopy(_TEMPLATE)
    event.update(rawPath=path, rawQueryString=query, cookies=[], headers=headers or {})
    event.update(body=body, isBase64Encoded=False, pathParameters=None)
    event.update(queryStringParameters=None)
    event["requestContext"]["http"].update(method=method, path=path)
    return event
