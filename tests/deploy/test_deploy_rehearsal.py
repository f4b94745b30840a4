"""The deploy rehearsal (`make validate`: devtools/rehearsal.py) end to end: it passes on
the templates as they are, and fails on each mistake a first deploy would hit: a dependency
cycle through an update policy, a configuration change that keeps the live version, an
account-global name without the region, a retained resource with a fixed name.

The transform needs AWS's SAM translator, which lives with the SAM CLI in .tools/aws-venv
(`make aws-tools`, which `make test` runs): these run the rehearsal there, as
`make validate` does. Its pieces are tested without it, in tests/unit/test_rehearsal.py."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from devtools import cloudformation, rehearsal

REPO = Path(__file__).resolve().parents[2]
AWS_PYTHON = REPO / ".tools" / "aws-venv" / "bin" / "python"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return cloudformation.load(cloudformation.TEMPLATE)


def rehearse(*args: str) -> subprocess.CompletedProcess[str]:
    """`make validate`'s rehearsal, run where the SAM translator is."""
    assert AWS_PYTHON.exists(), "the SAM translator is missing: run `make aws-tools`"
    return subprocess.run(
        [str(AWS_PYTHON), "-m", "devtools.rehearsal", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def rehearse_planted(tmp_path: Path, template: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    """The rehearsal of one deploy (prod, eu-west-1) of `template`."""
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template))
    return rehearse("--template", str(path), "--env", "prod", "--region", "eu-west-1")


def test_the_templates_as_they_are_pass() -> None:
    done = rehearse()
    assert done.returncode == 0, done.stdout + done.stderr
    for env in ("dev", "staging", "prod"):
        for region in rehearsal.REGIONS:
            assert f"ok   {env} in {region}" in done.stdout
    assert "ok   configuration changes publish versions" in done.stdout
    assert "deploy rehearsal passed" in done.stdout


def test_a_planted_cycle_through_the_update_policy_fails(
    tmp_path: Path, template: dict[str, Any]
) -> None:
    """The first deploy's blocker: the alias's update policy names the deployment group,
    whose alarms name the HTTP API, whose integration names the alias."""
    planted = copy.deepcopy(template)
    planted["Resources"]["CatalogFunction"]["Properties"]["DeploymentPreference"]["Alarms"].append(
        {"Ref": "Api5xxRateAlarm"}
    )
    done = rehearse_planted(tmp_path, planted)
    assert done.returncode == 1
    assert "dependency cycle" in done.stdout
    assert "CatalogFunctionDeploymentGroup" in done.stdout
    assert "E3004" in done.stdout  # cfn-lint sees it on the transformed template too


def test_a_configuration_change_that_keeps_the_version_fails(
    tmp_path: Path, template: dict[str, Any]
) -> None:
    planted = copy.deepcopy(template)
    del planted["Resources"]["CatalogFunction"]["Properties"]["AutoPublishCodeSha256"]
    done = rehearse_planted(tmp_path, planted)
    assert done.returncode == 1
    for parameter in ("FunctionMemory", "FunctionTimeout", "EnableSnapStart", "MailFrom"):
        assert f"changing {parameter} alone keeps version" in done.stdout


def test_global_names_without_the_region_and_retained_fixed_names_fail(
    tmp_path: Path, template: dict[str, Any]
) -> None:
    planted = copy.deepcopy(template)
    resources = planted["Resources"]
    resources["TenantRole"]["Properties"]["RoleName"] = {"Fn::Sub": "${AWS::StackName}-tenant"}
    resources["BackupVault"]["Properties"]["BackupVaultName"] = {
        "Fn::Sub": "${AWS::StackName}-table"
    }
    done = rehearse_planted(tmp_path, planted)
    assert done.returncode == 1
    assert "TenantRole: its RoleName is account-wide and does not carry the region" in done.stdout
    assert "BackupVault: retained with a fixed BackupVaultName" in done.stdout
