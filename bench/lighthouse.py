"""Budgets: Lighthouse 12 (mobile preset: a mid-range phone on a slow 4G link) on the
catalog and a product page of a seeded local stack -- performance at least 95, accessibility
100. Runs `npx lighthouse@12` with Debian's Chromium (CHROME_PATH); the stack is the one
`make screenshots` uses: DynamoDB Local, moto's S3, uvicorn serving the built web app, the
demo catalog with its photos.

    .venv/bin/python -m bench.lighthouse
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import httpx

from bench.common import result
from devtools import browser, screenshots, web

PERFORMANCE_BUDGET = 95
ACCESSIBILITY_BUDGET = 100
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
)


def lighthouse(url: str, out: Path) -> dict[str, Any]:
    command = [
        "npx",
        "--yes",
        "lighthouse@12",
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        "--only-categories=performance,accessibility",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
    ]
    env = dict(os.environ, CHROME_PATH=browser.chromium_path())
    subprocess.run(command, env=env, check=True, timeout=300)
    return json.loads(out.read_text())  # type: ignore[no-any-return]


def main() -> int:
    web.ensure_built()
    with (
        tempfile.TemporaryDirectory() as workdir,
        screenshots.local_stack(Path(workdir)) as (
            url,
            _,
        ),
    ):
        product = httpx.get(f"{url}/products", params={"limit": 3}).json()["items"][1]
        pages = {"catalog": "/app/", "product page": f"/app/products/{product['id']}"}
        for name, path in pages.items():
            report = lighthouse(url + path, Path(workdir) / "report.json")
            scores = {k: round(v["score"] * 100) for k, v in report["categories"].items()}
            figures = ", ".join(f"{m} {report['audits'][m]['displayValue']}" for m in METRICS)
            print(f"{name}: {scores}; {figures}")
            result(
                f"lighthouse {name} performance", scores["performance"], ">=", PERFORMANCE_BUDGET
            )
            result(
                f"lighthouse {name} accessibility",
                scores["accessibility"],
                ">=",
                ACCESSIBILITY_BUDGET,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
