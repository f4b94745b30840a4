"""Budget: the JavaScript a shopper's page loads before it can show anything -- the entry
chunk and every chunk it imports statically, as Vite's manifest lists them, plus the page's
own lazy chunk and its imports -- at most 100 kB gzipped, for the catalog, a product page
and the cart. The admin console and the stock pages are never part of it (listed, not
counted).

.venv/bin/python -m bench.web_bundle    (builds web/ first if its sources changed)
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from bench.common import result
from devtools import web

BUDGET_KB = 100
SHOPPER_PAGES = {
    "catalog": [],
    "product page": ["src/features/catalog/ProductPage.tsx"],
    "cart": ["src/features/cart/CartPage.tsx"],
}
STAFF_ONLY = ("src/features/admin/", "src/features/inventory/")


def gzipped_kb(path: Path) -> float:
    return len(gzip.compress(path.read_bytes(), compresslevel=9)) / 1000


def initial_chunks(manifest: dict[str, Any], *entries: str) -> list[str]:
    """The entries' JavaScript and their static imports, transitively (each once)."""
    seen: list[str] = []
    pending = list(entries) or ["index.html"]
    while pending:
        key = pending.pop()
        if key in seen:
            continue
        seen.append(key)
        pending.extend(manifest[key].get("imports", []))
    return [manifest[key]["file"] for key in seen]


def main() -> int:
    web.ensure_built()
    manifest = json.loads((web.DIST / ".vite" / "manifest.json").read_text())
    shoppers: set[str] = set()
    for page, lazy in SHOPPER_PAGES.items():
        files = initial_chunks(manifest, "index.html", *lazy)
        shoppers |= set(files)
        total = sum(gzipped_kb(web.DIST / file) for file in files)
        print(f"{page}: {', '.join(files)}: {total:.1f} kB gzipped")
        result(f"web initial JS kB gz, {page}", total, "<=", BUDGET_KB)
    staff = {
        chunk["file"]
        for key, chunk in manifest.items()
        if key.startswith(STAFF_ONLY) and chunk["file"].endswith(".js")
    }
    leaked = staff & shoppers
    print(f"staff pages' chunks a shopper downloads: {sorted(leaked) or 'none'}")
    result("staff chunks in shopper pages", len(leaked), "<=", 0)
    for _key, chunk in sorted(manifest.items()):
        if chunk["file"] not in shoppers and chunk["file"].endswith(".js"):
            print(f"  lazy     {chunk['file']:<45} {gzipped_kb(web.DIST / chunk['file']):7.1f} kB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
