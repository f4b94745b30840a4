"""The FastAPI application: routers, middleware and error handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app import health
from app.admin.router import router as admin_router
from app.auth.dependencies import include_guarded
from app.auth.router import public_router as auth_public_router
from app.auth.router import session_router as auth_session_router
from app.core.apigateway import ApiGatewayRootPathMiddleware
from app.core.config import get_settings
from app.core.errors import install_error_handlers
from app.core.logging import configure_logging
from app.core.middleware import RequestContextMiddleware
from app.inventory.router import router as inventory_router
from app.orders.router import router as orders_router
from app.products.router import admin_router as products_admin_router
from app.products.router import public_router as products_public_router

DESCRIPTION = """
Product catalog and inventory for an online store.

**Try it:** `POST /auth/signup`, then press **Authorize** and log in with the e-mail as
*username*. Errors are RFC 9457 problem details (`application/problem+json`).
"""


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    # Under a server, refuse to start with bad settings (e.g. no JWT_SECRET in prod).
    configure_logging(get_settings().log_level)
    yield


def create_app() -> FastAPI:
    app = FastAPI(
        title="Product Catalog & Inventory",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        swagger_ui_parameters={"persistAuthorization": True},
    )
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(ApiGatewayRootPathMiddleware)
    install_error_handlers(app)
    include_guarded(
        app,
        health.router,
        auth_public_router,
        auth_session_router,
        admin_router,
        products_public_router,
        products_admin_router,
        inventory_router,
        orders_router,
    )
    return app


app = create_app()
