"""RFC 9457 problem details: every error answer, in one place.

Domain errors (`AppError`, app/core/errors.py), Starlette's HTTP errors, request-validation
errors and dependency faults (app/core/faults.py: 503, never 500) all become
`application/problem+json` here. Unexpected exceptions are rendered by
`RequestContextMiddleware` (app/http/middleware.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.errors import AppError, validation_message
from app.core.faults import DeadlineExceededError, as_problem, is_dependency_fault

PROBLEM_MEDIA_TYPE = "application/problem+json"


def problem_type(code: str) -> str:
    return f"/problems/{code}"


def problem_response(
    *,
    status: int,
    code: str,
    title: str | None = None,
    detail: str | None = None,
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    phrase = _phrase(status)
    body: dict[str, Any] = {
        "type": problem_type(code),
        "title": title or phrase,
        "status": status,
        "detail": detail or title or phrase,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    body.update(extensions)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def _field_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Field errors without the offending input: it may be a password."""
    rendered = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        rendered.append(
            {
                "field": ".".join(loc[1:]) if len(loc) > 1 else ".".join(loc),
                "location": loc[0] if loc else "",
                "message": validation_message(error),
                "type": error.get("type", "value_error"),
            }
        )
    return rendered


async def render_app_error(request: Request, exc: AppError) -> JSONResponse:
    return problem_response(
        status=exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        instance=request.url.path,
        headers=exc.headers,
        **exc.extensions,
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, StarletteHTTPException):  # pragma: no cover
        raise exc
    detail = exc.detail if isinstance(exc.detail, str) else None
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"No route matches {request.method} {request.url.path}"
    return problem_response(
        status=exc.status_code,
        code=_HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}"),
        detail=detail,
        instance=request.url.path,
        headers=exc.headers,
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, RequestValidationError):  # pragma: no cover
        raise exc
    raw = exc.errors()
    if any(error.get("type") == "json_invalid" for error in raw):
        # pydantic locates a syntax error by character offset; say what it is instead
        raw = [{"loc": ("body",), "msg": "not valid JSON", "type": "json_invalid"}]
    errors = _field_errors(raw)
    first = errors[0] if errors else None
    summary = f"{first['field'] or first['location']}: {first['message']}" if first else None
    return problem_response(
        status=422,
        code="validation_error",
        title="Request validation failed",
        detail=summary,
        instance=request.url.path,
        errors=errors,
    )


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, AppError):  # pragma: no cover - registered for AppError only
        raise exc
    return await render_app_error(request, exc)


async def _dependency_fault(request: Request, exc: Exception) -> JSONResponse:
    """A dependency fault is 503 with Retry-After; any other AWS error stays a bug (500,
    rendered by RequestContextMiddleware)."""
    if not is_dependency_fault(exc):
        raise exc
    return await render_app_error(request, as_problem(exc))


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    for error_class in (ClientError, BotoCoreError, DeadlineExceededError):
        app.add_exception_handler(error_class, _dependency_fault)
