"""`make validate`'s deploy rehearsal: what CloudFormation will receive, checked offline.

For every environment (infra/environments.toml) and two regions, the site template goes
through AWS's own SAM translator, as `sam deploy` has CloudFormation do it, with the code
in S3 as `sam package` leaves it. Then, on what comes out (and on the edge template):

- cfn-lint reports no error (it skips what touches `AWS::Serverless::*` on the source);
- no dependency cycle, counting Ref, Fn::GetAtt, Fn::Sub, DependsOn and UpdatePolicy (the
  alias's CodeDeploy update policy names the deployment group and the hook);
- a change of any parameter the function's configuration reads gives the live alias a new
  version (devtools/release.py), and a change of any other parameter does not;
- account-global names (IAM, CloudFront policies and functions, the budget, CloudFront WAF)
  carry the region, so one environment can live in two regions;
- no retained resource has a fixed name (it would block re-creating the stack).

Runs with the SAM CLI's Python (`.tools/aws-venv`: aws-sam-translator and cfn-lint):

    .tools/aws-venv/bin/python -m devtools.rehearsal [--template T] [--edge E] [--env dev]
"""

from __future__ import annotations

import argparse
import copy
import logging
import sys
from collections.abc import Iterator
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any

from devtools import cloudformation, release
from devtools.deploy import environment

REGIONS = ("us-east-1", "eu-west-1")
ENVIRONMENTS = ("dev", "staging", "prod")
FAKE_ACCOUNT = "123456789012"
# what `make deploy` passes besides environments.toml (devtools/deploy.py)
DEPLOY_PARAMETERS = {
    "AlarmEmail": "ops@example.com",
    "WebAclArn": f"arn:aws:wafv2:us-east-1:{FAKE_ACCOUNT}:global/webacl/catalog/0000",
}

# Names that are account-wide, whatever the region a stack is in: (type, property path).
GLOBAL_NAMES = {
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::IAM::User": "UserName",
    "AWS::IAM::Group": "GroupName",
    "AWS::IAM::InstanceProfile": "InstanceProfileName",
    "AWS::CloudFront::Function": "Name",
    "AWS::CloudFront::CachePolicy": "CachePolicyConfig.Name",
    "AWS::CloudFront::OriginRequestPolicy": "OriginRequestPolicyConfig.Name",
    "AWS::CloudFront::ResponseHeadersPolicy": "ResponseHeadersPolicyConfig.Name",
    "AWS::CloudFront::OriginAccessControl": "OriginAccessControlConfig.Name",
    "AWS::CloudFront::KeyValueStore": "Name",
    "AWS::Budgets::Budget": "Budget.BudgetName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::WAFv2::WebACL": "Name",  # CloudFront scope: global (checked only then)
}
# Names of other kinds, for the retained-resource check: regional, still unique per account.
NAMES = GLOBAL_NAMES | {
    "AWS::DynamoDB::Table": "TableName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::SecretsManager::Secret": "Name",
    "AWS::Backup::BackupVault": "BackupVaultName",
    "AWS::KMS::Alias": "AliasName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Events::EventBus": "Name",
    "AWS::AppSync::Api": "Name",
}
# what a name may carry to be told apart per region: the region itself, or (in the edge
# stack, always in us-east-1) the site stack's region parameter
REGION_MARKERS = {"AWS::Region", "SiteRegion"}


# --- the transform ----------------------------------------------------------------------------
def packaged(template: dict[str, Any]) -> dict[str, Any]:
    """The template as `sam package` leaves it: every local CodeUri is an S3 location."""
    result = copy.deepcopy(template)
    for name, resource in result["Resources"].items():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::Serverless::Function" and isinstance(
            properties.get("CodeUri"), str
        ):
            properties["CodeUri"] = f"s3://deploy-artifacts/{name}.zip"
    return result


def transform(template: dict[str, Any], parameters: dict[str, str], region: str) -> dict[str, Any]:
    """What CloudFormation makes of the SAM template (AWS's own translator, offline; it asks
    IAM for managed policies only when a template names them, which this one does not)."""
    import boto3
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    translator = Translator(None, Parser(), boto_session=boto3.Session(region_name=region))
    values = {**parameters, "AWS::Region": region, "AWS::AccountId": FAKE_ACCOUNT}
    return translator.translate(packaged(template), values, get_managed_policy_map=dict)  # type: ignore[no-any-return]


def lint_errors(template: dict[str, Any], region: str) -> list[str]:
    """cfn-lint's errors (not its warnings) on a plain CloudFormation template."""
    import json

    from cfnlint.api import lint
    from cfnlint.config import ManualArgs

    matches = lint(json.dumps(template), config=ManualArgs(regions=[region]))
    return [
        f"{m.rule.id} {m.message} ({'/'.join(str(p) for p in m.path or [])})"
        for m in matches
        if m.rule.id.startswith("E")
    ]


# --- the dependency graph -----------------------------------------------------------------------
def dependencies(template: dict[str, Any]) -> dict[str, set[str]]:
    """Which resources each resource waits for, as CloudFormation orders a create."""
    resources: dict[str, Any] = template["Resources"]
    graph: dict[str, set[str]] = {}
    for name, resource in resources.items():
        found: set[str] = set()
        for part in ("Properties", "UpdatePolicy", "CreationPolicy", "Metadata"):
            found |= set(cloudformation.referenced_names(resource.get(part, {})))
        depends_on = resource.get("DependsOn", [])
        found |= set([depends_on] if isinstance(depends_on, str) else depends_on)
        graph[name] = {n for n in found if n in resources}
    return graph


def cycle(template: dict[str, Any]) -> list[str] | None:
    """One dependency cycle (its resources, in order), or None."""
    try:
        TopologicalSorter(dependencies(template)).prepare()
    except CycleError as error:
        return list(error.args[1])
    return None


# --- names -------------------------------------------------------------------------------------
def _name(resource: dict[str, Any], path: str) -> Any:
    value: Any = resource.get("Properties", {})
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _mentions(value: Any, names: set[str]) -> bool:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and inner in names:
                return True
            if key == "Fn::Sub":
                text = inner if isinstance(inner, str) else inner[0]
                if any(f"${{{n}}}" in text for n in names):
                    return True
            if _mentions(inner, names):
                return True
    elif isinstance(value, list):
        return any(_mentions(inner, names) for inner in value)
    return False


def global_name_problems(template: dict[str, Any]) -> list[str]:
    problems = []
    for logical, resource in template["Resources"].items():
        path = GLOBAL_NAMES.get(resource["Type"])
        if path is None:
            continue
        if (
            resource["Type"] == "AWS::WAFv2::WebACL"
            and resource["Properties"].get("Scope") != "CLOUDFRONT"
        ):
            continue
        name = _name(resource, path)
        if name is not None and not _mentions(name, REGION_MARKERS):
            problems.append(
                f"{logical}: its {path} is account-wide and does not carry the region: "
                "the same environment in another region would collide with it"
            )
    return problems


def retained_name_problems(template: dict[str, Any]) -> list[str]:
    problems = []
    for logical, resource in template["Resources"].items():
        if resource.get("DeletionPolicy") not in ("Retain", "RetainExceptOnCreate"):
            continue
        path = NAMES.get(resource["Type"])
        name = _name(resource, path) if path else None
        if name is not None and not _mentions(name, {"AWS::StackId"}):
            problems.append(
                f"{logical}: retained with a fixed {path}: once the stack is deleted, the kept "
                "resource blocks creating it again"
            )
    return problems


# --- versions ----------------------------------------------------------------------------------
def _alias_version(transformed: dict[str, Any], function: str) -> str:
    resources = transformed["Resources"]
    (alias,) = [
        r
        for r in resources.values()
        if r["Type"] == "AWS::Lambda::Alias"
        and r["Properties"].get("FunctionName") == {"Ref": function}
    ]
    version = alias["Properties"]["FunctionVersion"]
    return str(version["Fn::GetAtt"][0])


def changed_value(spec: dict[str, Any], value: str) -> str:
    """Another valid value of a parameter, to see what a change does."""
    allowed = [str(v) for v in spec.get("AllowedValues", [])]
    if allowed:
        return next(v for v in allowed if v != value)
    if spec.get("Type") == "Number":
        number = int(float(value or 0))
        bigger = number + 64
        return str(bigger if bigger <= spec.get("MaxValue", bigger) else number - 64)
    return value + "-changed" if value else "changed@example.com"


def version_problems(
    template: dict[str, Any], parameters: dict[str, str], region: str, package: str = "0" * 64
) -> list[str]:
    """A change of configuration alone must move the live alias to a new version; a change of
    anything else must not (it would roll out a release for nothing)."""

    def version(values: dict[str, str]) -> str:
        given = values | {"ReleaseId": release.release_id(template, values, package)}
        return _alias_version(transform(template, given, region), release.FUNCTION)

    problems = []
    base = version(parameters)
    current = release.effective_parameters(template, parameters)
    specs: dict[str, Any] = template["Parameters"]
    configuration = release.function_parameters(template)
    for name in sorted(configuration):
        changed = parameters | {name: changed_value(specs[name], current.get(name, ""))}
        if version(changed) == base:
            problems.append(
                f"changing {name} alone keeps version {base}: the live alias would not see it"
            )
    for name in ("AlarmEmail",):
        if name in configuration:
            continue
        changed = parameters | {name: changed_value(specs[name], current.get(name, ""))}
        if version(changed) != base:
            problems.append(f"changing {name}, not the function's, publishes a new version")
    return problems


# --- the whole rehearsal -------------------------------------------------------------------------
def deploy_parameters(env_name: str) -> dict[str, str]:
    return environment(env_name).parameters | DEPLOY_PARAMETERS


def site_problems(template: dict[str, Any], env_name: str, region: str) -> Iterator[str]:
    parameters = deploy_parameters(env_name)
    where = f"{env_name} in {region}"
    try:
        transformed = transform(template, parameters, region)
    except Exception as error:  # the translator's own refusal is the finding
        yield f"{where}: SAM cannot transform the template: {error}"
        return
    yield from received_problems(transformed, region, where)


def received_problems(template: dict[str, Any], region: str, where: str) -> Iterator[str]:
    """What is wrong with a template as CloudFormation receives it."""
    for problem in lint_errors(template, region):
        yield f"{where}: cfn-lint: {problem}"
    found = cycle(template)
    if found:
        yield f"{where}: dependency cycle: {' -> '.join(found)}"
    for problem in global_name_problems(template) + retained_name_problems(template):
        yield f"{where}: {problem}"


def rehearse(
    template_path: Path, edge_path: Path, envs: tuple[str, ...], regions: tuple[str, ...]
) -> list[str]:
    template = cloudformation.load(template_path)
    problems: list[str] = []
    for env_name in envs:
        for region in regions:
            found = list(site_problems(template, env_name, region))
            print(f"{'ok  ' if not found else 'FAIL'} {env_name} in {region}", flush=True)
            problems += found
    versions = version_problems(template, deploy_parameters(envs[-1]), regions[0])
    print(f"{'ok  ' if not versions else 'FAIL'} configuration changes publish versions")
    problems += versions
    edge = list(received_problems(cloudformation.load(edge_path), "us-east-1", "edge"))
    print(f"{'ok  ' if not edge else 'FAIL'} edge ({edge_path.name})")
    return problems + edge


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--template", type=Path, default=cloudformation.TEMPLATE)
    parser.add_argument("--edge", type=Path, default=cloudformation.EDGE_TEMPLATE)
    parser.add_argument("--env", action="append", choices=ENVIRONMENTS)
    parser.add_argument("--region", action="append")
    args = parser.parse_args(argv)
    problems = rehearse(
        args.template,
        args.edge,
        tuple(args.env or ENVIRONMENTS),
        tuple(args.region or REGIONS),
    )
    for problem in problems:
        print(f"  {problem}")
    verdict = f"FAILED: {len(problems)} problems" if problems else "passed"
    print(f"deploy rehearsal {verdict}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
