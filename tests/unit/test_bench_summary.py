"""`make bench`'s summary: every RESULT line is read, names with colons included, and a
missed budget or a benchmark that printed none fails the run."""

from __future__ import annotations

import subprocess
from types import SimpleNamespace
from typing import Any

import pytest

from bench import run_all


@pytest.mark.parametrize(
    ("line", "name", "value", "verdict"),
    [
        ("RESULT snapstart: eager init / lazy init: 1.49 (no budget)",
         "snapstart: eager init / lazy init", "1.49", ""),
        ("RESULT web initial JS kB gz, cart: 96.05 (budget <= 100) OK",
         "web initial JS kB gz, cart", "96.05", "OK"),
        ("RESULT warm path handler/BatchGetItem: 1.61 (budget <= 1.5) MISSED",
         "warm path handler/BatchGetItem", "1.61", "MISSED"),
    ],
)  # fmt: skip
def test_result_lines_are_read(line: str, name: str, value: str, verdict: str) -> None:
    match = run_all.RESULT.match(line)
    assert match is not None
    assert (match["name"], match["value"], match["verdict"]) == (name, value, verdict)


def fake_runs(outputs: dict[str, tuple[int, str]]) -> Any:
    def run(command: list[str], **_: Any) -> SimpleNamespace:
        code, stdout = outputs[command[-1].removeprefix("bench.")]
        return SimpleNamespace(returncode=code, stdout=stdout, stderr="")

    return run


def test_a_missed_budget_or_a_silent_benchmark_fails_the_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(run_all, "BENCHMARKS", ["good", "slow", "broken"])
    outputs = {
        "good": (0, "RESULT good: 1.00 (budget <= 2) OK\n"),
        "slow": (0, "RESULT slow: 3.00 (budget <= 2) MISSED\n"),
        "broken": (1, "Traceback ...\n"),
    }
    monkeypatch.setattr(subprocess, "run", fake_runs(outputs))
    assert run_all.main() == 1
    assert "2 missed or failed: slow, broken" in capsys.readouterr().out

    monkeypatch.setattr(run_all, "BENCHMARKS", ["good"])
    assert run_all.main() == 0
