"""Webhooks in the browser: an admin registers one in the console, a shopper buys in the
browser, and the receiver (a server of this test, on 127.0.0.1) gets the signed
`OrderPlaced` within seconds -- the stack reads its own change stream, as `make run` does."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Any

from playwright.sync_api import expect

from app.core.roles import Role
from tests.browser.conftest import Stack, log_in
from tests.support.receiver import Received, receiver


def signed_by(secret: str, received: Received) -> bool:
    fields = dict(part.split("=", 1) for part in received.headers["catalog-signature"].split(","))
    mac = hmac.new(secret.encode(), f"{fields['t']}.".encode() + received.body, hashlib.sha256)
    return hmac.compare_digest(mac.hexdigest(), fields["v1"])


def test_a_webhook_added_in_the_console_gets_a_signed_order_placed(
    browser: Any, page: Any, stack: Stack
) -> None:
    admin = stack.person(Role.ADMIN)
    lamp = stack.product(admin, name=f"Lamp {uuid.uuid4().hex[:6]}", price="20.00", stock=4)
    with receiver() as sink:
        log_in(page, admin)
        page.goto("/app/admin/webhooks")
        expect(page.get_by_role("heading", name="Webhooks", level=1)).to_be_visible()
        form = page.get_by_role("form", name="Add a webhook")
        form.get_by_label("URL").fill("https://10.0.0.8/hook")  # private: refused, said why
        form.get_by_role("button", name="Add webhook").click()
        expect(form.get_by_text("leads to a private or reserved address")).to_be_visible()
        form.get_by_label("URL").fill(sink.url)
        form.get_by_label("Order placed").check()  # checked already: stays so
        form.get_by_role("button", name="Add webhook").click()
        secret = page.get_by_label("Signing secret").inner_text()
        assert secret.startswith("whsec_")
        card = page.get_by_role("list", name="Webhooks").get_by_role("listitem")
        expect(card).to_contain_text(sink.url)

        card.get_by_role("button", name="Send a test event").click()
        deliveries = card.get_by_role("table", name="Deliveries")
        expect(deliveries).to_contain_text("WebhookTest")
        expect(deliveries).to_contain_text("delivered", timeout=10_000)

        shoppers = browser.new_context(base_url=stack.url)  # a browser of their own
        shopper_page = shoppers.new_page()
        shopper = stack.person(Role.USER)
        log_in(shopper_page, shopper)
        shopper_page.goto(f"/app/products/{lamp['id']}")
        shopper_page.get_by_role("button", name="Add to cart").click()
        shopper_page.get_by_role("link", name="Cart", exact=True).click()
        shopper_page.get_by_role("button", name="Place order").click()
        expect(shopper_page.get_by_text("Thank you! Your order is placed.")).to_be_visible()
        bought_at = time.monotonic()
        order_id = shopper_page.url.rsplit("/", 1)[-1]
        shoppers.close()

        deadline = bought_at + 10
        placed: list[Received] = []
        while time.monotonic() < deadline and not placed:
            placed = [r for r in sink.received if b'"OrderPlaced"' in r.body]
            time.sleep(0.05)
        assert placed, "no OrderPlaced within 10 s"
        print(
            f"OrderPlaced reached the webhook {time.monotonic() - bought_at:.2f} s after the order"
        )
        (got,) = placed
        assert signed_by(secret, got)
        envelope = json.loads(got.body)
        assert envelope["detail"]["order_id"] == order_id
        assert envelope["detail"]["actor"]["email"] == shopper.email

        card.get_by_role("button", name="Remove").click()
        card.get_by_role("button", name="Yes, remove").click()
        expect(page.get_by_text("No webhooks yet.")).to_be_visible()
