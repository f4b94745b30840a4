"""`make screenshots`: the README's pictures, taken from a real local stack.

Starts its own stack (DynamoDB Local in memory, moto's S3, the API serving the built web
app), loads the demo catalog (`python -m app.cli seed`), gives the first products a photo
through the same upload flow the admin console uses, places a few orders, then drives
Chromium at 1280 px and writes docs/screenshots/*.png.
"""

from __future__ import annotations

import hashlib
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
PALETTES = {
    "Kitchen": ("#f6d365", "#fda085"),
    "Home": ("#a1c4fd", "#c2e9fb"),
    "Office": ("#d4fc79", "#96e6a1"),
    "Outdoors": ("#84fab0", "#8fd3f4"),
    "Toys": ("#fbc2eb", "#a6c1ee"),
}


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
        subprocess.run([*cli, "seed"], env=env, check=True)
        email, password = ADMIN
        subprocess.run(
            [*cli, "create-admin", "--email", email, "--password", password, "--name", "Ada Admin"],
            env=env,
            check=True,
        )
        server = api_server.start(env, api_port, log_path=workdir / "api.log")
        stack.callback(processes.stop, server)
        yield f"http://127.0.0.1:{api_port}", env


def illustration(name: str, category: str) -> str:
    """An SVG still life for a product: its category's colours, shapes placed by its name."""
    start, end = PALETTES.get(category, ("#e0c3fc", "#8ec5fc"))
    seed = hashlib.sha256(name.encode()).digest()
    shapes = []
    for i in range(4):
        x, y, r = 140 + seed[i] * 1.4, 120 + seed[i + 4] * 0.9, 40 + seed[i + 8] % 70
        opacity = 0.25 + (seed[i + 12] % 40) / 100
        shapes.append(
            f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{r}" fill="#fff" opacity="{opacity:.2f}"/>'
        )
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
<stop offset="0" stop-color="{start}"/><stop offset="1" stop-color="{end}"/></linearGradient></defs>
<rect width="640" height="480" fill="url(#g)"/>{"".join(shapes)}
<rect x="170" y="150" width="300" height="190" rx="28" fill="#ffffff" opacity="0.85"/>
<text x="320" y="262" font-family="DejaVu Sans, sans-serif" font-size="30" font-weight="700"
 text-anchor="middle" fill="#1c2421">{category}</text></svg>"""


def render_png(page: Any, svg: str) -> bytes:
    page.set_viewport_size({"width": 640, "height": 480})
    page.set_content(f"<html><body style='margin:0'>{svg}</body></html>")
    return bytes(page.screenshot(type="png"))


def attach_image(api: httpx.Client, headers: dict[str, str], product_id: str, png: bytes) -> None:
    ticket = api.post(
        f"/products/{product_id}/image-upload",
        headers=headers,
        json={"content_type": "image/png", "content_length": len(png)},
    ).json()
    uploaded = httpx.post(
        ticket["url"], data=ticket["fields"], files={"file": ("photo.png", png, "image/png")}
    )
    uploaded.raise_for_status()
    api.put(
        f"/products/{product_id}/image", headers=headers, json={"upload_key": ticket["upload_key"]}
    ).raise_for_status()


def token(api: httpx.Client, email: str, password: str) -> dict[str, str]:
    response = api.post("/auth/login", data={"username": email, "password": password})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def prepare(api: httpx.Client, page: Any) -> dict[str, Any]:
    """Photos for the first page of the catalog, a shopper, and a few orders."""
    admin = token(api, *ADMIN)
    listed = api.get("/products", params={"limit": 24}).json()["items"]
    # listings say only whether a product is in stock; its page has the level
    products = [api.get(f"/products/{p['id']}").json() for p in listed]
    for product in products:
        png = render_png(page, illustration(product["name"], product["category"]))
        attach_image(api, admin, product["id"], png)
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
        scratch = chromium.new_page()
        world = prepare(api, scratch)
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
