"""The deploy rehearsal's pieces (devtools/rehearsal.py), without the SAM translator: the
dependency graph, the names that must carry the region, what the function's version
follows. The rehearsal itself runs end to end in tests/deploy/test_deploy_rehearsal.py."""

from __future__ import annotations

from typing import Any

import pytest

from devtools import cloudformation, rehearsal, release


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return cloudformation.load(cloudformation.TEMPLATE)


def test_the_graph_counts_update_policies_subs_and_depends_on() -> None:
    resources: dict[str, Any] = {
        "Alias": {
            "Type": "AWS::Lambda::Alias",
            "UpdatePolicy": {
                "CodeDeployLambdaAliasUpdate": {"DeploymentGroupName": {"Ref": "Group"}}
            },
        },
        "Group": {
            "Type": "AWS::CodeDeploy::DeploymentGroup",
            "Properties": {"AlarmConfiguration": {"Alarms": [{"Name": {"Ref": "Alarm"}}]}},
        },
        "Alarm": {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "Dimensions": [{"Value": {"Fn::Sub": "${Api}-x ${!Literal} ${AWS::Region}"}}]
            },
        },
        "Api": {"Type": "AWS::ApiGatewayV2::Api", "DependsOn": "Alias"},
    }
    assert rehearsal.cycle({"Resources": resources}) is not None
    del resources["Api"]["DependsOn"]
    assert rehearsal.cycle({"Resources": resources}) is None
    assert rehearsal.dependencies({"Resources": resources})["Alarm"] == {"Api"}


def test_a_name_carries_the_region_through_the_pseudo_parameter_or_the_site_region() -> None:
    def role(name: Any) -> dict[str, Any]:
        return {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": name}}}}

    assert (
        rehearsal.global_name_problems(role({"Fn::Sub": "${AWS::StackName}-${AWS::Region}"})) == []
    )
    assert rehearsal.global_name_problems(role({"Fn::Sub": "${Site}-${SiteRegion}-edge"})) == []
    assert rehearsal.global_name_problems(role("fixed"))
    assert rehearsal.global_name_problems({"Resources": {"R": {"Type": "AWS::IAM::Role"}}}) == []


def test_the_function_configuration_parameters(template: dict[str, Any]) -> None:
    """What ReleaseId follows: everything the function's configuration reads, directly or
    through a condition, and nothing that only rolls it out or names its alarms."""
    found = release.function_parameters(template)
    assert {
        "FunctionMemory",
        "FunctionTimeout",
        "EnableSnapStart",
        "MailFrom",
        "PublicAppUrl",
        "EnableCdn",
        "TenantIsolation",
    } <= found
    assert not {"AlarmEmail", "DeploymentType", "ReleaseId", "MonthlyBudgetUsd"} & found
    base = release.release_id(template, {"FunctionMemory": "1024"}, "a" * 64)
    assert release.release_id(template, {"FunctionMemory": "2048"}, "a" * 64) != base
    assert release.release_id(template, {"FunctionMemory": "1024"}, "b" * 64) != base
    assert release.release_id(template, {"AlarmEmail": "x@example.com"}, "a" * 64) == (
        release.release_id(template, {}, "a" * 64)
    )
