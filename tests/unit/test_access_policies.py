"""Deny by default: a route without an access policy cannot be mounted."""

from __future__ import annotations

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from app.core.roles import Role
from app.http.access import PUBLIC, allow, include_guarded


def test_a_route_without_a_policy_is_refused() -> None:
    router = APIRouter()

    @router.get("/open")
    def open_route() -> None: ...

    with pytest.raises(RuntimeError, match="/open"):
        include_guarded(FastAPI(), router)


def test_a_route_with_two_policies_is_refused() -> None:
    router = APIRouter(dependencies=[PUBLIC])

    @router.get("/confused", dependencies=[allow(Role.ADMIN)])
    def confused() -> None: ...

    with pytest.raises(RuntimeError, match="/confused"):
        include_guarded(FastAPI(), router)


def test_every_route_of_the_app_names_one_policy(app_env: None) -> None:
    from app.main import create_app

    paths = create_app().openapi()["paths"]  # built only if include_guarded let them in
    assert "/auth/me" in paths
    assert "/admin/users" in paths


def test_public_is_a_mark_on_the_route_not_a_dependency_run_per_request() -> None:
    from fastapi.testclient import TestClient

    from app.http.access import anyone, policies
    from app.http.routing import APIRouter as ServiceRouter

    router = ServiceRouter(dependencies=[PUBLIC])

    @router.get("/open")
    def open_route() -> dict[str, bool]:
        return {"open": True}

    [route] = router.routes
    assert isinstance(route, APIRoute)
    assert policies(route) == [anyone]
    assert route.dependant.dependencies == []  # nothing solved for the policy
    app = FastAPI()
    include_guarded(app, router)
    assert TestClient(app).get("/open").json() == {"open": True}
    twice = ServiceRouter(dependencies=[PUBLIC])  # public, and an admin's as well: refused

    @twice.get("/also-admin", dependencies=[allow(Role.ADMIN)])
    def also_admin() -> None: ...

    with pytest.raises(RuntimeError, match="/also-admin"):
        include_guarded(FastAPI(), twice)
