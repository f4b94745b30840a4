"""Environments (infra/environments.toml) and what `make deploy ENV=...` runs for them."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

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
    env = deploy.environment("staging")
    command = deploy.sam_deploy_command(
        template=deploy.TEMPLATE,
        stack_name=env.stack_name,
        region="eu-central-1",
        parameters=env.parameters | {"AlarmEmail": "ops@example.com"},
        tags={"project": "catalog", "environment": "staging"},
        confirm=False,
    )
    text = " ".join(command)
    assert "--stack-name catalog-staging" in text
    assert "--region eu-central-1" in text
    assert "AlarmEmail=ops@example.com" in command
    assert "--no-confirm-changeset" in command
    # TenantRole has a name of its own: CloudFormation wants the named-IAM capability
    capabilities = command[command.index("--capabilities") + 1 : command.index("--resolve-s3")]
    assert capabilities == ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
    assert command[command.index("--tags") + 1 :] == ["project=catalog", "environment=staging"]


def test_staging_and_prod_refuse_to_go_without_a_waf_or_mail() -> None:
    for name in NAMES:
        assert deploy.refusals(deploy.environment(name)) == []
    prod = deploy.environment("prod")
    no_waf = replace(prod, waf=False)
    assert "prod without a WAF" in deploy.refusals(no_waf)[0]
    no_mail = replace(prod, parameters=prod.parameters | {"MailFrom": ""})
    assert deploy.refusals(no_mail) == ["prod needs MailFrom in environments.toml"]
    dev = deploy.environment("dev")
    assert not dev.waf
    assert deploy.refusals(dev) == []  # dev may save the WAF's cost


class FakeSes:
    class exceptions:  # noqa: N801 - as botocore names them
        class NotFoundException(Exception):  # noqa: N818 - botocore's name
            pass

    def __init__(self, verified: dict[str, bool]) -> None:
        self.verified = verified

    def get_email_identity(self, EmailIdentity: str) -> dict[str, Any]:  # noqa: N803
        if EmailIdentity not in self.verified:
            raise self.exceptions.NotFoundException(EmailIdentity)
        return {"VerifiedForSendingStatus": self.verified[EmailIdentity]}


def test_the_sender_must_be_verified_in_ses() -> None:
    sender = "Shop <no-reply@shop.example.com>"
    assert deploy.sender_problem(FakeSes({"shop.example.com": True}), sender, "eu-west-1") is None
    assert deploy.sender_problem(FakeSes({"no-reply@shop.example.com": True}), sender, "x") is None
    problem = deploy.sender_problem(FakeSes({"shop.example.com": False}), sender, "eu-west-1")
    assert problem is not None
    assert "no-reply@shop.example.com" in problem
    assert "eu-west-1" in problem
    assert (
        deploy.sender_problem(FakeSes({}), "nobody", "x")
        == "MailFrom 'nobody' has no e-mail address"
    )


class FakeLambdaSettings:
    def __init__(self, total: int, unreserved: int) -> None:
        self.limits = {"ConcurrentExecutions": total, "UnreservedConcurrentExecutions": unreserved}

    def get_account_settings(self) -> dict[str, Any]:
        return {"AccountLimit": self.limits}


def test_reserved_concurrency_must_fit_the_account() -> None:
    """A new account's quota is 10, all of which Lambda keeps unreserved."""
    assert deploy.concurrency_problem(FakeLambdaSettings(10, 10), 0) is None
    problem = deploy.concurrency_problem(FakeLambdaSettings(10, 10), 1)
    assert problem is not None
    assert "Service Quotas" in problem
    assert deploy.concurrency_problem(FakeLambdaSettings(1000, 1000), 200) is None
    assert deploy.concurrency_problem(FakeLambdaSettings(1000, 205), 200) is not None


# --- one whole `make deploy`, with AWS replaced by fakes that remember -----------------------
class FakeAws:
    """The AWS calls `make deploy` makes, answered as a new account would; `sam deploy`
    and the web upload are recorded, not run."""

    def __init__(self) -> None:
        self.stacks: dict[str, dict[str, str]] = {}
        self.deployed: list[tuple[str, str, dict[str, str]]] = []
        self.invoked: list[dict[str, Any]] = []

    def __call__(self, service: str, region_name: str) -> Any:
        return _Client(self, service, region_name)

    def sam_deploy(self, command: list[str]) -> None:
        stack = command[command.index("--stack-name") + 1]
        region = command[command.index("--region") + 1]
        start = command.index("--parameter-overrides") + 1
        pairs = command[start : command.index("--tags")]
        parameters = dict(pair.split("=", 1) for pair in pairs)
        self.deployed.append((stack, region, parameters))
        if stack.endswith("-edge"):
            self.stacks[stack] = {"WebAclArn": "arn:aws:wafv2:us-east-1:1:global/webacl/x/1"}
        else:
            self.stacks[stack] = {
                "SiteUrl": "https://d111.cloudfront.net",
                "SiteDistributionId": "E111",
                "OriginSecretArn": "arn:secret:origin",
                "LiveAlias": f"arn:aws:lambda:{region}:1:function:catalog:live",
            }


class _Client:
    def __init__(self, aws: FakeAws, service: str, region: str) -> None:
        self.aws, self.service, self.region = aws, service, region

    class exceptions:  # noqa: N801
        class ClientError(Exception):
            pass

        class NotFoundException(Exception):  # noqa: N818 - botocore's name
            pass

    def describe_stacks(self, StackName: str) -> dict[str, Any]:  # noqa: N803
        if StackName not in self.aws.stacks:
            raise self.exceptions.ClientError(f"Stack with id {StackName} does not exist")
        outputs = [
            {"OutputKey": k, "OutputValue": v} for k, v in self.aws.stacks[StackName].items()
        ]
        return {"Stacks": [{"Outputs": outputs}]}

    def get_email_identity(self, EmailIdentity: str) -> dict[str, Any]:  # noqa: N803
        return {"VerifiedForSendingStatus": True}

    def get_account_settings(self) -> dict[str, Any]:
        return {
            "AccountLimit": {"ConcurrentExecutions": 1000, "UnreservedConcurrentExecutions": 1000}
        }

    def describe_secret(self, SecretId: str) -> dict[str, Any]:  # noqa: N803
        return {"VersionIdsToStages": {"v-old": ["AWSPREVIOUS"], "v-now": ["AWSCURRENT"]}}

    def invoke(self, FunctionName: str, Payload: bytes) -> dict[str, Any]:  # noqa: N803
        self.aws.invoked.append({"function": FunctionName, **json.loads(Payload)})
        return {"Payload": io.BytesIO(b'{"report": ["smoke-test store: created"]}')}


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> FakeAws:
    from devtools import deploy_web

    fake = FakeAws()
    monkeypatch.setattr(deploy, "run", fake.sam_deploy)
    monkeypatch.setattr(deploy_web, "publish", lambda **_: 0)
    return fake


def deployment(name: str, aws: FakeAws) -> deploy.Deployment:
    return deploy.Deployment(
        env=deploy.environment(name),
        region="eu-west-1",
        alarm_email="ops@example.com",
        package_sha256="a" * 64,
        confirm=False,
        clients=aws,
    )


def test_a_first_dev_deploy(aws: FakeAws) -> None:
    """No WAF; the site twice (the second time with its own URL for mailed links, and so a
    new version); then the bootstrap, with the first admin."""
    assert deployment("dev", aws).run("owner@example.com") == 0
    stacks = [(stack, region) for stack, region, _ in aws.deployed]
    assert stacks == [("catalog-dev", "eu-west-1"), ("catalog-dev", "eu-west-1")]
    first, second = (parameters for _, _, parameters in aws.deployed)
    assert "PublicAppUrl" not in first
    assert "WebAclArn" not in first
    assert second["PublicAppUrl"] == "https://d111.cloudfront.net"
    assert second["OriginSecretVersion"] == "v-now"
    assert first["ReleaseId"] != second["ReleaseId"]  # the URL reaches the live version
    assert aws.invoked == [
        {
            "function": "arn:aws:lambda:eu-west-1:1:function:catalog:live",
            "operation": "bootstrap",
            "admin_email": "owner@example.com",
        }
    ]
    # a later deploy of the same package and settings: one update, the same version
    aws.deployed.clear()
    assert deployment("dev", aws).run(None) == 0
    ((_, _, again),) = aws.deployed
    assert again["ReleaseId"] == second["ReleaseId"]


def test_a_first_prod_deploy(aws: FakeAws) -> None:
    """The edge in us-east-1 first; the site with its web ACL; the edge again, now with the
    distribution its CloudFront alarm watches."""
    assert deployment("prod", aws).run(None) == 0
    order = [(stack, region) for stack, region, _ in aws.deployed]
    assert order == [
        ("catalog-prod-eu-west-1-edge", "us-east-1"),
        ("catalog-prod", "eu-west-1"),
        ("catalog-prod-eu-west-1-edge", "us-east-1"),
    ]
    edge, site, edge_again = (parameters for _, _, parameters in aws.deployed)
    assert edge["SiteRegion"] == "eu-west-1"
    assert edge["DistributionId"] == ""
    assert site["WebAclArn"] == "arn:aws:wafv2:us-east-1:1:global/webacl/x/1"
    assert site["PublicAppUrl"] == "https://shop.example.com"
    assert edge_again["DistributionId"] == "E111"
    assert aws.invoked[0]["admin_email"] is None


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


def test_every_deploy_extends_the_live_stock_key_to_almost_a_year_on_the_hour() -> None:
    now = 1_796_556_000.5  # 2026-12-06, mid-hour
    expiry = deploy.live_key_expiry(now)
    assert expiry % 3600 == 0
    assert 363 * 86_400 < expiry - now <= 364 * 86_400  # AppSync takes 1 to 365 days


def test_the_live_key_expiry_does_not_make_a_new_function_version() -> None:
    """A key extended at each deploy must not publish a version (and a canary) each time."""
    from devtools import cloudformation, release

    template = cloudformation.load(deploy.TEMPLATE)
    assert "LiveKeyExpires" not in release.function_parameters(template)
