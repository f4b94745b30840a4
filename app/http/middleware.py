"""Pure ASGI middleware: request ids and the last line of defence for unexpected errors."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core import metrics
from app.core.faults import request_deadline
from app.core.logging import api_request_id_var, request_id_var
from app.http.apigateway import routed_path
from app.http.problems import problem_response

logger = logging.getLogger("app.requests")

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
REQUEST_ID_HEADER = b"x-request-id"


def _incoming_request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == REQUEST_ID_HEADER:
            candidate: str = value.decode("latin-1")
            if _SAFE_REQUEST_ID.match(candidate):
                return candidate
    context = scope.get("aws.context")
    aws_request_id = getattr(context, "aws_request_id", None)
    if isinstance(aws_request_id, str) and _SAFE_REQUEST_ID.match(aws_request_id):
        return str(aws_request_id)
    return uuid.uuid4().hex


def _api_gateway_request_id(scope: Scope) -> str | None:
    event = scope.get("aws.event")
    context = event.get("requestContext") if isinstance(event, dict) else None
    value = context.get("requestId") if isinstance(context, dict) else None
    return value if isinstance(value, str) and _SAFE_REQUEST_ID.match(value) else None


class HttpMiddleware:
    """An ASGI middleware for HTTP requests: anything else (lifespan) passes straight on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class RequestContextMiddleware(HttpMiddleware):
    """Gives every request an id (echoed as X-Request-ID and in every log line, beside API
    Gateway's own id) and a deadline for its AWS calls (app/core/faults.py), turns an
    unhandled exception into a bare 500 problem, logged with the stack trace, and counts
    every 500 (ServerErrors: the metric that rolls a bad release back)."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = _incoming_request_id(scope)
        token = request_id_var.set(request_id)
        api_token = api_request_id_var.set(_api_gateway_request_id(scope))
        scope.setdefault("state", {})["request_id"] = request_id
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                if message["status"] == 500:
                    metrics.count(metrics.SERVER_ERRORS)
                headers: list[Any] = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER, request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            with request_deadline():
                await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception(
                "unhandled error",
                extra={"fields": {"path": scope.get("path"), "method": scope.get("method")}},
            )
            if response_started:
                raise
            response = problem_response(
                status=500,
                code="internal_error",
                detail="An unexpected error occurred. Quote the request id when reporting it.",
                request_id=request_id,
            )
            await response(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)
            api_request_id_var.reset(api_token)


# personal answers must not be kept by browsers or shared caches
PERSONAL_PREFIXES = ("/auth", "/admin", "/orders", "/inventory", "/platform", "/store")
_JSON_CSP = b"default-src 'none'; frame-ancestors 'none'"


class SecurityHeadersMiddleware(HttpMiddleware):
    """Headers every answer carries unless its route set its own: no MIME sniffing, no
    referrer, no framing, and `Cache-Control: no-store` on anything authenticated or
    personal. A 204 carries no Content-Type."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_headers = dict(scope.get("headers", ()))
        path = routed_path(scope)
        personal = b"authorization" in request_headers or path.startswith(PERSONAL_PREFIXES)
        secure = (
            scope.get("scheme") == "https" or request_headers.get(b"x-forwarded-proto") == b"https"
        )

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if not (message["status"] == 204 and name.lower() == b"content-type")
                ]
                present = {name.lower() for name, _ in headers}
                wanted = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"content-security-policy", _JSON_CSP),
                ]
                if personal:
                    wanted.append((b"cache-control", b"no-store"))
                if secure:
                    wanted.append(
                        (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
                    )
                headers += [(name, value) for name, value in wanted if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ConfiguredGZipMiddleware:
    """Gzip for answers of 1 KB and more where nothing in front compresses them: under
    uvicorn, unless COMPRESS_RESPONSES is false. Never in Lambda (Mangum's scope carries
    `aws.event`): CloudFront compresses there, and a REST API would hand a compressed body
    on as base64 text unless binary media types were configured. Settings are read per
    request, not at import."""

    def __init__(self, app: ASGIApp) -> None:
        from starlette.middleware.gzip import GZipMiddleware

        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=1024)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        from app.core.config import get_settings

        wanted = get_settings().compress_responses and "aws.event" not in scope
        target = self.gzip if wanted else self.app
        await target(scope, receive, send)
