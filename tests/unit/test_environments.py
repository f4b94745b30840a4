"""Environments (infra/environments.toml) and what `make deploy ENV=...` runs for them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from devtools import deploy
from tests.support.cloudformation import load_template

NAMES = ("dev", "staging", "prod")


@pytest.mark.parametrize("name", NAMES)
def test_every_setting_is_a_template_parameter_it_accepts(name: str) -> None:
    parameters = load_template()["Parameters"]
    env = deploy.environment(name)
    assert env.parameters["Environment"] == name
    for key, value in env.parameters.items():
        assert key in parameters, key
        allowed = parameters[key].get("AllowedValues")
        assert allowed is None or value in [str(a) for a in allowed], (key, value)
    # every required parameter is given, by the file or by the command
    required = {k for k, p in parameters.items() if "Default" not in p}
    assert required <= set(env.parameters) | {"AlarmEmail"}


def test_environments_are_apart_and_prod_is_careful() -> None:
    envs = {name: deploy.environment(name) for name in NAMES}
    assert len({e.stack_name for e in envs.values()}) == 3
    assert envs["dev"].parameters["DeploymentType"] == "AllAtOnce"
    for name in ("staging", "prod"):
        params = envs[name].parameters
        assert params["DeploymentType"] == "Canary10Percent5Minutes"
        assert "localhost" not in params["CorsAllowedOrigins"]
        assert "127.0.0.1" not in params["CorsAllowedOrigins"]
        assert params["TableDeletionProtection"] == "true"
        assert envs[name].smoke_origin in params["CorsAllowedOrigins"].split(",")


def test_the_deploy_command() -> None:
    command = deploy.sam_deploy_command(
        deploy.environment("staging"),
        region="eu-central-1",
        alarm_email="ops@example.com",
        confirm=False,
    )
    text = " ".join(command)
    assert "--stack-name catalog-staging" in text
    assert "--region eu-central-1" in text
    assert "AlarmEmail=ops@example.com" in command
    assert "--no-confirm-changeset" in command
    assert command[command.index("--tags") + 1 :] == ["project=catalog", "environment=staging"]
    interactive = deploy.sam_deploy_command(
        deploy.environment("dev"), region="eu-west-1", alarm_email="me@example.com", confirm=True
    )
    assert "--no-confirm-changeset" not in interactive


def test_nothing_deploys_without_a_region_an_alarm_address_or_the_tested_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("ALARM_EMAIL", raising=False)
    with pytest.raises(SystemExit, match="region"):
        deploy.main(["--env", "dev"])
    with pytest.raises(SystemExit, match="alarm"):
        deploy.main(["--env", "dev", "--region", "eu-west-1"])
    package = tmp_path / "catalog-lambda.zip"
    package.write_bytes(b"what CI built")
    monkeypatch.setattr(deploy, "PACKAGE", package)
    assert deploy.checked_package(hashlib.sha256(b"what CI built").hexdigest())
    with pytest.raises(SystemExit, match="not the"):
        deploy.checked_package("0" * 64)
