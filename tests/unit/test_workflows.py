"""The pipeline (.github/workflows): CI builds and tests one artifact per commit on the
Lambda runtime's Python; deploy.yml deploys exactly that artifact, and only after CI passed
for that commit; every action is pinned to a commit."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

WORKFLOWS = Path(__file__).resolve().parents[2] / ".github" / "workflows"


def load(name: str) -> dict[str, Any]:
    document: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    document["on"] = document.pop(True, document.get("on"))  # YAML 1.1 reads `on` as True
    return document


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


@pytest.mark.parametrize("name", ["ci.yml", "deploy.yml"])
def test_every_action_is_pinned_to_a_commit(name: str) -> None:
    for step in steps(load(name)):
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]


def test_ci_tests_on_the_lambda_runtime_python_and_uploads_one_artifact() -> None:
    ci = load("ci.yml")
    pythons = {
        step["with"]["python-version"]
        for step in steps(ci)
        if step.get("uses", "").startswith("actions/setup-python@")
    }
    assert pythons == {"3.12"}
    package = ci["jobs"]["package"]
    assert set(package["needs"]) == {"test", "validate"}
    runs = " ".join(step.get("run", "") for step in package["steps"])
    assert "make package" in runs
    (upload,) = [s for s in package["steps"] if "upload-artifact" in s.get("uses", "")]
    assert upload["with"]["name"] == "release-${{ github.sha }}"
    assert "dist/catalog-lambda.zip" in upload["with"]["path"]


def test_deploy_runs_only_after_green_ci_for_the_same_commit() -> None:
    deploy = load("deploy.yml")
    assert deploy["on"] == {
        "workflow_run": {"workflows": ["ci"], "types": ["completed"], "branches": ["main"]}
    }
    jobs = deploy["jobs"]
    assert "github.event.workflow_run.conclusion == 'success'" in jobs["staging"]["if"]
    assert jobs["prod"]["needs"] == "staging"
    for name, job in jobs.items():
        (checkout,) = [s for s in job["steps"] if "actions/checkout@" in s.get("uses", "")]
        assert checkout["with"]["ref"] == "${{ github.event.workflow_run.head_sha }}", name
        (download,) = [s for s in job["steps"] if "download-artifact" in s.get("uses", "")]
        assert download["with"]["run-id"] == "${{ github.event.workflow_run.id }}", name
        assert download["with"]["name"] == "release-${{ github.event.workflow_run.head_sha }}"
        runs = " ".join(step.get("run", "") for step in job["steps"])
        assert "--expect-sha256" in runs, name  # the bytes CI built, checked
        assert not re.search(r"make (package|build)|sam build|package_lambda", runs), name
        assert f"make smoke SMOKE_ENV={name}" in runs
        assert job["environment"] == name
        assert job["concurrency"] == {"group": f"deploy-{name}", "cancel-in-progress": False}
