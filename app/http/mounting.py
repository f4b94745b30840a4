"""Including routers the first time a request needs them.

A Lambda container starts for one request: building every route of the API up front (each
one a set of pydantic validators) is most of the app's import cost, so a router is imported
and included the first time a request under its mount point arrives. Servers with a
lifespan (uvicorn) include them all at startup; so does building the OpenAPI document.
Every router passes `include_guarded`'s access-policy check on inclusion.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from app.http.apigateway import first_segment, routed_path

if TYPE_CHECKING:  # the routers' machinery comes with the first router (cold start)
    from app.http.routing import APIRouter


@dataclass(frozen=True)
class Mount:
    """Where a router's routes go: under `prefix`, or (no prefix) at the paths its routes
    name themselves, whose first segments `paths` lists."""

    router: str  # "module:attribute"
    prefix: str = ""
    paths: tuple[str, ...] = ()

    @property
    def segments(self) -> tuple[str, ...]:
        """The first path segments it serves ("/products"), what a request is matched on."""
        return self.paths or ("/" + self.prefix.strip("/").split("/")[0],)

    def load(self) -> APIRouter:
        from app.http.routing import APIRouter

        module, attribute = self.router.split(":")
        router = getattr(importlib.import_module(module), attribute)
        if not isinstance(router, APIRouter):  # pragma: no cover - a wrong table entry
            raise TypeError(f"{self.router} is not an APIRouter")
        return router


class LazyRouters:
    def __init__(self, app: FastAPI, mounts: Sequence[Mount]) -> None:
        self.app = app
        self.mounts = mounts
        # in the order the mounts name them: routes (and the OpenAPI document) keep it
        self.order = list(dict.fromkeys(segment for mount in mounts for segment in mount.segments))
        self.segments = set(self.order)
        self.included: set[str] = set()  # segments whose routers are in
        self._mounted: set[Mount] = set()  # a router may serve several segments
        self._lock = threading.Lock()

    def ensure(self, segments: Iterable[str]) -> None:
        missing = [s for s in segments if s in self.segments and s not in self.included]
        if not missing:
            return
        from app.http.access import include_guarded

        with self._lock:
            for segment in missing:
                for mount in self.mounts:
                    if segment in mount.segments and mount not in self._mounted:
                        router = mount.load()
                        router.serve_only(mount.segments, prefix=mount.prefix)
                        include_guarded(self.app, router, prefix=mount.prefix)
                        self._mounted.add(mount)
                self.included.add(segment)

    def ensure_all(self) -> None:
        self.ensure(self.order)

    def ensure_for(self, path: str) -> None:
        self.ensure([first_segment(path)])


class LazyRoutersMiddleware:
    """Includes the routers a request's path needs before the app routes it."""

    def __init__(self, app: ASGIApp, routers: LazyRouters) -> None:
        self.app = app
        self.routers = routers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            self.routers.ensure_for(routed_path(scope))
        await self.app(scope, receive, send)
