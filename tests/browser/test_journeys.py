"""One journey per persona through the web app, in Chromium, against the real local stack."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from app.core.roles import Role
from tests.browser.conftest import Stack, accessibility_violations, log_in, watch


def no_serious_violations(page: Any) -> None:
    violations = accessibility_violations(page)
    assert violations == [], violations


def test_visitor_browses_searches_and_signs_up(page: Any, stack: Stack) -> None:
    admin = stack.person(Role.ADMIN)
    tag = uuid.uuid4().hex[:6]
    stack.product(admin, name=f"Walnut Desk {tag}", category=f"Study{tag}", price="249.00", stock=4)
    stack.product(admin, name=f"Oak Shelf {tag}", category=f"Study{tag}", price="89.90", stock=0)
    stack.product(admin, name=f"Linen Throw {tag}", category=f"Living{tag}")

    page.goto("/")  # a browser at the root lands in the app
    expect(page).to_have_url(re.compile(r"/app/$"))
    expect(page.get_by_role("heading", name="Shop")).to_be_visible()
    no_serious_violations(page)

    # the category filter, from GET /categories
    page.get_by_role("button", name=re.compile(f"^Study{tag}")).click()
    products = page.get_by_role("list", name="Products")
    expect(products.get_by_role("listitem")).to_have_count(2)
    expect(products).to_contain_text("Sold out")

    # search: a word of the name
    page.get_by_role("button", name="All").click()
    page.get_by_role("searchbox", name="Search products").fill(f"walnut desk {tag}")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(products.get_by_role("listitem")).to_have_count(1)

    # the product page, by a deep link that survives a reload
    products.get_by_role("link", name=f"Walnut Desk {tag}").click()
    expect(page.get_by_role("heading", name=f"Walnut Desk {tag}")).to_be_visible()
    expect(page.get_by_text("€249.00")).to_be_visible()
    expect(page.get_by_test_id("live-stock")).to_have_text("Only 4 left")
    page.reload()
    expect(page.get_by_role("heading", name=f"Walnut Desk {tag}")).to_be_visible()
    no_serious_violations(page)

    # sign up: the visitor is logged in at once
    page.get_by_role("link", name="Sign up", exact=True).click()
    email = f"visitor-{tag}@example.com"
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("short")
    page.get_by_label("Name").fill("Vera Visitor")
    page.get_by_role("button", name="Sign up").click()
    # in words, not the validator's ("String should have at least 8 characters")
    expect(page.get_by_text("Too short: use at least 8 characters.")).to_be_visible()
    no_serious_violations(page)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_text("Vera Visitor")).to_be_visible()
    expect(page.get_by_role("link", name="Admin", exact=True)).to_have_count(0)


def test_shopper_buys_sees_the_order_and_cancels_it(context: Any, page: Any, stack: Stack) -> None:
    admin = stack.person(Role.ADMIN)
    kettle = stack.product(admin, name=f"Kettle {uuid.uuid4().hex[:6]}", price="30.00", stock=5)
    mug = stack.product(admin, name=f"Mug {uuid.uuid4().hex[:6]}", price="7.25", stock=20)
    shopper = stack.person(Role.USER, name="Sam Shopper")
    log_in(page, shopper)

    # a second tab watches the kettle's stock
    watcher = watch(context.new_page())
    watcher.page.goto(f"/app/products/{kettle['id']}")
    expect(watcher.page.get_by_test_id("live-stock")).to_have_text("Only 5 left")

    for product, quantity in ((kettle, 2), (mug, 3)):
        page.goto(f"/app/products/{product['id']}")
        for _ in range(quantity):
            page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-nav .badge")).to_have_text("5")
    page.get_by_role("link", name="Cart", exact=True).click()
    expect(page.get_by_text("€81.75")).to_be_visible()  # 2 x 30.00 + 3 x 7.25
    no_serious_violations(page)

    place = page.get_by_role("button", name="Place order")
    place.dblclick()  # a double click buys once
    expect(page.get_by_text("Thank you! Your order is placed.")).to_be_visible()
    order_id = page.url.rsplit("/", 1)[-1]
    orders = stack.http.get("/orders", headers=shopper.headers).json()["items"]
    assert [o["id"] for o in orders] == [order_id]

    # the other tab sees the stock fall, without a reload
    expect(watcher.page.get_by_test_id("live-stock")).to_have_text("Only 3 left", timeout=5_000)

    page.get_by_role("link", name="Orders", exact=True).click()
    expect(page.get_by_role("link", name=f"#{order_id[:8]}")).to_be_visible()
    no_serious_violations(page)
    page.get_by_role("link", name=f"#{order_id[:8]}").click()
    page.get_by_role("button", name="Cancel order").click()
    page.get_by_role("button", name="Yes, cancel the order").click()
    expect(page.get_by_text("cancelled").first).to_be_visible()
    expect(watcher.page.get_by_test_id("live-stock")).to_have_text("Only 5 left", timeout=5_000)
    assert stack.http.get(f"/products/{mug['id']}").json()["stock"] == 20
    assert watcher.errors == []

    # from here on the page hears no pushed level (the socket stays up, so it does not poll
    # either): what it knows is what it last read
    def withhold_levels(socket: Any) -> None:
        server = socket.connect_to_server()
        server.on_message(
            lambda message: None if '"type":"data"' in message else socket.send(message)
        )

    page.route_web_socket("**/event/realtime", withhold_levels)

    # asking for more than there is: flagged as it is typed, before anything is sent
    page.goto(f"/app/products/{kettle['id']}")
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_role("link", name="Cart", exact=True).click()
    quantity = page.get_by_label(re.compile("^Quantity of Kettle"))
    quantity.fill("9")
    expect(page.get_by_text("Only 5 left.", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Place order")).to_be_disabled()
    # 0 does not silently come back as 1: it says what to do
    quantity.fill("0")
    expect(page.get_by_text("Enter 1 or more, or remove the item.")).to_be_visible()
    expect(page.get_by_role("button", name="Place order")).to_be_disabled()
    no_serious_violations(page)
    # the stock falls after the cart last looked (its next look and the push are held
    # back): the order is refused per line, in words, and nothing is sold
    kettle_path = f"**/products/{kettle['id']}"
    page.route(kettle_path, lambda route: route.fulfill(status=304))
    quantity.fill("5")
    expect(page.get_by_role("button", name="Place order")).to_be_enabled()
    other = stack.person()
    rival = {"items": [{"product_id": kettle["id"], "quantity": 3}]}
    assert stack.http.post("/orders", headers=other.headers, json=rival).status_code == 201
    page.get_by_role("button", name="Place order").click()
    expect(
        page.get_by_text(re.compile(r"Only 2 of Kettle \w+ left; you asked for 5\."))
    ).to_be_visible()
    page.unroute(kettle_path)
    assert stack.http.get(f"/products/{kettle['id']}").json()["stock"] == 2

    # log out: the browser's own tokens stop working on the server
    session = json.loads(page.evaluate("() => localStorage.getItem('catalog.session.v1')"))
    browser_token = {"Authorization": f"Bearer {session['accessToken']}"}
    assert stack.http.get("/auth/me", headers=browser_token).status_code == 200
    page.get_by_role("button", name="Log out").click()
    expect(
        page.get_by_role("banner").get_by_role("link", name="Log in", exact=True)
    ).to_be_visible()
    assert stack.http.get("/auth/me", headers=browser_token).status_code == 401
    assert page.evaluate("() => localStorage.getItem('catalog.session.v1')") is None


def test_stock_manager_adjusts_stock_and_sees_the_ledger(page: Any, stack: Stack) -> None:
    admin = stack.person(Role.ADMIN)
    lamp = stack.product(admin, name=f"Lamp {uuid.uuid4().hex[:6]}", stock=1)
    manager = stack.person(Role.STOCK_MANAGER)
    log_in(page, manager)
    expect(page.get_by_role("link", name="Admin", exact=True)).to_have_count(0)

    page.get_by_role("link", name="Inventory", exact=True).click()
    expect(page.get_by_role("link", name=lamp["name"])).to_be_visible()  # low stock: 1
    no_serious_violations(page)
    page.get_by_role("link", name=lamp["name"]).click()
    expect(page.get_by_test_id("stock-level")).to_have_text("1")

    page.get_by_label("Change", exact=True).fill("12")
    page.get_by_label("Reason for the change").fill("delivery from supplier")
    page.get_by_role("button", name="Adjust stock").click()
    expect(page.get_by_test_id("stock-level")).to_have_text("13")
    movements = page.get_by_role("table", name="Stock movements")
    expect(movements.get_by_role("row").nth(1)).to_contain_text("+12")
    expect(movements.get_by_role("row").nth(1)).to_contain_text("delivery from supplier")

    page.get_by_label("New level").fill("10")
    page.get_by_label("Reason for the count").fill("yearly count")
    page.get_by_role("button", name="Set level").click()
    expect(page.get_by_test_id("stock-level")).to_have_text("10")
    expect(movements.get_by_role("row").nth(1)).to_contain_text("-3")
    expect(movements.get_by_role("row").nth(1)).to_contain_text("yearly count")
    # who made each change, and a purchase leads to its order
    expect(movements.get_by_role("row").nth(1)).to_contain_text(manager.email)
    buyer = stack.person()
    body = {"items": [{"product_id": lamp["id"], "quantity": 2}]}
    order = stack.http.post("/orders", headers=buyer.headers, json=body).json()
    page.reload()
    expect(movements.get_by_role("row").nth(1)).to_contain_text(buyer.email)
    expect(movements.get_by_role("row").nth(1)).to_contain_text(f"Purchase #{order['id'][:8]}")
    # (an order is its buyer's and the admins' to open: the admin's ledger links to it)
    log_in(page, admin)
    page.goto(f"/app/inventory/{lamp['id']}")
    movements.get_by_role("link", name=f"#{order['id'][:8]}").click()
    expect(page.get_by_role("heading", name=f"Order #{order['id'][:8]}")).to_be_visible()
    log_in(page, manager)
    page.goto(f"/app/inventory/{lamp['id']}")

    # taking more than there is: refused in words, nothing changes
    page.get_by_label("Change", exact=True).fill("-50")
    page.get_by_label("Reason for the change").fill("breakage")
    page.get_by_role("button", name="Adjust stock").click()
    expect(page.get_by_text(re.compile("would go below zero"))).to_be_visible()
    no_serious_violations(page)
    level = stack.http.get(f"/inventory/{lamp['id']}", headers=manager.headers).json()
    assert level["stock"] == 8


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def test_admin_manages_products_users_and_orders(page: Any, stack: Stack) -> None:
    admin = stack.person(Role.ADMIN, name="Ada Admin")
    shopper = stack.person(Role.USER)
    log_in(page, admin)
    page.get_by_role("link", name="Admin", exact=True).click()
    expect(page.get_by_role("heading", name="Products")).to_be_visible()
    no_serious_violations(page)

    # create a product
    name = f"Teapot {uuid.uuid4().hex[:6]}"
    page.get_by_role("link", name="New product", exact=True).click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Category").fill("Kitchen")
    for typed, said in (
        ("", "Enter a price, like 19.99."),
        ("12.345", "Use at most 2 decimals (cents)."),
        ("abc", "Enter a price, like 19.99."),
    ):
        page.get_by_label("Price").fill(typed)
        page.get_by_role("button", name="Create product").click()
        expect(page.get_by_text(said)).to_be_visible()
    expect(page.get_by_label("Currency")).to_have_value("EUR")  # the store's currency
    page.get_by_label("Price").fill("34,50")  # a decimal comma is a price too
    page.get_by_label("Initial stock").fill("6")
    # the photo goes with the new product, uploaded straight to S3 and checked by the API
    page.get_by_label("Photo").set_input_files(
        files=[{"name": "teapot.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="Create product").click()
    expect(page.get_by_role("heading", name=f"Edit {name}")).to_be_visible()
    product_id = page.url.rsplit("/", 1)[-1]
    expect(page.get_by_role("img", name=name)).to_have_attribute("src", re.compile("products/"))
    no_serious_violations(page)
    stored = stack.http.get(f"/products/{product_id}").json()
    assert stored["price"] == "34.50"
    assert stored["image_url"]
    assert httpx_get(stored["image_url"]) == PNG

    # edit; then an edit by someone else makes the next save stale
    page.get_by_label("Description").fill("Holds a litre.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    other = stack.http.patch(
        f"/products/{product_id}", headers=admin.headers, json={"name": f"{name} Deluxe"}
    )
    assert other.status_code == 200
    page.get_by_label("Price").fill("36.00")
    page.get_by_label("Tags").fill("tea, porcelain")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("changed by someone else")).to_be_visible()
    assert stack.http.get(f"/products/{product_id}").json()["price"] == "34.50"
    # keeping one's own edits: they stay in the form, over the latest version
    page.get_by_role("button", name="Keep my changes").click()
    expect(page.get_by_text("they changed: Name")).to_be_visible()
    expect(page.get_by_label("Price")).to_have_value("36.00")
    expect(page.get_by_label("Name")).to_have_value(name)
    page.get_by_label("Name").fill(f"{name} Deluxe")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    saved = stack.http.get(f"/products/{product_id}").json()
    assert (saved["name"], saved["price"], saved["tags"]) == (
        f"{name} Deluxe",
        "36.00",
        ["tea", "porcelain"],
    )
    # or taking theirs
    stack.http.patch(f"/products/{product_id}", headers=admin.headers, json={"price": "40.00"})
    page.get_by_label("Price").fill("38.00")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("button", name="Discard mine, load theirs").click()
    expect(page.get_by_label("Price")).to_have_value("40.00")

    # users: find by e-mail prefix, change a role
    page.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Users", exact=True
    ).click()
    page.get_by_label("Email starts with").fill(shopper.email[:14].upper())
    page.get_by_role("button", name="Find").click()
    role = page.get_by_label(f"Role of {shopper.email}")
    expect(role).to_have_value("user")
    no_serious_violations(page)
    role.select_option("stock_manager")
    expect(role).to_be_enabled()  # disabled while the change is on its way
    expect(role).to_have_value("stock_manager")
    eventually(
        lambda: (
            stack.http.get("/auth/me", headers=shopper.headers).json()["role"] == "stock_manager"
        )
    )

    # every order of the store
    body = {"items": [{"product_id": product_id, "quantity": 1}]}
    order = stack.http.post("/orders", headers=shopper.headers, json=body).json()
    page.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Orders", exact=True
    ).click()
    expect(page.get_by_role("link", name=f"#{order['id'][:8]}")).to_be_visible()
    # the buyer by name and e-mail, leading to the user
    page.get_by_role("link", name=re.compile(re.escape(shopper.email))).click()
    expect(page.get_by_label("Email starts with")).to_have_value(shopper.email)
    expect(page.get_by_label(f"Role of {shopper.email}")).to_be_visible()
    no_serious_violations(page)

    # the admins' product list shows each product's stock
    page.goto(f"/app/admin/products?q={name.split()[1]}")
    expect(page.get_by_role("link", name=f"{name} Deluxe")).to_be_visible()
    expect(page.get_by_role("row").nth(1)).to_contain_text("5")  # 6, one sold

    # delete the product, after confirming
    page.goto(f"/app/admin/products/{product_id}")
    page.get_by_role("button", name="Delete product").click()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.get_by_role("heading", name="Products")).to_be_visible()
    assert stack.http.get(f"/products/{product_id}").status_code == 404


def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.1)


def httpx_get(url: str) -> bytes:
    import httpx

    return httpx.get(url).content


def test_a_forgotten_password_is_reset_and_changed(context: Any, page: Any, stack: Stack) -> None:
    from email import message_from_bytes, policy

    person = stack.person(Role.USER, name="Fay Forgetful")
    page.goto("/app/login")
    page.get_by_role("link", name="Forgot your password?").click()
    # the log-in page has an Email field too: fill the new page's, not the old one's
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    page.get_by_label("Email").fill(person.email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("status")).to_contain_text("is on its way")
    no_serious_violations(page)

    mails = [
        message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in stack.outbox.glob("*.eml")
    ]
    (mail,) = [m for m in mails if m["To"] == person.email]
    link = re.search(r"(http://\S+/app/reset-password#token=\S+)", mail.get_content())
    assert link
    page.goto(link.group(1))
    page.get_by_label("New password").fill("a-new-and-long-one")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", name="Your password is set")).to_be_visible()
    assert stack.http.get("/auth/me", headers=person.headers).status_code == 401  # sessions ended
    no_serious_violations(page)

    log_in(page, type(person)(person.email, "a-new-and-long-one", person.id, ""))
    page.get_by_role("link", name="Account", exact=True).click()
    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_label("New password").fill("yet-another-passphrase")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("That is not your current password.")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()  # still logged in
    page.get_by_label("Current password").fill("a-new-and-long-one")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password is changed.")).to_be_visible()
    no_serious_violations(page)
    login = stack.http.post(
        "/auth/login", data={"username": person.email, "password": "yet-another-passphrase"}
    )
    assert login.status_code == 200


def test_a_store_of_its_own_opened_with_its_slug(page: Any, stack: Stack) -> None:
    """Development without a store's domain: `?store=<slug>` makes every call carry
    X-Store, the header shows the store's name, and its shoppers sign up there."""
    from app.core import caches
    from app.stores import repository
    from app.stores.schemas import StoreRecord

    slug = f"north-{uuid.uuid4().hex[:6]}"
    now = "2026-11-26T00:00:00+00:00"
    repository.put_new(
        stack.table, StoreRecord(slug=slug, name="North Outfitters", created_at=now, updated_at=now)
    )
    caches.reset()
    home_admin = stack.person(Role.ADMIN)
    stack.product(home_admin, name=f"Home Only {slug}")
    north = {"X-Store": slug}
    signup = stack.http.post(
        "/auth/signup",
        headers=north,
        json={"email": f"boss@{slug}.example", "password": "correct horse battery", "name": "B"},
    )
    assert signup.status_code == 201
    user = repository_user(stack, slug, signup.json()["id"])
    token = stack.http.post(
        "/auth/login",
        headers=north,
        data={"username": f"boss@{slug}.example", "password": "correct horse battery"},
    ).json()["access_token"]
    created = stack.http.post(
        "/products",
        headers=north | {"Authorization": f"Bearer {token}"},
        json={"name": f"Trail Tent {slug}", "price": "199.00", "category": "Camping", "stock": 3},
    )
    assert created.status_code == 201, created.text
    assert user

    # first the home store: its catalog page is in the browser's cache (public, 10 s)
    page.goto("/app/")
    products = page.get_by_role("list", name="Products")
    expect(products).to_contain_text(f"Home Only {slug}")
    # switching stores within those seconds shows the other store's catalog, not the copy
    # the browser kept of the first (the answers vary by X-Store)
    page.goto(f"/app/?store={slug}")
    expect(page.get_by_role("link", name="North Outfitters")).to_be_visible()
    expect(products).to_contain_text(f"Trail Tent {slug}")
    expect(products).not_to_contain_text(f"Home Only {slug}")
    expect(page).to_have_title("Shop · North Outfitters")
    page.goto("/app/signup")  # the choice lasts for the session
    expect(page.get_by_role("link", name="North Outfitters")).to_be_visible()
    no_serious_violations(page)


def repository_user(stack: Stack, store: str, user_id: str) -> Any:
    """Promote a user of another store to admin, straight in the table."""
    from app.auth import repository
    from app.core.timeutil import now_iso

    table = stack.table.for_store(store)
    user = repository.get(table, user_id=user_id)
    assert user is not None
    return repository.change_role(table, user=user, role=Role.ADMIN, now=now_iso())
