"""Tests against the real local stack -- the built web app and the API under uvicorn, on
DynamoDB Local and moto's S3 server -- started once for the whole session: the browser
tests (Debian's Chromium through Playwright) and `make smoke`."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.auth import repository
from app.core.roles import Role
from app.core.timeutil import now_iso
from app.db.keys import Keys
from app.db.table import Table, dynamodb_client
from app.products.images import s3_client
from devtools import api_server, dynamodb_local, processes
from devtools import browser as chromium
from tests.support.server import server_env

REPO = Path(__file__).resolve().parents[2]
DIST = REPO / "web" / "dist"
AXE = REPO / "web" / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "correct horse battery"
SMOKE_ORIGIN = "https://shop.example.com"  # the one origin the stack allows (make smoke)


@dataclass
class Person:
    email: str
    password: str
    id: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Stack:
    url: str
    table: Table
    bucket: str
    outbox: Path
    http: httpx.Client = field(repr=False)

    def person(self, role: Role = Role.USER, name: str = "Pat Example") -> Person:
        """A new account of the given role, logged in over the API."""
        email = f"{role.value}-{uuid.uuid4().hex[:8]}@example.com"
        response = self.http.post(
            "/auth/signup", json={"email": email, "password": PASSWORD, "name": name}
        )
        assert response.status_code == 201, response.text
        user_id = response.json()["id"]
        if role != Role.USER:
            user = repository.get(self.table, user_id=user_id)
            assert user is not None
            repository.change_role(self.table, user=user, role=role, now=now_iso())
        tokens = self.http.post("/auth/login", data={"username": email, "password": PASSWORD})
        assert tokens.status_code == 200, tokens.text
        return Person(email, PASSWORD, user_id, tokens.json()["access_token"])

    def product(self, admin: Person, **fields: Any) -> dict[str, Any]:
        body = {
            "name": f"Product {uuid.uuid4().hex[:6]}",
            "price": "12.50",
            "category": "Browser",
            "stock": 10,
        } | fields
        response = self.http.post("/products", headers=admin.headers, json=body)
        assert response.status_code == 201, response.text
        return response.json()


@pytest.fixture(scope="package")
def stack(
    dynamodb_endpoint: str, s3_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    if not (DIST / "index.html").is_file():
        pytest.fail("web/dist is not built: `make test` builds it (make web)")
    table_name = f"browser-{uuid.uuid4().hex[:10]}"
    bucket = f"browser-{uuid.uuid4().hex[:10]}"
    table = Table(
        client=dynamodb_client(dynamodb_endpoint, "us-east-1"),
        name=table_name,
        keys=Keys("default"),
    )
    table.create()
    s3_client(s3_endpoint, "us-east-1").create_bucket(Bucket=bucket)
    port = dynamodb_local.free_port()
    url = f"http://127.0.0.1:{port}"
    outbox = tmp_path_factory.mktemp("outbox")
    env = server_env(
        table=table_name,
        dynamodb_endpoint=dynamodb_endpoint,
        s3_endpoint=s3_endpoint,
        log_level="WARNING",
        IMAGES_BUCKET=bucket,
        WEB_DIST_DIR=str(DIST),
        MAIL_OUTBOX_DIR=str(outbox),
        PUBLIC_APP_URL=url,
        CORS_ALLOWED_ORIGINS=SMOKE_ORIGIN,
        LIVE_MODE="local",
    )
    # what a deployment runs before anyone comes (app/bootstrap.py): the smoke-test store
    subprocess.run([sys.executable, "-m", "app.cli", "bootstrap"], env=env, check=True)
    server = api_server.start(env, port, log_path=tmp_path_factory.mktemp("server") / "api.log")
    try:
        with httpx.Client(base_url=url, timeout=10) as http:
            yield Stack(url=url, table=table, bucket=bucket, outbox=outbox, http=http)
    finally:
        processes.stop(server)
        table.client.delete_table(TableName=table_name)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One Chromium for the browser tests. Package-scoped: Playwright's sync API keeps an
    event loop running in this thread until it stops, which the tests after these (that
    run their own loops) must not meet."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = chromium.launch(playwright)
        yield launched
        launched.close()


@dataclass
class Watched:
    """A page, and what went wrong in it that no assertion looked at."""

    page: Any
    errors: list[str]


def watch(page: Any) -> Watched:
    watched = Watched(page, [])
    page.on("pageerror", lambda error: watched.errors.append(f"uncaught: {error}"))

    def on_console(message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            watched.errors.append(f"CSP: {message.text}")

    page.on("console", on_console)
    return watched


WAIT_MS = 10_000


@pytest.fixture
def context(browser: Any, stack: Stack) -> Iterator[Any]:
    """A fresh browser profile (empty storage) at 1280 px. Actions and assertions wait up to
    WAIT_MS (an assertion's own default is 5 s: a busy two-core machine has taken longer to
    render ReDoc's whole document)."""
    from playwright.sync_api import expect

    ctx = browser.new_context(base_url=stack.url, viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(WAIT_MS)
    expect.set_options(timeout=WAIT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    watched = watch(context.new_page())
    yield watched.page
    assert watched.errors == []


def accessibility_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())  # through DevTools: the page's CSP does not apply
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))"""
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


def log_in(page: Any, person: Person) -> None:
    """Log in through the form; done when the app has left the log-in page (on a phone the
    Log out button is behind the menu, so it is not what to wait for)."""
    page.goto("/app/login")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(person.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/app/login" not in url)
    page.locator(".account button", has_text="Log out").wait_for(state="attached")
