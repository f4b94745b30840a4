"""The Lambda zip (devtools/package_lambda.py): exactly the locked packages, for the
runtime's Python and CPU, from hashes, the same bytes every time."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from devtools import package_lambda


def locked() -> dict[str, str]:
    text = package_lambda.LOCK.read_text()
    return {
        re.sub(r"[-_.]+", "-", name).lower(): version
        for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==([^ \\\n]+)", text, re.MULTILINE)
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    out = tmp_path_factory.mktemp("package")
    first = package_lambda.build(out / "one.zip")
    second = package_lambda.build(out / "two.zip")
    return out / "one.zip", first, second


def test_the_same_commit_gives_the_same_bytes(built: tuple[Path, str, str]) -> None:
    path, first, second = built
    assert first == second
    assert path.with_name("one.zip.sha256").read_text().split()[0] == first


def test_it_holds_the_app_and_exactly_the_locked_packages(built: tuple[Path, str, str]) -> None:
    names = zipfile.ZipFile(built[0]).namelist()
    assert "app/lambda_handler.py" in names
    assert not any(n.endswith((".pyc", ".tsx")) or "__pycache__" in n for n in names)
    assert not any(n.startswith(("web/", "tests/", "app/web/dist")) for n in names)
    installed = {
        re.sub(r"[-_.]+", "-", m.group(1)).lower(): m.group(2)
        for n in names
        if (m := re.match(r"([^/]+)-([^-/]+)\.dist-info/METADATA$", n))
    }
    assert installed == locked()
    assert not {"boto3", "botocore"} & set(installed)  # the runtime's own


def test_native_code_is_built_for_the_runtime(built: tuple[Path, str, str]) -> None:
    native = [n for n in zipfile.ZipFile(built[0]).namelist() if n.endswith(".so")]
    assert native
    for name in native:
        assert name.endswith((".cpython-312-aarch64-linux-gnu.so", ".abi3.so")), name
