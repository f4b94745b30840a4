"""Every file of this repository that the docs or the code's own comments name exists: a
module that is split or renamed takes the sentences that point at it along (README.md,
docs/*.md, and the source of app/, bench/, devtools/, tests/, infra/, .ci/ and web/src/)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("app", "bench", "devtools", "tests", "infra", ".ci", "web/src")
SUFFIXES = {".py", ".md", ".ts", ".tsx", ".yaml", ".yml", ".sh", ".toml", ".json", ""}
NAMED = re.compile(
    r"(?<![\w/.-])((?:app|bench|devtools|tests|infra|docs|web|\.ci)/[\w/.-]*?"
    r"\.(?:py|md|tsx|ts|yaml|yml|json|sh|toml|css|html))(?![\w.-])"
)
# not files of the repository: the web bucket's object keys (the site serves the web app
# under /app/), and what `make web` builds
NOT_IN_GIT = ("app/index.html", "app/assets/", "web/dist/")


def texts() -> list[Path]:
    found = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for folder in SOURCES:
        found += [
            path
            for path in sorted((ROOT / folder).rglob("*"))
            if path.is_file()
            and path.suffix in SUFFIXES
            and not {"__pycache__", "node_modules", ".aws-sam"} & set(path.parts)
        ]
    return found


def named_files() -> dict[str, set[str]]:
    """Each path named, with the files that name it."""
    named: dict[str, set[str]] = {}
    for path in texts():
        for name in NAMED.findall(path.read_text(errors="replace")):
            if not name.startswith(NOT_IN_GIT):
                named.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return named


def test_the_docs_and_the_code_name_files() -> None:
    named = named_files()
    assert {"app/stock/planning.py", "tests/support/faults.py"} <= set(named)


def test_every_file_named_exists() -> None:
    missing = {
        name: sorted(where) for name, where in named_files().items() if not (ROOT / name).exists()
    }
    assert not missing, missing
