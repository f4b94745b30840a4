"""Stage the Lambda's source for `sam build`: build/lambda/ with app/ and a requirements.txt
of the runtime dependencies, pinned from constraints.txt. boto3/botocore come from the
Lambda runtime and are left out (see docs/PERFORMANCE.md, "Lambda package")."""

from __future__ import annotations

import re
import shutil
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STAGE = REPO / "build" / "lambda"
PROVIDED_BY_RUNTIME = {
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "urllib3",
    "python-dateutil",
    "six",
}


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9_.-]+", requirement)
    if match is None:
        raise ValueError(f"cannot read a project name in {requirement!r}")
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


def runtime_requirements() -> list[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]} - PROVIDED_BY_RUNTIME
    pins = {}
    for line in (REPO / "constraints.txt").read_text().splitlines():
        if "==" in line:
            name, version = line.split("==", 1)
            pins[_name(name)] = version.strip()
    return sorted(f"{name}=={pins[name]}" if name in pins else name for name in wanted)


def main() -> int:
    shutil.rmtree(STAGE, ignore_errors=True)
    shutil.copytree(REPO / "app", STAGE / "app", ignore=shutil.ignore_patterns("__pycache__"))
    (STAGE / "requirements.txt").write_text("\n".join(runtime_requirements()) + "\n")
    print(f"staged {STAGE.relative_to(REPO)} with {len(runtime_requirements())} requirements")
    return 0


if __name__ == "__main__":
    sys.exit(main())
