"""`make package`: the Lambda's deployment zip, built once per commit and deployed as is.

dist/catalog-lambda.zip holds app/ and every package of requirements/lambda.txt, installed
for the runtime itself (CPython 3.12 on arm64 Linux) by `pip install --require-hashes`
with binary wheels only, so it builds on any machine (no Docker, no arm64 host) and every
file comes from a hash the lock file names. boto3 and its dependencies come from the Lambda
runtime (docs/PERFORMANCE.md, "Lambda package").

The zip is reproducible: entries sorted, timestamps fixed, permissions normalised, no
bytecode. The same commit gives the same bytes; its SHA-256 is printed and written next
to it (dist/catalog-lambda.zip.sha256), so a deploy can check it deploys what CI built.

    .venv/bin/python -m devtools.package_lambda [--output dist/catalog-lambda.zip]
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOCK = REPO / "requirements" / "lambda.txt"
DEFAULT_OUTPUT = REPO / "dist" / "catalog-lambda.zip"
# the Lambda runtime (Amazon Linux 2023, glibc 2.34) runs wheels built for any of these
PLATFORM = (
    *("--platform", "manylinux2014_aarch64"),
    *("--platform", "manylinux_2_28_aarch64"),
    *("--platform", "manylinux_2_34_aarch64"),
    *("--implementation", "cp"),
)
PYTHON_VERSION = "3.12"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
SKIPPED = ("__pycache__", ".pyc")


def install_dependencies(target: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-compile",
            "--require-hashes",
            "--no-deps",
            "--only-binary=:all:",
            *PLATFORM,
            "--python-version",
            PYTHON_VERSION,
            "--target",
            str(target),
            "--requirement",
            str(LOCK),
        ],
        check=True,
    )


def stage(root: Path) -> None:
    install_dependencies(root)
    shutil.copytree(
        REPO / "app",
        root / "app",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        dirs_exist_ok=True,
    )


def write_zip(root: Path, output: Path) -> str:
    """Zip `root` reproducibly; return the zip's SHA-256."""
    output.parent.mkdir(parents=True, exist_ok=True)
    files = sorted(
        path
        for path in root.rglob("*")
        if path.is_file() and not any(part.endswith(SKIPPED) for part in path.parts)
    )
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            entry = zipfile.ZipInfo(path.relative_to(root).as_posix(), FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, path.read_bytes())
    digest = hashlib.sha256(output.read_bytes()).hexdigest()
    output.with_name(output.name + ".sha256").write_text(f"{digest}  {output.name}\n")
    return digest


def build(output: Path = DEFAULT_OUTPUT) -> str:
    with tempfile.TemporaryDirectory(prefix="lambda-package-") as workdir:
        root = Path(workdir) / "package"
        root.mkdir()
        stage(root)
        return write_zip(root, output)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    digest = build(args.output)
    size = args.output.stat().st_size / 1_000_000
    print(f"{args.output.relative_to(REPO)}: {size:.1f} MB, sha256 {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
