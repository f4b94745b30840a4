"""API Gateway proxy events, as `sam local generate-event apigateway http-api-proxy` (v2) and
`... aws-proxy` (v1) make them, for any request; and what a handler answered."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

EVENTS = Path(__file__).resolve().parents[1] / "lambda" / "events"
HTTP_API_SAMPLE = json.loads((EVENTS / "http-api-proxy.json").read_text())
REST_API_SAMPLE = json.loads((EVENTS / "aws-proxy.json").read_text())

Request = Callable[..., dict[str, Any]]


def http_api_event(
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    query: str = "",
) -> dict[str, Any]:
    event = copy.deepcopy(HTTP_API_SAMPLE)
    event["rawPath"] = path
    event["rawQueryString"] = query
    event["queryStringParameters"] = dict(parse_qsl(query)) or None
    event["cookies"] = []
    event["headers"] = {name.lower(): value for name, value in (headers or {}).items()}
    event["requestContext"]["http"].update(method=method, path=path)
    event["pathParameters"] = None
    event["isBase64Encoded"] = body is not None
    event["body"] = base64.b64encode(body).decode() if body is not None else None
    return event


def rest_api_event(
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    query: str = "",
) -> dict[str, Any]:
    event = copy.deepcopy(REST_API_SAMPLE)
    event.update(httpMethod=method, path=path)
    event["pathParameters"] = {"proxy": path.lstrip("/")}
    event["requestContext"].update(
        httpMethod=method, path=f"/{event['requestContext']['stage']}{path}"
    )
    pairs = parse_qsl(query)
    event["queryStringParameters"] = dict(pairs) or None
    event["multiValueQueryStringParameters"] = {
        k: [v for key, v in pairs if key == k] for k, _ in pairs
    } or None
    merged = {
        **{k: v for k, v in REST_API_SAMPLE["headers"].items() if k.lower() != "accept"},
        **(headers or {}),
    }
    event["headers"] = merged
    event["multiValueHeaders"] = {name: [value] for name, value in merged.items()}
    event["isBase64Encoded"] = body is not None
    event["body"] = base64.b64encode(body).decode() if body is not None else None
    return event


def header(response: dict[str, Any], name: str) -> str:
    headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
    multi = {k.lower(): v for k, v in (response.get("multiValueHeaders") or {}).items()}
    return headers.get(name) or multi.get(name, [""])[0]


def body_of(response: dict[str, Any]) -> Any:
    raw = response["body"]
    if response.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode()
    return json.loads(raw)
