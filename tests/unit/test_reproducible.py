"""Reproducible builds: every package from a hashed lock, every base image by digest."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
LOCKS = REPO / "requirements"
DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


def requirements(lock: Path) -> dict[str, list[str]]:
    """name==version -> its hashes, from a lock file (continuation lines joined)."""
    text = lock.read_text().replace("\\\n", " ")
    found: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            pin, *rest = line.split()
            found[pin] = [part for part in rest if part.startswith("--hash=sha256:")]
    return found


@pytest.mark.parametrize("lock", sorted(p.name for p in LOCKS.glob("*.txt")))
def test_every_locked_package_is_pinned_with_hashes(lock: str) -> None:
    pins = requirements(LOCKS / lock)
    assert pins
    for pin, hashes in pins.items():
        assert re.fullmatch(
            r"[A-Za-z0-9_.-]+(\[[\w,]+\])?==[\w.+!-]+( ; .+)?", pin.split(" ;")[0]
        ), pin
        assert hashes, f"{lock}: {pin} has no hash"


def test_the_locks_cover_the_project() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]

    def names(lock: str) -> set[str]:
        return {
            re.sub(r"[-_.]+", "-", p.split("==")[0]).lower() for p in requirements(LOCKS / lock)
        }

    def wanted(requirement: str) -> str:
        return re.sub(r"[-_.]+", "-", re.match(r"[\w.-]+", requirement).group(0)).lower()  # type: ignore[union-attr]

    runtime = {wanted(r) for r in project["dependencies"]}
    assert runtime <= names("runtime.txt")
    assert runtime <= names("dev.txt")
    assert runtime - {"boto3"} <= names("lambda.txt")
    assert not {"boto3", "botocore"} & names("lambda.txt")  # the Lambda runtime's own
    assert {wanted(r) for r in project["optional-dependencies"]["server"]} <= names("local.txt")
    dev = {wanted(r) for r in project["optional-dependencies"]["dev"]} - {"catalog-service"}
    assert dev <= names("dev.txt")


def test_installs_check_hashes() -> None:
    makefile = (REPO / "Makefile").read_text()
    assert "pip install -q --require-hashes -r requirements/dev.txt" in makefile
    dockerfile = (REPO / "Dockerfile").read_text()
    installs = [line for line in dockerfile.splitlines() if "pip install" in line]
    assert installs
    assert all("--require-hashes" in line for line in installs)


def test_base_images_are_pinned_by_digest() -> None:
    froms = [
        line.split()[1]
        for line in (REPO / "Dockerfile").read_text().splitlines()
        if line.startswith("FROM ")
    ]
    assert froms
    assert all(DIGEST.search(image) for image in froms), froms
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    for name, service in compose["services"].items():
        if "image" in service:
            assert DIGEST.search(service["image"]), name
            assert "healthcheck" in service, name
    api = compose["services"]["api"]
    assert all(c["condition"] == "service_healthy" for c in api["depends_on"].values())
