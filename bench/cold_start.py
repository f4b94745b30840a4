"""Cold-start import cost of the Lambda entry point, relative to its unavoidable floor.

Runs `python -c "import app.lambda_handler"` and `python -c "import fastapi, mangum, boto3"`
alternately, RUNS times each, in fresh interpreters with the bytecode cache warm (as on
Lambda, where the package ships .pyc files), and prints the medians of the CPU time each
took (user + system: what a busy shared machine disturbs least) and their ratio.
Budget: ratio <= 1.05.

    .venv/bin/python -m bench.cold_start [--runs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys

from bench.common import result

HANDLER = "import app.lambda_handler"
APP_ONLY = "import boto3, mangum, app.main"  # the same without Powertools and the handler
FLOOR = "import fastapi, mangum, boto3"
BUDGET = 1.05


def cpu_time(statement: str, env: dict[str, str]) -> float:
    """CPU seconds a fresh interpreter spends running `statement` (and starting up)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", statement], env=env, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=25)
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
        cpu_time(statement, env)
    samples: dict[str, list[float]] = {s: [] for s in statements}
    for _ in range(args.runs):  # in turns: a neighbour's load hits all three alike
        for statement in statements:
            samples[statement].append(cpu_time(statement, env))
    h, a, f = (statistics.median(samples[s]) * 1000 for s in statements)
    # the ratio of each round's pair, then their median: robust to a noisy round
    ratio = statistics.median(
        hs / fs for hs, fs in zip(samples[HANDLER], samples[FLOOR], strict=True)
    )
    print(f"import app.lambda_handler      median {h:7.1f} ms CPU  ({args.runs} runs)")
    print(f"import boto3, mangum, app.main median {a:7.1f} ms CPU  (before Powertools)")
    print(f"import fastapi, mangum, boto3  median {f:7.1f} ms CPU")
    print(f"Powertools and the handler module: {h - a:+.1f} ms")
    print(
        f"ratio (median of the rounds') {ratio:.3f} (budget <= {BUDGET}) "
        f"{'OK' if ratio <= BUDGET else 'OVER BUDGET'}"
    )
    result("cold start handler/floor", ratio, "<=", BUDGET)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
