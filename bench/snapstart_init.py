"""What SnapStart moves out of a cold start: the init phase with routers built lazily (on
first use, the default) and eagerly (what the app does before a SnapStart snapshot).

For each mode, in fresh interpreters (bytecode cache warm, as on Lambda), alternately:
the import of the handler (Lambda's init phase) and, for the lazy mode, what the first
request then pays to build its domain's routers (GET /products: the catalog routes).
Prints medians. Without SnapStart, a cold start pays the lazy init plus that first-request
build; with it, the eager init is paid once per published version, before the snapshot,
and a cold start pays the restore instead (not measurable here: see docs/PERFORMANCE.md).

    .venv/bin/python -m bench.snapstart_init [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

from bench.common import result

MEASURE = """
import time
began = time.perf_counter()
import app.lambda_handler as handler
init = time.perf_counter() - began
began = time.perf_counter()
handler.app.state.routers.ensure_for("/products")
first = time.perf_counter() - began
print(init * 1000, first * 1000)
"""


def run(initialization_type: str) -> tuple[float, float]:
    env = dict(os.environ) | {
        "APP_ENV": "prod",
        "JWT_SECRET": "snapstart-bench-" + "s" * 40,
        "AWS_REGION": "us-east-1",
        "CATALOG_TABLE": "unused",
        "AWS_LAMBDA_INITIALIZATION_TYPE": initialization_type,
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = subprocess.run(
        [sys.executable, "-c", MEASURE], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), float(out[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    run("on-demand"), run("snap-start")  # warm the bytecode and page caches
    lazy, eager = [], []
    for _ in range(args.runs):
        lazy.append(run("on-demand"))
        eager.append(run("snap-start"))
    lazy_init = statistics.median(i for i, _ in lazy)
    lazy_first = statistics.median(f for _, f in lazy)
    eager_init = statistics.median(i for i, _ in eager)
    print(f"init, routers lazy (no SnapStart)      median {lazy_init:7.1f} ms")
    print(f"  + first request builds its routers   median {lazy_first:7.1f} ms")
    print(f"init, routers eager (before snapshot)  median {eager_init:7.1f} ms")
    print(f"moved before the snapshot: {eager_init - lazy_init:+.1f} ms of init")
    result("snapstart: eager init / lazy init", eager_init / lazy_init, "<=", None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
