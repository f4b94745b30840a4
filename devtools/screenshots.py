"""`make screenshots`: the README's pictures, taken from a real local stack.

Starts its own stack (DynamoDB Local in memory, moto's S3, the API serving the built web
app), loads the demo catalog with its photos (`python -m app.cli seed --images
devtools/demo_images`), places a few orders, then drives Chromium at 1280 px and writes
docs/screenshots/*.png.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx

from devtools import api_server, browser, dynamodb_local, processes, s3_local, web

OUT = web.REPO / "docs" / "screenshots"
WIDTH, HEIGHT = 1280, 800
ADMIN = ("admin@example.com", "admin-passphrase-1")
SHOPPER = ("sam@example.com", "shopper-passphrase-1")


@contextmanager
def local_stack(workdir: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A throw-away stack; yields the API's URL and the environment it runs with."""
    ddb_port, s3_port, api_port = (dynamodb_local.free_port() for _ in range(3))
    env = {
        **os.environ,
        "APP_ENV": "local",
        "JWT_SECRET": secrets.token_urlsafe(48),
        "AWS_REGION": "us-east-1",
        "CATALOG_TABLE": "catalog",
        "DYNAMODB_ENDPOINT_URL": f"http://127.0.0.1:{ddb_port}",
        "S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}",
        "IMAGES_BUCKET": "catalog-images",
        "WEB_DIST_DIR": str(web.DIST),
        "LOG_LEVEL": "WARNING",
    }
    with ExitStack() as stack:
        for process in (
            dynamodb_local.start(ddb_port, cors_origin=f"http://127.0.0.1:{api_port}"),
            s3_local.start(s3_port, log_path=workdir / "s3.log"),
        ):
            stack.callback(processes.stop, process)
        s3_local.ensure_bucket(env["S3_ENDPOINT_URL"], env["IMAGES_BUCKET"])
        cli = [sys.executable, "-m", "app.cli"]
        subprocess.run([*cli, "create-table"], env=env, check=True)
        photos = str(web.REPO / "devtools" / "demo_images")
        subprocess.run([*cli, "seed", "--images", photos], env=env, check=True)
        email, password = ADMIN
        subprocess.run(
            [*cli, "create-admin", "--email", email, "--password", password, "--name", "Ada Admin"],
            env=env,
            check=True,
        )
        server = api_server.start(env, api_port, log_path=workdir / "api.log")
        stack.callback(processes.stop, server)
        yield f"http://127.0.0.1:{api_port}", env


def token(api: httpx.Client, email: str, password: str) -> dict[str, str]:
    response = api.post("/auth/login", data={"username": email, "password": password})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def prepare(api: httpx.Client) -> dict[str, Any]:
    """A shopper and a few orders (the catalog and its photos come from `make seed`)."""
    listed = api.get("/products", params={"limit": 24}).json()["items"]
    # listings say only whether a product is in stock; its page has the level
    products = [api.get(f"/products/{p['id']}").json() for p in listed]
    email, password = SHOPPER
    api.post("/auth/signup", json={"email": email, "password": password, "name": "Sam Shopper"})
    shopper = token(api, email, password)
    in_stock = [p for p in products if p["stock"] >= 3]
    orders = []
    for first, second in ((0, 1), (2, 3), (4, 5)):
        body = {
            "items": [
                {"product_id": in_stock[first]["id"], "quantity": 1},
                {"product_id": in_stock[second]["id"], "quantity": 2},
            ]
        }
        orders.append(api.post("/orders", headers=shopper, json=body).json())
    api.post(f"/orders/{orders[1]['id']}/cancel", headers=shopper).raise_for_status()
    return {"products": products, "featured": in_stock[6]}


def log_in(page: Any, email: str, password: str) -> None:
    page.goto("/app/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()


def shoot(page: Any, name: str, path: str, ready: str) -> None:
    page.goto(path)
    page.locator(ready).first.wait_for()
    page.wait_for_load_state("networkidle")
    target = OUT / f"{name}.png"
    page.screenshot(path=str(target))
    print(f"wrote {target.relative_to(web.REPO)}")


def take(base_url: str) -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright, httpx.Client(base_url=base_url, timeout=30) as api:
        chromium = browser.launch(playwright)
        world = prepare(api)
        featured = world["featured"]

        shopper = chromium.new_context(
            base_url=base_url, viewport={"width": WIDTH, "height": HEIGHT}
        )
        page = shopper.new_page()
        shoot(page, "catalog", "/app/", ".product-card img")
        shoot(page, "product", f"/app/products/{featured['id']}", "h1")
        log_in(page, *SHOPPER)
        for product in [p for p in world["products"] if p["stock"] > 0][6:8]:
            page.goto(f"/app/products/{product['id']}")
            page.get_by_role("button", name="Add to cart").click()
        shoot(page, "cart", "/app/cart", ".cart-line")
        shoot(page, "orders", "/app/orders", "table.orders")

        admin = chromium.new_context(base_url=base_url, viewport={"width": WIDTH, "height": HEIGHT})
        page = admin.new_page()
        log_in(page, *ADMIN)
        shoot(page, "admin-products", "/app/admin/products", "table")
        shoot(
            page, "product-editor", f"/app/admin/products/{featured['id']}", ".image-uploader img"
        )
        shoot(page, "inventory-low-stock", "/app/inventory", "table")
        shoot(page, "users", "/app/admin/users", "table")
        shoot(page, "swagger-ui", "/docs", ".opblock")
        chromium.close()


def main() -> int:
    web.ensure_built()
    with tempfile.TemporaryDirectory() as workdir, local_stack(Path(workdir)) as (url, _):
        take(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
