"""Serve correctly under whatever prefix API Gateway puts in front of the app.

A REST API (v1 events) is reached at https://<id>.execute-api.<region>.amazonaws.com/<stage>/…
but the event's `path` leaves the stage out; an HTTP API (v2 events) on a named stage keeps
it in `rawPath`. Either way the app must know the prefix (ASGI `root_path`), or /docs would
fetch /openapi.json from the wrong place. The prefix is whatever the externally visible
path has in front of the path the app routes on; `$default` stages have none.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send


def routed_path(scope: Scope) -> str:
    """The path the app routes on: the request's, without the prefix (`root_path`)."""
    path, root = str(scope.get("path", "")), str(scope.get("root_path", ""))
    return path[len(root) :] if root and path.startswith(root) else path


def first_segment(path: str) -> str:
    """ "/products" for /products/123: what a path is dispatched on."""
    return "/" + path.lstrip("/").split("/", 1)[0]


def external_prefix(event: dict[str, Any]) -> str:
    context = event.get("requestContext") or {}
    if event.get("version") == "2.0":
        stage = context.get("stage") or "$default"
        prefix = f"/{stage}"
        raw_path = event.get("rawPath") or ""
        return prefix if stage != "$default" and raw_path.startswith(prefix + "/") else ""
    external, routed = context.get("path") or "", event.get("path") or ""
    if routed and external.endswith(routed) and external != routed:
        return external[: -len(routed)].rstrip("/")
    return ""


class ApiGatewayRootPathMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        event = scope.get("aws.event")
        if scope["type"] == "http" and isinstance(event, dict):
            prefix = external_prefix(event)
            if prefix:
                path = scope["path"]
                scope = {
                    **scope,
                    "root_path": prefix,
                    "path": path if path.startswith(prefix + "/") else prefix + path,
                }
        await self.app(scope, receive, send)
