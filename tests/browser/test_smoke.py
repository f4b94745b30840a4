"""`make smoke` against the local stack (the same check the pipeline runs against staging
and prod after each deployment), so it cannot rot."""

from __future__ import annotations

from app.core.roles import Role
from devtools import smoke
from tests.browser.conftest import PASSWORD, SMOKE_ORIGIN, Stack
from tests.support.smoke import make_smoke


def test_make_smoke_passes_against_the_local_stack(stack: Stack) -> None:
    admin = stack.person(Role.ADMIN)
    stack.product(admin, name="Smoke Shelf", stock=3)
    done = make_smoke(stack.url, origin=SMOKE_ORIGIN)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "smoke test passed" in done.stdout
    for step in ("health", "CORS preflight", "sign-up", "order", "cancellation", "log-out"):
        assert f"ok   {step}" in done.stdout


def test_with_an_admin_it_cleans_up_after_itself(stack: Stack) -> None:
    admin = stack.person(Role.ADMIN)
    users_before = stack.http.get("/admin/users?limit=100", headers=admin.headers).json()
    assert smoke.main([stack.url, "--admin-email", admin.email, "--admin-password", PASSWORD]) == 0
    users_after = stack.http.get("/admin/users?limit=100", headers=admin.headers).json()
    assert len(users_after["items"]) == len(users_before["items"])


def test_a_broken_deployment_fails_it(stack: Stack) -> None:
    # an origin the deployment was not configured for: the browser app there cannot call it
    assert smoke.main([stack.url, "--origin", "https://elsewhere.example"]) == 1
    # nothing answering at all
    assert smoke.main(["http://127.0.0.1:9"]) == 1
