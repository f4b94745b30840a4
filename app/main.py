"""The FastAPI application: routers, middleware and error handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from app.core.config import get_settings
from app.core.logging import configure_logging
from app.http.apigateway import ApiGatewayRootPathMiddleware
from app.http.cors import ConfiguredCORSMiddleware
from app.http.middleware import (
    ConfiguredGZipMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
)
from app.http.mounting import LazyRouters, LazyRoutersMiddleware
from app.http.problems import install_problem_handlers
from app.routers import ROUTERS

DESCRIPTION = """
Product catalog and inventory for an online store.

**Try it:** `POST /auth/signup`, then press **Authorize** and log in with the e-mail as
*username*. Errors are RFC 9457 problem details (`application/problem+json`).
"""


def create_app() -> FastAPI:
    routers: LazyRouters

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Under a server, refuse to start with bad settings (e.g. no JWT_SECRET in prod),
        # and build every route now rather than on first use.
        settings = get_settings()
        configure_logging(settings.log_level)
        routers.ensure_all()
        if settings.live_mode != "local":
            yield
            return
        from app.live.local import serve_live_stock  # the stream, read in this process

        with serve_live_stock():
            yield

    app = FastAPI(
        title="Product Catalog & Inventory",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc: app/docs.py, from the app's own files
        redoc_url=None,
        # logs and metrics are Powertools' (app/lambda_handler.py), not OpenTelemetry's:
        # FastAPI would look for OpenTelemetry providers on every request
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    routers = LazyRouters(app, ROUTERS)
    app.state.routers = routers
    app.add_middleware(LazyRoutersMiddleware, routers=routers)
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)  # outside: the 500s get the headers too
    app.add_middleware(ConfiguredCORSMiddleware)  # preflights answered before anything else
    app.add_middleware(ConfiguredGZipMiddleware)
    app.add_middleware(ApiGatewayRootPathMiddleware)
    install_problem_handlers(app)

    build_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            from app.http.responses import finalize  # the document's own models: not per request

            routers.ensure_all()
            app.openapi_schema = finalize(build_openapi())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


app = create_app()
