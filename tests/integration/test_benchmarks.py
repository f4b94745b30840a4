"""A benchmark that cannot run measures nothing: the purchase rush, in miniature, through
the same code `make bench` runs (it broke unseen when requests began to read their store)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_purchase_rush_runs_and_oversells_nothing() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bench.purchase_rush", "--purchases", "24", "--threads", "2"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "unexpected answers" not in run.stdout
    assert "oversold: 0" in run.stdout
    assert "RESULT purchase rush hot/spread throughput:" in run.stdout
