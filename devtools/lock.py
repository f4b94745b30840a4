"""`make lock`: the fully pinned, hash-checked lock files under requirements/, by uv.

Every install of the project reads one of them with `pip install --require-hashes`:

- requirements/dev.txt: the developer's and CI's venv (the app, its server and dev tools);
- requirements/lambda.txt: the Lambda zip, resolved for the runtime itself (CPython 3.12 on
  arm64 Linux), without the packages the runtime provides (boto3 and its dependencies);
- requirements/runtime.txt and requirements/local.txt: the Docker images (`lambda` and
  `local` targets: the app alone, and with uvicorn), for any platform.

Versions already in a lock file are kept unless `--upgrade` (or a changed pyproject.toml)
asks for others, so re-locking is a reviewable diff.

    .venv/bin/python -m devtools.lock [--upgrade]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOCKS = REPO / "requirements"
# what the Lambda Python runtime already has (docs/PERFORMANCE.md, "Lambda package")
PROVIDED_BY_RUNTIME = (
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "urllib3",
    "python-dateutil",
    "six",
)
LAMBDA_PLATFORM = ("--python-version", "3.12", "--python-platform", "aarch64-manylinux_2_28")
ANY_PLATFORM = ("--universal", "--python-version", "3.11")
LOCK_FILES: dict[str, tuple[str, ...]] = {
    "dev.txt": (*ANY_PLATFORM, "--extra", "dev"),
    "lambda.txt": (
        *LAMBDA_PLATFORM,
        *(arg for name in PROVIDED_BY_RUNTIME for arg in ("--no-emit-package", name)),
    ),
    "runtime.txt": ANY_PLATFORM,
    "local.txt": (*ANY_PLATFORM, "--extra", "server"),
}


def lock(name: str, options: tuple[str, ...], *, upgrade: bool) -> None:
    command = [
        str(Path(sys.executable).with_name("uv")),
        "pip",
        "compile",
        "pyproject.toml",
        "--quiet",
        "--generate-hashes",
        "--custom-compile-command",
        "make lock",
        *options,
        *(["--upgrade"] if upgrade else []),
        "--output-file",
        str((LOCKS / name).relative_to(REPO)),
    ]
    subprocess.run(command, cwd=REPO, check=True)
    print(f"locked requirements/{name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--upgrade", action="store_true", help="take the newest versions")
    args = parser.parse_args()
    LOCKS.mkdir(exist_ok=True)
    for name, options in LOCK_FILES.items():
        lock(name, options, upgrade=args.upgrade)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
