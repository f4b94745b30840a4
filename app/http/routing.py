"""The service's routers: FastAPI's, with requests' content types checked per route, and
each router tried only for the paths it serves.

A route that reads a JSON body takes `application/json` (or any `+json` type); one that
reads a form takes `application/x-www-form-urlencoded` or `multipart/form-data`. Anything
else answers 415 before the body is read, instead of a misleading validation error.

FastAPI tries a request against every route of every router included before the one that
serves it: with all of them included (under uvicorn, or in a Lambda container that has
served a few kinds of request) a catalog read paid for some 50 path matches first. A
mounted router knows the first path segments it serves (app/http/mounting.py) and answers
"no match" for any other path at once.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from typing import Any

import fastapi
from fastapi import Request
from fastapi.params import Form
from fastapi.routing import APIRoute
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import Scope

from app.core.errors import AppError
from app.http.access import without_public
from app.http.apigateway import first_segment, routed_path

JSON_TYPES = ("application/json",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class UnsupportedMediaTypeError(AppError):
    status, code, title = 415, "unsupported_media_type", "Unsupported media type"


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    return bool(request.headers.get("transfer-encoding")) or (length is not None and length != "0")


class ContentTypeCheckedRoute(APIRoute):
    """Checks a request's content type (above); an access policy of `PUBLIC` is a mark,
    `public`, rather than a dependency solved on every request (app/http/access.py)."""

    def __init__(
        self, path: str, endpoint: Callable[..., Any], *, dependencies: Any = None, **kwargs: Any
    ) -> None:
        kept, self.public = without_public(list(dependencies or ()))
        super().__init__(path, endpoint, dependencies=kept, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def checked(request: Request) -> Response:
            if self.body_field is None:  # no body to read: whatever was sent is ignored
                return await handler(request)
            takes_form = isinstance(self.body_field.field_info, Form)
            accepted = FORM_TYPES if takes_form else JSON_TYPES
            media_type = _media_type(request)
            if media_type or _has_body(request):
                fits = media_type in accepted or (not takes_form and media_type.endswith("+json"))
                if not fits:
                    raise UnsupportedMediaTypeError(
                        f"This operation takes {' or '.join(accepted)}, not "
                        f"{media_type or 'a body without a Content-Type'}."
                    )
            return await handler(request)

        return checked


class APIRouter(fastapi.APIRouter):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("route_class", ContentTypeCheckedRoute)
        super().__init__(**kwargs)
        self.segments: frozenset[str] = frozenset()  # once mounted: the segments it serves

    def serve_only(self, segments: Iterable[str], *, prefix: str = "") -> None:
        """Be tried only for paths under these first segments; every route (under `prefix`,
        where it is mounted) must be."""
        self.segments = frozenset(segments)
        for route in self.routes:
            path = prefix + getattr(route, "path", "")
            if first_segment(path) not in self.segments:  # pragma: no cover - a wrong mount
                raise RuntimeError(f"{path} is outside {sorted(self.segments)}")

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if self.segments and first_segment(routed_path(scope)) not in self.segments:
            return Match.NONE, {}
        return super().matches(scope)
