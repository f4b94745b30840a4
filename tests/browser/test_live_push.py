"""Live stock in the browser: pushed to the product page, the cart and the stock page over
the AppSync Events protocol; when the socket dies, the page polls (more slowly) until it
reconnects. The socket is killed with Playwright's WebSocket routing, which stands between
the page and the server."""

from __future__ import annotations

import time
import uuid
from typing import Any

from playwright.sync_api import expect

from app.core.roles import Role
from tests.browser.conftest import Stack, log_in


def adjust(stack: Stack, admin: Any, product_id: str, delta: int) -> float:
    body = {"delta": delta, "reason": "browser test"}
    response = stack.http.post(
        f"/inventory/{product_id}/adjustments", headers=admin.headers, json=body
    )
    assert response.status_code == 200, response.text
    return time.monotonic()


class Gate:
    """Between the page and /event/realtime: passes sockets through while open; `cut()`
    closes the page's socket and refuses new ones until `mend()`."""

    def __init__(self, page: Any) -> None:
        self.open = True
        self.routes: list[Any] = []
        page.route_web_socket("**/event/realtime", self.handle)

    def handle(self, route: Any) -> None:
        if not self.open:
            route.close(code=1011, reason="cut by the test")
            return
        route.connect_to_server()
        self.routes.append(route)

    def cut(self) -> None:
        self.open = False
        for route in self.routes:
            route.close(code=1011, reason="cut by the test")
        self.routes.clear()

    def mend(self) -> None:
        self.open = True


def test_stock_is_pushed_and_polled_while_the_socket_is_down(page: Any, stack: Stack) -> None:
    admin = stack.person(Role.ADMIN)
    lamp = stack.product(admin, name=f"Lamp {uuid.uuid4().hex[:6]}", stock=20)
    gate = Gate(page)
    page.goto(f"/app/products/{lamp['id']}")
    status = page.get_by_test_id("live-status")
    expect(status).to_have_attribute("data-status", "up")
    expect(page.get_by_test_id("live-stock")).to_have_text("20 in stock")
    time.sleep(1.2)  # the new product's own first event is out

    # pushed: well within the 10 s a poll would take
    changed = adjust(stack, admin, lamp["id"], -17)
    expect(page.get_by_test_id("live-stock")).to_have_text("Only 3 left", timeout=2_000)
    assert time.monotonic() - changed < 2.0

    # the socket dies and stays refused: the page says so and polls every 10 s
    gate.cut()
    expect(status).to_have_attribute("data-status", "down")
    expect(status).to_contain_text("every 10 s")
    adjust(stack, admin, lamp["id"], -1)
    expect(page.get_by_test_id("live-stock")).to_have_text("Only 2 left", timeout=12_000)

    # the socket comes back (the next try, at most 15 s later): pushed again
    gate.mend()
    expect(status).to_have_attribute("data-status", "up", timeout=20_000)
    time.sleep(1.2)
    changed = adjust(stack, admin, lamp["id"], 5)
    expect(page.get_by_test_id("live-stock")).to_have_text("7 in stock", timeout=2_000)
    assert time.monotonic() - changed < 2.0


def test_the_cart_and_the_stock_page_follow_pushed_stock(
    context: Any, page: Any, stack: Stack
) -> None:
    admin = stack.person(Role.ADMIN)
    manager = stack.person(Role.STOCK_MANAGER)
    vase = stack.product(admin, name=f"Vase {uuid.uuid4().hex[:6]}", stock=6)
    shopper = stack.person(Role.USER)
    log_in(page, shopper)
    page.goto(f"/app/products/{vase['id']}")
    for _ in range(4):
        page.get_by_role("button", name="Add to cart").click()
    page.get_by_role("link", name="Cart", exact=True).click()
    expect(page.get_by_role("button", name="Place order")).to_be_enabled()

    staff = context.new_page()
    log_in(staff, manager)
    staff.goto(f"/app/inventory/{vase['id']}")
    expect(staff.get_by_test_id("stock-level")).to_have_text("6")
    time.sleep(1.2)

    adjust(stack, admin, vase["id"], -3)  # 3 left, the cart wants 4: flagged before ordering
    expect(page.get_by_text("Only 3 left.")).to_be_visible(timeout=3_000)
    expect(staff.get_by_test_id("stock-level")).to_have_text("3", timeout=3_000)


def test_the_audit_page_says_who_changed_what(page: Any, stack: Stack) -> None:
    """The stack reads its own change stream (as `make run` does): the audit log fills."""
    admin = stack.person(Role.ADMIN)
    name = f"Clock {uuid.uuid4().hex[:6]}"
    clock = stack.product(admin, name=name, stock=2)
    edit = {"name": f"Wall {name}", "price": "15.00"}  # it was 12.50
    assert (
        stack.http.patch(f"/products/{clock['id']}", headers=admin.headers, json=edit).status_code
        == 200
    )
    log_in(page, admin)
    page.goto("/app/admin/audit?entity=product")
    rows = page.get_by_role("row").filter(has_text=clock["id"][:8])
    updated = rows.filter(has_text="product update")
    expect(updated).to_contain_text(f"name: {name} → Wall {name}")
    expect(updated).to_contain_text("price: 12.50 → 15.00")
    expect(updated).to_contain_text(admin.email)
    expect(rows.filter(has_text="product create")).to_contain_text(admin.email)


def test_a_shopper_asks_to_be_told_and_gets_one_mail_when_it_is_back(
    page: Any, stack: Stack
) -> None:
    from tests.support.mail import mails

    admin = stack.person(Role.ADMIN)
    name = f"Kite {uuid.uuid4().hex[:6]}"
    kite = stack.product(admin, name=name, stock=0)
    page.goto(f"/app/products/{kite['id']}")
    # a visitor: the page asks them to log in first (the header has a "Log in" link too)
    expect(page.get_by_role("main").get_by_role("link", name="Log in")).to_be_visible()
    shopper = stack.person(Role.USER)
    log_in(page, shopper)
    page.goto(f"/app/products/{kite['id']}")
    page.get_by_role("button", name="Tell me when it's back").click()
    expect(page.get_by_text("We will e-mail you once when it is back.")).to_be_visible()
    adjust(stack, admin, kite["id"], 3)
    # the stack reads its own change stream, as `make run` does: the mail arrives
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        sent = [m for m in mails(stack.outbox) if m["Subject"] == f"{name} is back"]
        if sent:
            break
        time.sleep(0.2)
    assert [m["To"] for m in sent] == [shopper.email]
