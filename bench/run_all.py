"""`make bench`: every benchmark in turn, its own output, then one summary table.

.venv/bin/python -m bench.run_all
"""

from __future__ import annotations

import re
import subprocess
import sys

BENCHMARKS = [
    "cold_start",
    "snapstart_init",
    "warm_path",
    "catalog_pages",
    "purchase_rush",
    "auto_spread",
    "throughput",
    "cost_model",
    "partition_heat",
    "tenant_isolation",
    "live_stock",
    "events_out",
    "transfer",
    "local_database",
    "web_bundle",
    "lighthouse",
]
RESULT = re.compile(
    r"^RESULT (?P<name>.+): (?P<value>\S+) \((?P<budget>[^)]*)\)\s*(?P<verdict>\S*)"
)


def main() -> int:
    rows = []
    for name in BENCHMARKS:
        print(f"== bench.{name}", flush=True)
        run = subprocess.run(
            [sys.executable, "-m", f"bench.{name}"], capture_output=True, text=True, check=False
        )
        print(run.stdout + run.stderr[-2000:] if run.returncode else run.stdout, flush=True)
        found = [m for line in run.stdout.splitlines() if (m := RESULT.match(line))]
        if not found:
            rows.append((name, "-", "-", f"failed (exit {run.returncode})"))
        for match in found:
            rows.append((match["name"], match["value"], match["budget"], match["verdict"] or "-"))
    width = max(len(row[0]) for row in rows)
    print(f"\n{'benchmark':<{width}}  {'figure':>7}  {'budget':<14} verdict")
    for name, value, budget, verdict in rows:
        print(f"{name:<{width}}  {value:>7}  {budget:<14} {verdict}")
    broken = [row[0] for row in rows if row[3] == "MISSED" or row[3].startswith("failed")]
    if broken:
        print(f"\n{len(broken)} missed or failed: {', '.join(broken)}")
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
