"""devtools/cli_steps.py: several operator commands in one process, in order, stopping at
the first that fails."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import pytest

from app import cli
from devtools import cli_steps


def test_a_command_line_splits_back_into_its_commands() -> None:
    commands = (["create-table"], ["bootstrap", "--admin-email", "a@example.com"], ["seed"])
    argv = cli_steps.command_line(*commands)
    assert argv[:3] == [sys.executable, "-m", "devtools.cli_steps"]
    assert list(cli_steps.split(argv[3:])) == list(commands)
    assert list(cli_steps.split([";", "seed", ";", ";"])) == [["seed"]]


def test_the_commands_run_in_order_until_one_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[list[str]] = []
    codes = {"create-table": 0, "create-store": 2, "seed": 0}

    def main(argv: Sequence[str]) -> int:
        ran.append(list(argv))
        return codes[argv[0]]

    monkeypatch.setattr(cli, "main", main)
    assert cli_steps.main(["create-table", ";", "create-store", "--slug", "x", ";", "seed"]) == 2
    assert ran == [["create-table"], ["create-store", "--slug", "x"]]  # seed never ran
    ran.clear()
    assert cli_steps.main(["create-table", ";", "seed"]) == 0
    assert ran == [["create-table"], ["seed"]]


def test_a_ctrl_c_ends_the_commands_quietly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ran: list[str] = []

    def main(argv: Sequence[str]) -> int:
        ran.append(argv[0])
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "main", main)
    assert cli_steps.main(["seed", ";", "demo-photos"]) == cli_steps.INTERRUPTED
    assert ran == ["seed"]
    assert capsys.readouterr().err == ""
