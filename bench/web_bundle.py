"""Budget: the JavaScript the catalog page loads before it can show anything -- the entry
chunk and every chunk it imports statically, as Vite's manifest lists them -- at most
150 kB gzipped. Lazily loaded pages (cart, admin, inventory...) are listed, not counted.

.venv/bin/python -m bench.web_bundle    (builds web/ first if its sources changed)
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from bench.common import result
from devtools import web

BUDGET_KB = 150


def gzipped_kb(path: Path) -> float:
    return len(gzip.compress(path.read_bytes(), compresslevel=9)) / 1000


def initial_chunks(manifest: dict[str, Any], entry: str = "index.html") -> list[str]:
    """The entry's JavaScript and its static imports, transitively (each once)."""
    seen: list[str] = []
    pending = [entry]
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
    initial = initial_chunks(manifest)
    total = 0.0
    for file in initial:
        size = gzipped_kb(web.DIST / file)
        total += size
        print(f"  initial  {file:<45} {size:7.1f} kB gzipped")
    for _key, chunk in sorted(manifest.items()):
        if chunk["file"] not in initial and chunk["file"].endswith(".js"):
            print(f"  lazy     {chunk['file']:<45} {gzipped_kb(web.DIST / chunk['file']):7.1f} kB")
    print(f"catalog page, initial JavaScript: {total:.1f} kB gzipped")
    result("web initial JS kB gz", total, "<=", BUDGET_KB)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
