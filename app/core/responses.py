"""OpenAPI descriptions of the problem-details answers routes can give."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from app.core.errors import PROBLEM_MEDIA_TYPE


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


_DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing, invalid or expired token, or the session has ended",
    403: "The caller's role does not allow this",
    404: "Not found",
    409: "Conflict with the current state",
    412: "If-Match does not match the current version",
    422: "Invalid input",
    429: "Too many requests; see Retry-After",
    503: "A dependency (DynamoDB) is unavailable",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        status: {
            "model": Problem,
            "description": _DESCRIPTIONS.get(status, "Error"),
            "content": {PROBLEM_MEDIA_TYPE: {}},
        }
        for status in statuses
    }
