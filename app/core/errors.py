"""Domain errors: what a client can act on, with the status and code it is answered with.

Code below the HTTP layer raises `AppError` subclasses and knows nothing of HTTP beyond
these numbers; app/http/problems.py renders them as RFC 9457 problem details.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class AppError(Exception):
    """An error a client can act on. Subclasses set status, code and title."""

    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.headers = dict(headers or {})
        self.extensions = extensions


class NotFoundError(AppError):
    status, code, title = 404, "not_found", "Not found"


class ConflictError(AppError):
    status, code, title = 409, "conflict", "Conflict"


class UnauthorizedError(AppError):
    status, code, title = 401, "unauthorized", "Not authenticated"

    def __init__(self, detail: str | None = None, **extensions: Any) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"}, **extensions)


class ForbiddenError(AppError):
    status, code, title = 403, "forbidden", "Forbidden"


class PreconditionFailedError(AppError):
    status, code, title = 412, "precondition_failed", "Precondition failed"


class InvalidInputError(AppError):
    status, code, title = 422, "invalid_input", "Invalid input"


class TooManyRequestsError(AppError):
    status, code, title = 429, "too_many_requests", "Too many requests"

    def __init__(self, detail: str | None = None, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})


def validation_message(error: Mapping[str, Any]) -> str:
    """One of pydantic's validation errors in words: a validator's own message, without
    the "Value error, " pydantic puts before it (every answer, report and CLI message
    says it this way)."""
    return str(error.get("msg", "invalid")).removeprefix("Value error, ")
