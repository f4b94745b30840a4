"""Every command the docs tell people to run exists: each `make X` is a target of the
Makefile, each `python -m app.cli Y` a command of the CLI, each `python -m bench.Z` or
`devtools.Z` a module. Commands are read from code spans and code blocks of README.md and
docs/*.md (prose that happens to contain "make" is not a command)."""

from __future__ import annotations

import argparse
import importlib.util
import re
from pathlib import Path

import pytest

from app.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
CODE = re.compile(r"```.*?```|`[^`\n]+`", re.DOTALL)
MAKE = re.compile(r"(?:^|[\s;(&|])make ([a-z][a-z0-9-]*)", re.MULTILINE)
CLI = re.compile(r"-m app\.cli ([a-z][a-z-]*)")
MODULE = re.compile(r"-m ((?:bench|devtools)\.[a-z_]+)")
TARGET = re.compile(r"^([a-z][a-z0-9-]*)\s*:(?!=)", re.MULTILINE)


def code_in(path: Path) -> str:
    return "\n".join(CODE.findall(path.read_text()))


def documented(pattern: re.Pattern[str]) -> list[tuple[str, str]]:
    return sorted({(path.name, found) for path in DOCS for found in pattern.findall(code_in(path))})


def make_targets() -> set[str]:
    return set(TARGET.findall((ROOT / "Makefile").read_text()))


def cli_commands() -> set[str]:
    subparsers = next(
        action
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    )
    return set(subparsers.choices)


def test_the_docs_name_commands_at_all() -> None:
    # the patterns find what they should: a test that found nothing could not fail
    assert ("README.md", "run") in documented(MAKE)
    assert ("README.md", "test") in documented(MAKE)
    assert {name for _, name in documented(CLI)} >= {"create-admin", "seed"}


@pytest.mark.parametrize(("doc", "target"), documented(MAKE))
def test_documented_make_targets_exist(doc: str, target: str) -> None:
    assert target in make_targets(), f"{doc} says `make {target}`; the Makefile has no such target"


@pytest.mark.parametrize(("doc", "command"), documented(CLI))
def test_documented_cli_commands_exist(doc: str, command: str) -> None:
    assert command in cli_commands(), f"{doc} says `app.cli {command}`; the CLI has none"


@pytest.mark.parametrize(("doc", "module"), documented(MODULE))
def test_documented_modules_exist(doc: str, module: str) -> None:
    assert importlib.util.find_spec(module) is not None, f"{doc} names `{module}`: missing"
