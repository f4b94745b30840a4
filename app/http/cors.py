"""Cross-origin calls from browsers on other origins (the web app itself is same-origin).

On AWS, API Gateway answers preflights (infra/template.yaml, CorsConfiguration) and they
never reach the app; under uvicorn the app does it, from `CORS_ALLOWED_ORIGINS`, with the
same methods and headers -- tests/unit/test_template.py keeps the two lists equal, and
`make smoke` sends a preflight to either.
"""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

ALLOW_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
ALLOW_HEADERS = ["authorization", "content-type", "if-match", "idempotency-key", "x-request-id"]
EXPOSE_HEADERS = ["etag", "location", "retry-after", "x-request-id", "idempotent-replayed"]
MAX_AGE = 600


class ConfiguredCORSMiddleware:
    """Starlette's CORS middleware for the configured origins, set up on the first request
    (the settings are read then, not when the app is built); none configured, none added."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._handler: ASGIApp | None = None

    def _build(self) -> ASGIApp:
        from app.core.config import get_settings

        origins = get_settings().cors_origins
        if not origins:
            return self.app
        return CORSMiddleware(
            self.app,
            allow_origins=origins,
            allow_methods=ALLOW_METHODS,
            allow_headers=ALLOW_HEADERS,
            expose_headers=EXPOSE_HEADERS,
            max_age=MAX_AGE,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._handler is None:
            self._handler = self._build()
        await self._handler(scope, receive, send)
