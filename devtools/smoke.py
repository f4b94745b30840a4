"""`make smoke URL=<base url>`: is a running deployment (or `make run`) really serving?

What a user does, end to end, against the real thing: health, the docs, a CORS preflight
from the configured origin, sign-up, log-in, a catalog page, an order of one unit of a
product in stock (with an Idempotency-Key), reading it back, cancelling it (the stock goes
back), log-out. Every step prints a line; the first failure stops it (exit 1).

    .venv/bin/python -m devtools.smoke https://d123.cloudfront.net --origin https://shop.example.com
    .venv/bin/python -m devtools.smoke --env staging    # the stack's SiteUrl and origin

The order needs a product in stock. With `--admin-email`/`--admin-password` (or
SMOKE_ADMIN_EMAIL/SMOKE_ADMIN_PASSWORD) it creates one when there is none, and removes the
shopper account it signed up afterwards; without them it leaves that account (e-mail
`smoke+<random>@example.com`) behind.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

PASSWORD = "smoke-test-" + "p" * 16


class SmokeError(Exception):
    pass


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeError(message)


def status(response: httpx.Response, wanted: int) -> dict[str, Any]:
    expect(
        response.status_code == wanted,
        f"{response.request.method} {response.request.url.path} answered "
        f"{response.status_code}, not {wanted}: {response.text[:300]}",
    )
    return response.json() if "json" in response.headers.get("content-type", "") else {}


@dataclass
class Smoke:
    http: httpx.Client
    origin: str | None = None
    admin: tuple[str, str] | None = None
    state: dict[str, Any] = field(default_factory=dict)

    def bearer(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def log_in(self, email: str, password: str) -> str:
        answer = status(
            self.http.post("/auth/login", data={"username": email, "password": password}), 200
        )
        return str(answer["access_token"])

    # --- the steps ---------------------------------------------------------------------------
    def health(self) -> str:
        body = status(self.http.get("/health"), 200)
        return f"status {body.get('status')}"

    def docs(self) -> str:
        page = self.http.get("/docs")
        status(page, 200)
        expect("swagger" in page.text.lower(), "/docs is not Swagger UI")
        spec = status(self.http.get("/openapi.json"), 200)
        return f"{len(spec.get('paths', {}))} paths"

    def cors(self) -> str:
        if not self.origin:
            return "skipped: no --origin"
        preflight = self.http.options(
            "/products",
            headers={
                "Origin": self.origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type",
            },
        )
        expect(preflight.status_code in (200, 204), f"preflight answered {preflight.status_code}")
        allowed = preflight.headers.get("access-control-allow-origin")
        expect(allowed in (self.origin, "*"), f"preflight allows {allowed!r}, not {self.origin}")
        methods = preflight.headers.get("access-control-allow-methods", "").upper()
        expect("POST" in methods, f"preflight allows methods {methods!r}")
        return f"{self.origin} allowed"

    def sign_up(self) -> str:
        email = f"smoke+{uuid.uuid4().hex[:12]}@example.com"
        body = {"email": email, "password": PASSWORD, "name": "Smoke Test"}
        user = status(self.http.post("/auth/signup", json=body), 201)
        self.state.update(email=email, user_id=user["id"])
        return email

    def log_in_as_shopper(self) -> str:
        self.state["token"] = self.log_in(self.state["email"], PASSWORD)
        me = status(self.http.get("/auth/me", headers=self.bearer(self.state["token"])), 200)
        expect(me["email"] == self.state["email"], "/auth/me is someone else")
        return "token issued and accepted"

    def catalog(self) -> str:
        page = status(self.http.get("/products", params={"limit": 20}), 200)
        in_stock = [p for p in page["items"] if p.get("in_stock")]
        if not in_stock and self.admin:
            in_stock = [self._create_product()]
        expect(bool(in_stock), "no product in stock on the first page: nothing to order")
        self.state["product"] = in_stock[0]
        return f"{len(page['items'])} products, ordering {in_stock[0]['name']!r}"

    def _create_product(self) -> dict[str, Any]:
        if self.admin is None:
            raise SmokeError("no admin to create a product with")
        token = self.log_in(*self.admin)
        body = {"name": "Smoke test item", "price": "1.00", "category": "Smoke", "stock": 1000}
        return status(self.http.post("/products", json=body, headers=self.bearer(token)), 201)

    def order(self) -> str:
        product = self.state["product"]
        before = status(self.http.get(f"/products/{product['id']}"), 200)["stock"]
        headers = self.bearer(self.state["token"]) | {"Idempotency-Key": uuid.uuid4().hex}
        body = {"items": [{"product_id": product["id"], "quantity": 1}]}
        placed = status(self.http.post("/orders", json=body, headers=headers), 201)
        again = status(self.http.post("/orders", json=body, headers=headers), 201)
        expect(again["id"] == placed["id"], "a retry with the same Idempotency-Key ordered twice")
        self.state.update(order_id=placed["id"], stock_before=before)
        return f"order {placed['id']}, {placed['total']} {placed['currency']}"

    def read_back(self) -> str:
        url = f"/orders/{self.state['order_id']}"
        found = status(self.http.get(url, headers=self.bearer(self.state["token"])), 200)
        expect(found["status"] == "placed", f"the order is {found['status']}")
        mine = status(self.http.get("/orders", headers=self.bearer(self.state["token"])), 200)
        expect(any(o["id"] == found["id"] for o in mine["items"]), "not in the user's orders")
        return "in the user's orders"

    def cancel(self) -> str:
        url = f"/orders/{self.state['order_id']}/cancel"
        cancelled = status(self.http.post(url, headers=self.bearer(self.state["token"])), 200)
        expect(cancelled["status"] == "cancelled", "not cancelled")
        return "cancelled, its unit back in stock"

    def log_out(self) -> str:
        headers = self.bearer(self.state["token"])
        status(self.http.post("/auth/logout", headers=headers), 204)
        expect(self.http.get("/auth/me", headers=headers).status_code == 401, "token still works")
        if self.admin:
            token = self.log_in(*self.admin)
            url = f"/admin/users/{self.state['user_id']}"
            status(self.http.delete(url, headers=self.bearer(token)), 204)
            return "token refused; smoke account removed"
        return "token refused"

    def steps(self) -> list[tuple[str, Callable[[], str]]]:
        return [
            ("health", self.health),
            ("docs", self.docs),
            ("CORS preflight", self.cors),
            ("sign-up", self.sign_up),
            ("log-in", self.log_in_as_shopper),
            ("catalog page", self.catalog),
            ("order", self.order),
            ("order read back", self.read_back),
            ("cancellation", self.cancel),
            ("log-out", self.log_out),
        ]


def run(base_url: str, *, origin: str | None, admin: tuple[str, str] | None) -> bool:
    with httpx.Client(base_url=base_url.rstrip("/"), timeout=20, follow_redirects=False) as http:
        smoke = Smoke(http, origin=origin, admin=admin)
        for name, step in smoke.steps():
            began = time.perf_counter()
            try:
                detail = step()
            except (SmokeError, httpx.HTTPError, KeyError, ValueError) as failure:
                print(f"FAIL {name}: {failure}")
                return False
            print(f"ok   {name} ({(time.perf_counter() - began) * 1000:.0f} ms): {detail}")
    return True


def deployed(env_name: str, region: str | None) -> tuple[str, str]:
    """A deployed environment's site URL (its stack's output) and configured origin."""
    from devtools import deploy, deploy_web

    if not region:
        raise SystemExit("no region: pass --region or set AWS_REGION")
    env = deploy.environment(env_name)
    return deploy_web.stack_outputs(env.stack_name, region)["SiteUrl"], env.smoke_origin


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url", nargs="?", help="the base URL (or --env)")
    parser.add_argument("--env", help="a deployed environment: its SiteUrl and origin")
    parser.add_argument("--region", default=os.environ.get("AWS_REGION"))
    parser.add_argument("--origin", default=os.environ.get("SMOKE_ORIGIN"))
    parser.add_argument("--admin-email", default=os.environ.get("SMOKE_ADMIN_EMAIL"))
    parser.add_argument("--admin-password", default=os.environ.get("SMOKE_ADMIN_PASSWORD"))
    args = parser.parse_args(argv)
    url, origin = args.url, args.origin
    if args.env:
        url, configured = deployed(args.env, args.region)
        origin = origin or configured
    if not url:
        parser.error("give the URL to check, or --env")
    admin = (args.admin_email, args.admin_password) if args.admin_email else None
    ok = run(url, origin=origin, admin=admin)
    print("smoke test passed" if ok else "smoke test FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
