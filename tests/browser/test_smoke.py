"""`make smoke` against the local stack (the same check the pipeline runs against staging
and prod after each deployment), so it cannot rot."""

from __future__ import annotations

from app.core.roles import Role
from devtools import smoke
from tests.browser.conftest import SMOKE_ORIGIN, Stack
from tests.support.smoke import make_smoke


def test_make_smoke_passes_against_the_local_stack(stack: Stack) -> None:
    done = make_smoke(stack.url, origin=SMOKE_ORIGIN)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "smoke test passed" in done.stdout
    for step in (
        "health",
        "CORS preflight",
        "smoke-test store",
        "sign-up",
        "order",
        "cancellation",
        "log-out",
        "account closed",
    ):
        assert f"ok   {step}" in done.stdout


def test_it_cleans_up_after_itself_and_leaves_the_shop_alone(stack: Stack) -> None:
    """Its shopper is gone afterwards, its order is cancelled with the stock back, and the
    real store saw only reads."""
    from app.auth import repository
    from app.bootstrap import SMOKE_STORE

    assert smoke.SMOKE_STORE == SMOKE_STORE
    smoke_table = stack.table.for_store(SMOKE_STORE)
    admin = stack.person(Role.ADMIN)
    shop_before = stack.http.get("/admin/orders?limit=100", headers=admin.headers).json()
    users_before = repository.list_page(smoke_table, limit=100, start_key=None)[0]
    assert smoke.main([stack.url]) == 0
    assert repository.list_page(smoke_table, limit=100, start_key=None)[0] == users_before
    shop_after = stack.http.get("/admin/orders?limit=100", headers=admin.headers).json()
    assert shop_after == shop_before


def test_a_broken_deployment_fails_it(stack: Stack) -> None:
    # an origin the deployment was not configured for: the browser app there cannot call it
    assert smoke.main([stack.url, "--origin", "https://elsewhere.example"]) == 1
    # nothing answering at all
    assert smoke.main(["http://127.0.0.1:9"]) == 1
