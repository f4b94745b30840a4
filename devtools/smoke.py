"""`make smoke URL=<base url>`: is a running deployment (or `make run`) really serving?

What a user does, end to end, against the real thing: health, the docs, a CORS preflight
from the configured origin, the shop's catalog; then, in the smoke-test store every
deployment has (app/bootstrap.py, made by `make deploy` and `make run`), sign-up, log-in,
an order of one unit (with an Idempotency-Key, sent twice), reading it back, cancelling it
(the stock goes back, to the unit), log-out, and closing the account it made. Every step
prints a line; the first failure stops it (exit 1).

It needs nothing but the URL: no password, no AWS credentials, no product in the real
store. What it leaves is one cancelled order in the smoke-test store.

    .venv/bin/python -m devtools.smoke https://d123.cloudfront.net --origin https://shop.example.com
    .venv/bin/python -m devtools.smoke --env staging    # the stack's SiteUrl and origin
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
SMOKE_STORE = "smoke"  # app/bootstrap.py


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
    state: dict[str, Any] = field(default_factory=dict)

    def in_smoke_store(self, token: str | None = None) -> dict[str, str]:
        headers = {"X-Store": SMOKE_STORE}
        return headers | ({"Authorization": f"Bearer {token}"} if token else {})

    def as_shopper(self) -> dict[str, str]:
        return self.in_smoke_store(self.state["token"])

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

    def catalog(self) -> str:
        store = status(self.http.get("/store"), 200)
        page = status(self.http.get("/products", params={"limit": 20}), 200)
        return f"store {store['slug']!r}: {len(page['items'])} products on the first page"

    def smoke_store(self) -> str:
        answer = self.http.get("/store", headers=self.in_smoke_store())
        expect(
            answer.status_code == 200,
            f"no smoke-test store ({answer.status_code}): `make deploy` (or `make run`) makes "
            "it; was this deployment bootstrapped?",
        )
        page = status(self.http.get("/products", headers=self.in_smoke_store()), 200)
        in_stock = [p for p in page["items"] if p.get("in_stock")]
        expect(bool(in_stock), "the smoke-test store has no product in stock")
        self.state["product"] = in_stock[0]
        return f"ordering {in_stock[0]['name']!r}"

    def sign_up(self) -> str:
        email = f"smoke+{uuid.uuid4().hex[:12]}@example.com"
        body = {"email": email, "password": PASSWORD, "name": "Smoke Test"}
        answer = self.http.post("/auth/signup", json=body, headers=self.in_smoke_store())
        status(answer, 201)
        self.state["email"] = email
        return email

    def log_in(self) -> str:
        form = {"username": self.state["email"], "password": PASSWORD}
        answer = self.http.post("/auth/login", data=form, headers=self.in_smoke_store())
        self.state["token"] = status(answer, 200)["access_token"]
        me = status(self.http.get("/auth/me", headers=self.as_shopper()), 200)
        expect(me["email"] == self.state["email"], "/auth/me is someone else")
        return "token issued and accepted"

    def stock(self) -> int:
        """The live level: with a token the answer is private (never a CDN's cached copy)."""
        product = self.state["product"]
        page = self.http.get(f"/products/{product['id']}", headers=self.as_shopper())
        return int(status(page, 200)["stock"])

    def order(self) -> str:
        before = self.stock()
        headers = self.as_shopper() | {"Idempotency-Key": uuid.uuid4().hex}
        body = {"items": [{"product_id": self.state["product"]["id"], "quantity": 1}]}
        placed = status(self.http.post("/orders", json=body, headers=headers), 201)
        again = status(self.http.post("/orders", json=body, headers=headers), 201)
        expect(again["id"] == placed["id"], "a retry with the same Idempotency-Key ordered twice")
        after = self.stock()
        expect(after == before - 1, f"stock went from {before} to {after}, not down by 1")
        self.state.update(order_id=placed["id"], stock_before=before)
        return f"order {placed['id']}, {placed['total']} {placed['currency']}; stock {after}"

    def read_back(self) -> str:
        url = f"/orders/{self.state['order_id']}"
        found = status(self.http.get(url, headers=self.as_shopper()), 200)
        expect(found["status"] == "placed", f"the order is {found['status']}")
        mine = status(self.http.get("/orders", headers=self.as_shopper()), 200)
        expect(any(o["id"] == found["id"] for o in mine["items"]), "not in the user's orders")
        return "in the user's orders"

    def cancel(self) -> str:
        url = f"/orders/{self.state['order_id']}/cancel"
        cancelled = status(self.http.post(url, headers=self.as_shopper()), 200)
        expect(cancelled["status"] == "cancelled", "not cancelled")
        after = self.stock()
        expect(after == self.state["stock_before"], f"stock is {after} after the cancellation")
        return f"cancelled, stock back to {after}"

    def log_out(self) -> str:
        headers = self.as_shopper()
        status(self.http.post("/auth/logout", headers=headers), 204)
        expect(self.http.get("/auth/me", headers=headers).status_code == 401, "token still works")
        return "token refused"

    def close_account(self) -> str:
        form = {"username": self.state["email"], "password": PASSWORD}
        answer = self.http.post("/auth/login", data=form, headers=self.in_smoke_store())
        token = status(answer, 200)["access_token"]
        closed = self.http.request(
            "DELETE",
            "/auth/me",
            json={"password": PASSWORD},
            headers=self.in_smoke_store(token),
        )
        status(closed, 204)
        again = self.http.post("/auth/login", data=form, headers=self.in_smoke_store())
        expect(again.status_code == 401, f"the closed account still logs in ({again.status_code})")
        return "the account it made is gone"

    def steps(self) -> list[tuple[str, Callable[[], str]]]:
        return [
            ("health", self.health),
            ("docs", self.docs),
            ("CORS preflight", self.cors),
            ("catalog page", self.catalog),
            ("smoke-test store", self.smoke_store),
            ("sign-up", self.sign_up),
            ("log-in", self.log_in),
            ("order", self.order),
            ("order read back", self.read_back),
            ("cancellation", self.cancel),
            ("log-out", self.log_out),
            ("account closed", self.close_account),
        ]


def run(base_url: str, *, origin: str | None) -> bool:
    with httpx.Client(base_url=base_url.rstrip("/"), timeout=20, follow_redirects=False) as http:
        smoke = Smoke(http, origin=origin)
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
    args = parser.parse_args(argv)
    url, origin = args.url, args.origin
    if args.env:
        url, configured = deployed(args.env, args.region)
        origin = origin or configured
    if not url:
        parser.error("give the URL to check, or --env")
    ok = run(url, origin=origin)
    print("smoke test passed" if ok else "smoke test FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
