"""docs/RUNBOOK.md names what the stacks really have: outputs, alarms, the alias, the hook,
the edge stack and its log group, the CLI's commands -- so a 3 a.m. reader is not sent to
a log group that does not exist."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from devtools import deploy
from tests.support.cloudformation import load_edge_template, load_template

RUNBOOK = (Path(__file__).resolve().parents[2] / "docs" / "RUNBOOK.md").read_text()


@pytest.fixture(scope="module")
def site() -> dict[str, Any]:
    return load_template()


@pytest.fixture(scope="module")
def edge() -> dict[str, Any]:
    return load_edge_template()


def test_every_placeholder_is_an_output(site: dict[str, Any], edge: dict[str, Any]) -> None:
    placeholders = set(re.findall(r"<([A-Z][A-Za-z]+(?:Name|Arn|Url))>", RUNBOOK))
    assert placeholders >= {"FunctionLogGroupName", "ApiAccessLogGroupName", "FunctionName"}
    outputs = set(site["Outputs"]) | set(edge["Outputs"])
    assert placeholders <= outputs, placeholders - outputs
    for name in re.findall(r"edge stack's `([A-Za-z]+)`", RUNBOOK):
        assert name in edge["Outputs"]


def test_every_alarm_is_explained_and_exists(site: dict[str, Any], edge: dict[str, Any]) -> None:
    alarms = {
        name
        for template in (site, edge)
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
    }
    table = RUNBOOK[RUNBOOK.index("## Alarms") : RUNBOOK.index("## A deployment rolled back")]
    named = set(re.findall(r"^\| `(\w+Alarm)`", table, flags=re.MULTILINE))
    assert named == alarms
    gating = {
        a["Ref"]
        for a in site["Resources"]["CatalogFunction"]["Properties"]["DeploymentPreference"][
            "Alarms"
        ]
    }
    for alarm in gating:
        row = next(line for line in table.splitlines() if line.startswith(f"| `{alarm}`"))
        assert "Gates a deployment" in row
    for line in table.splitlines():
        if "Gates a deployment" in line:
            assert re.match(r"^\| `(\w+)`", line).group(1) in gating  # type: ignore[union-attr]


def test_the_alias_the_hook_and_the_edge_are_named_as_deployed(
    site: dict[str, Any], edge: dict[str, Any]
) -> None:
    alias = site["Resources"]["CatalogFunction"]["Properties"]["AutoPublishAlias"]
    aliases = set(re.findall(r"--name (\w+)", RUNBOOK))
    assert aliases == {alias}
    hook = site["Resources"]["PreTrafficHook"]["Properties"]["FunctionName"]["Fn::Sub"]
    assert hook.replace("${AWS::StackName}", "<stack>") in RUNBOOK
    env = deploy.environment("prod")
    assert env.edge_stack_name("<region>") == "catalog-prod-<region>-edge"
    assert "`catalog-<env>-<region>-edge`" in RUNBOOK
    log_group = edge["Resources"]["WafLogGroup"]["Properties"]["LogGroupName"]["Fn::Sub"]
    assert log_group == "aws-waf-logs-${SiteStack}-${SiteRegion}"
    assert (
        "aws-waf-logs-catalog-<env>-\n  <region>" in RUNBOOK
        or "aws-waf-logs-catalog-<env>-<region>" in RUNBOOK
    )


def test_every_cli_command_it_names_exists() -> None:
    from app import cli

    named = set(re.findall(r"python -m app\.cli ([a-z-]+)", RUNBOOK))
    assert {"rotate-jwt-key", "rotate-origin-secret"} <= named
    assert named <= set(cli.COMMANDS)
