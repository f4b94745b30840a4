"""Which routers serve which paths, and including them into the app when first needed.

A Lambda container starts for one request: building every route of the API up front (each
one a set of pydantic validators) is most of the app's import cost, so each domain's
routers are imported and included the first time a request under their prefix arrives.
Servers with a lifespan (uvicorn) include them all at startup; so does building the OpenAPI
document. Every router still passes `include_guarded`'s access-policy check on inclusion.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterable

from fastapi import APIRouter, FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

# path prefix -> "module:attribute" of the routers serving it
ROUTERS: dict[str, tuple[str, ...]] = {
    "/": ("app.web:router",),
    "/app": ("app.web:router",),
    "/docs": ("app.docs:router",),
    "/redoc": ("app.docs:router",),
    "/health": ("app.health:router",),
    "/auth": ("app.auth.router:public_router", "app.auth.router:session_router"),
    "/admin": ("app.admin.router:router", "app.orders.router:admin_router"),
    "/products": ("app.products.router:public_router", "app.products.router:admin_router"),
    "/categories": ("app.products.router:categories_router",),
    "/inventory": ("app.inventory.router:router", "app.inventory.router:admin_router"),
    "/orders": ("app.orders.router:router",),
    "/store": ("app.stores.router:store_router",),
    "/platform": ("app.stores.router:platform_router",),
}


def _load(reference: str) -> APIRouter:
    module, attribute = reference.split(":")
    router = getattr(importlib.import_module(module), attribute)
    if not isinstance(router, APIRouter):  # pragma: no cover - a wrong table entry
        raise TypeError(f"{reference} is not an APIRouter")
    return router


class LazyRouters:
    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.included: set[str] = set()
        self._routers_included: set[str] = set()  # several prefixes may share a router
        self._lock = threading.Lock()

    def ensure(self, prefixes: Iterable[str]) -> None:
        missing = [p for p in prefixes if p in ROUTERS and p not in self.included]
        if not missing:
            return
        from app.http.access import include_guarded

        with self._lock:
            for prefix in missing:
                if prefix in self.included:
                    continue
                references = [r for r in ROUTERS[prefix] if r not in self._routers_included]
                include_guarded(self.app, *(_load(ref) for ref in references))
                self._routers_included.update(references)
                self.included.add(prefix)

    def ensure_all(self) -> None:
        self.ensure(ROUTERS)

    def ensure_for(self, route_path: str) -> None:
        self.ensure(["/" + route_path.lstrip("/").split("/", 1)[0]])


class LazyRoutersMiddleware:
    """Includes the routers a request's path needs before the app routes it."""

    def __init__(self, app: ASGIApp, routers: LazyRouters) -> None:
        self.app = app
        self.routers = routers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path, root = scope["path"], scope.get("root_path", "")
            self.routers.ensure_for(path[len(root) :] if root and path.startswith(root) else path)
        await self.app(scope, receive, send)
