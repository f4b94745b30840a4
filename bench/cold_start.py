"""Cold-start import cost of the Lambda entry point, relative to its unavoidable floor.

Times `python -c "import app.lambda_handler"` and `python -c "import fastapi, mangum, boto3"`
alternately, RUNS times each, in fresh interpreters with the bytecode cache warm (as on
Lambda, where the package ships .pyc files), and prints the medians and their ratio.
Budget: ratio <= 1.15.

    .venv/bin/python -m bench.cold_start [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from functools import partial

from bench.common import alternated, result

HANDLER = "import app.lambda_handler"
APP_ONLY = "import boto3, mangum, app.main"  # the same without Powertools and the handler
FLOOR = "import fastapi, mangum, boto3"
BUDGET = 1.15


def wall_time(statement: str, env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], env=env, check=True)
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    env = dict(os.environ) | {
        "APP_ENV": "prod",
        "JWT_SECRET": "cold-start-bench-" + "c" * 40,
        "AWS_REGION": "us-east-1",
        "PYTHONDONTWRITEBYTECODE": "",
    }
    env.pop("PYTHONDONTWRITEBYTECODE")
    statements = (HANDLER, APP_ONLY, FLOOR)
    for statement in statements:  # warm the bytecode cache and the page cache
        wall_time(statement, env)
    samples = alternated({s: partial(wall_time, s, env) for s in statements}, args.runs)
    h, a, f = (statistics.median(samples[s]) * 1000 for s in statements)
    ratio = h / f
    print(f"import app.lambda_handler      median {h:7.1f} ms  ({args.runs} runs)")
    print(f"import boto3, mangum, app.main median {a:7.1f} ms  (before Powertools)")
    print(f"import fastapi, mangum, boto3  median {f:7.1f} ms")
    print(f"Powertools and the handler module: {h - a:+.1f} ms")
    print(f"ratio {ratio:.2f} (budget <= {BUDGET}) {'OK' if ratio <= BUDGET else 'OVER BUDGET'}")
    result("cold start handler/floor", ratio, "<=", BUDGET)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
