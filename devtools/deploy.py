"""`make deploy ENV=dev|staging|prod [ADMIN_EMAIL=...]`: one environment, end to end.

1. Checks before anything changes: a WAF for staging and prod, their mail settings, the
   sender verified in SES, room in the account's Lambda concurrency for what is reserved,
   the package being the one CI tested (`--expect-sha256`).
2. The edge stack (infra/edge.yaml: the WAF web ACL, its logs, the edge alarms) in
   us-east-1, where CloudFront-scope WAF lives, as `<stack>-<region>-edge`.
3. The site stack, with `sam deploy` of dist/catalog-lambda.zip as is, its parameters from
   infra/environments.toml plus ReleaseId (devtools/release.py: a configuration change
   publishes a new version) and the origin secret's current version.
4. In dev without PublicAppUrl, the site's own URL becomes it (a second, small update on the
   very first deploy: the URL exists only once the distribution does).
5. The web app into the web bucket; then the deployment's bootstrap, run by the function
   itself (app/bootstrap.py): the smoke-test store `make smoke` uses, and, with
   ADMIN_EMAIL, the first admin, invited by a password-reset mail (never a password in a
   parameter).

The region is the caller's (`--region`, else AWS_REGION); the alarm address is required
(`--alarm-email`, else ALARM_EMAIL).

    .venv/bin/python -m devtools.deploy --env staging --yes --expect-sha256 <digest>
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
ENVIRONMENTS = REPO / "infra" / "environments.toml"
TEMPLATE = REPO / "infra" / "template.yaml"
EDGE_TEMPLATE = REPO / "infra" / "edge.yaml"
PACKAGE = REPO / "dist" / "catalog-lambda.zip"
SAM = REPO / ".tools" / "aws-venv" / "bin" / "sam"
EDGE_REGION = "us-east-1"  # CloudFront-scope WAF, and CloudFront's metrics, live there
LAMBDA_UNRESERVED_MINIMUM = 10  # Lambda keeps this much of an account's quota unreserved
CAPABILITIES = ("CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND")


@dataclass(frozen=True)
class Environment:
    name: str
    stack_name: str
    smoke_origin: str
    waf: bool
    parameters: dict[str, str]

    def edge_stack_name(self, region: str) -> str:
        return f"{self.stack_name}-{region}-edge"


def environment(name: str) -> Environment:
    config = tomllib.loads(ENVIRONMENTS.read_text())
    if name not in config:
        raise SystemExit(f"no environment {name!r} in {ENVIRONMENTS.name}: {', '.join(config)}")
    entry = config[name]
    return Environment(
        name=name,
        stack_name=entry["stack_name"],
        smoke_origin=entry["smoke_origin"],
        waf=bool(entry.get("waf", False)),
        parameters={key: str(value) for key, value in entry["parameters"].items()},
    )


def refusals(env: Environment) -> list[str]:
    """What stops a deploy before anything is touched (the template's Rules say the same)."""
    problems = []
    if env.name != "dev" and not env.waf:
        problems.append(
            f"{env.name} without a WAF: set `waf = true` for it in {ENVIRONMENTS.name} "
            "(only dev may run without one)"
        )
    if env.name != "dev":
        for key in ("MailFrom", "PublicAppUrl"):
            if not env.parameters.get(key):
                problems.append(f"{env.name} needs {key} in {ENVIRONMENTS.name}")
    return problems


def sam_deploy_command(
    *,
    template: Path,
    stack_name: str,
    region: str,
    parameters: dict[str, str],
    tags: dict[str, str],
    confirm: bool,
) -> list[str]:
    return [
        str(SAM),
        "deploy",
        "--template-file",
        str(template),
        "--stack-name",
        stack_name,
        "--region",
        region,
        "--capabilities",
        *CAPABILITIES,
        "--resolve-s3",
        "--no-fail-on-empty-changeset",
        *([] if confirm else ["--no-confirm-changeset"]),
        "--parameter-overrides",
        *(f"{key}={value}" for key, value in sorted(parameters.items())),
        "--tags",
        *(f"{key}={value}" for key, value in tags.items()),
    ]


def checked_package(expected: str | None) -> str:
    if not PACKAGE.exists():
        raise SystemExit(f"{PACKAGE.relative_to(REPO)} is missing: run `make package`")
    digest = hashlib.sha256(PACKAGE.read_bytes()).hexdigest()
    if expected and digest != expected:
        raise SystemExit(f"the package is {digest}, not the {expected} that was tested")
    return digest


def sender_problem(ses: Any, mail_from: str, region: str) -> str | None:
    """None when SES may send as `mail_from` (the address or its domain is verified)."""
    address = parseaddr(mail_from)[1]
    if "@" not in address:
        return f"MailFrom {mail_from!r} has no e-mail address"
    for identity in (address, address.rsplit("@", 1)[1]):
        try:
            found = ses.get_email_identity(EmailIdentity=identity)
        except ses.exceptions.NotFoundException:
            continue
        if found.get("VerifiedForSendingStatus"):
            return None
    return (
        f"neither {address} nor its domain is a verified SES identity in {region}: verify one "
        "(RUNBOOK.md, 'First deploy'), or mail will not leave"
    )


def concurrency_problem(lambda_client: Any, reserved: int) -> str | None:
    """None when the account can reserve `reserved` and keep Lambda's unreserved minimum."""
    if reserved <= 0:
        return None
    limits = lambda_client.get_account_settings()["AccountLimit"]
    unreserved = int(limits["UnreservedConcurrentExecutions"])
    if unreserved - reserved >= LAMBDA_UNRESERVED_MINIMUM:
        return None
    return (
        f"ReservedConcurrency {reserved} does not fit: the account has "
        f"{limits['ConcurrentExecutions']} in all, {unreserved} unreserved, and Lambda keeps "
        f"{LAMBDA_UNRESERVED_MINIMUM} unreserved; ask for a higher quota (Service Quotas) or "
        "lower ReservedConcurrency"
    )


def stack_outputs(cloudformation: Any, stack: str) -> dict[str, str] | None:
    """A stack's outputs, or None when it does not exist (yet)."""
    try:
        described = cloudformation.describe_stacks(StackName=stack)
    except cloudformation.exceptions.ClientError as error:
        if "does not exist" in str(error):
            return None
        raise
    return {o["OutputKey"]: o["OutputValue"] for o in described["Stacks"][0].get("Outputs", [])}


def secret_version(secrets: Any, secret_id: str | None) -> str:
    """The origin secret's current version id (CloudFront's header follows it), or ''."""
    if not secret_id:
        return ""
    versions = secrets.describe_secret(SecretId=secret_id).get("VersionIdsToStages", {})
    return next((v for v, stages in versions.items() if "AWSCURRENT" in stages), "")


LIVE_KEY_DAYS = 364  # AppSync API keys last at most 365 days


def live_key_expiry(now: float) -> int:
    """When the live-stock API key is to expire: LIVE_KEY_DAYS from now, on the hour (as
    AppSync wants). Every deploy extends it, so a stack deployed once a year never sees its
    subscribers refused."""
    return int((now + LIVE_KEY_DAYS * 86_400) // 3600 * 3600)


def site_parameters(
    env: Environment,
    *,
    alarm_email: str,
    web_acl_arn: str,
    existing: dict[str, str] | None,
    origin_secret_version: str,
    package_sha256: str,
) -> dict[str, str]:
    from devtools import cloudformation, release

    parameters = env.parameters | {"AlarmEmail": alarm_email}
    if web_acl_arn:
        parameters["WebAclArn"] = web_acl_arn
    if origin_secret_version:
        parameters["OriginSecretVersion"] = origin_secret_version
    if not parameters.get("PublicAppUrl") and existing and existing.get("SiteUrl"):
        parameters["PublicAppUrl"] = existing["SiteUrl"]
    parameters["LiveKeyExpires"] = str(live_key_expiry(time.time()))
    template = cloudformation.load(TEMPLATE)
    parameters["ReleaseId"] = release.release_id(template, parameters, package_sha256)
    return parameters


def bootstrap(lambda_client: Any, function: str, admin_email: str | None) -> dict[str, Any]:
    """Run the deployment's bootstrap in the function itself (app/bootstrap.py)."""
    event = {"operation": "bootstrap", "admin_email": admin_email}
    answer = lambda_client.invoke(FunctionName=function, Payload=json.dumps(event).encode())
    payload = answer["Payload"].read()
    if answer.get("FunctionError"):
        raise SystemExit(f"the bootstrap failed: {payload[:500]!r}")
    return json.loads(payload)  # type: ignore[no-any-return]


def run(command: list[str]) -> None:
    subprocess.run(command, check=True, env=dict(os.environ) | {"SAM_CLI_TELEMETRY": "0"})


@dataclass
class Deployment:
    """One `make deploy`: the environment, where, and the AWS clients it talks to."""

    env: Environment
    region: str
    alarm_email: str
    package_sha256: str
    confirm: bool
    clients: Any  # boto3: a function of (service, region)

    @property
    def tags(self) -> dict[str, str]:
        return {"project": "catalog", "environment": self.env.name}

    def client(self, service: str, region: str | None = None) -> Any:
        return self.clients(service, region_name=region or self.region)

    def check_account(self) -> None:
        mail_from = self.env.parameters.get("MailFrom", "")
        reserved = int(self.env.parameters.get("ReservedConcurrency", 0))
        problems = [
            sender_problem(self.client("sesv2"), mail_from, self.region) if mail_from else None,
            concurrency_problem(self.client("lambda"), reserved),
        ]
        found = [p for p in problems if p]
        if found:
            raise SystemExit("not deploying: " + "; ".join(found))

    def edge(self, distribution_id: str) -> str:
        """The edge stack in us-east-1; its web ACL's ARN."""
        stack = self.env.edge_stack_name(self.region)
        parameters = {
            "SiteStack": self.env.stack_name,
            "SiteRegion": self.region,
            "AlarmEmail": self.alarm_email,
            "LogRetentionDays": self.env.parameters.get("LogRetentionDays", "30"),
            "DistributionId": distribution_id,
        }
        print(f"edge: {stack} in {EDGE_REGION}")
        run(
            sam_deploy_command(
                template=EDGE_TEMPLATE,
                stack_name=stack,
                region=EDGE_REGION,
                parameters=parameters,
                tags=self.tags,
                confirm=self.confirm,
            )
        )
        outputs = stack_outputs(self.client("cloudformation", EDGE_REGION), stack) or {}
        return outputs["WebAclArn"]

    def site(self, env: Environment, web_acl_arn: str, existing: dict[str, str] | None) -> None:
        secret = secret_version(
            self.client("secretsmanager"), (existing or {}).get("OriginSecretArn")
        )
        parameters = site_parameters(
            env,
            alarm_email=self.alarm_email,
            web_acl_arn=web_acl_arn,
            existing=existing,
            origin_secret_version=secret,
            package_sha256=self.package_sha256,
        )
        print(f"site: {env.stack_name} in {self.region} (release {parameters['ReleaseId'][:10]})")
        run(
            sam_deploy_command(
                template=TEMPLATE,
                stack_name=env.stack_name,
                region=self.region,
                parameters=parameters,
                tags=self.tags,
                confirm=self.confirm,
            )
        )

    def outputs(self) -> dict[str, str]:
        return stack_outputs(self.client("cloudformation"), self.env.stack_name) or {}

    def run(self, admin_email: str | None) -> int:
        env = self.env
        self.check_account()
        existing = stack_outputs(self.client("cloudformation"), env.stack_name)
        distribution = (existing or {}).get("SiteDistributionId", "")
        web_acl_arn = self.edge(distribution) if env.waf else ""
        self.site(env, web_acl_arn, existing)
        outputs = self.outputs()
        if not env.parameters.get("PublicAppUrl") and not (existing or {}).get("SiteUrl"):
            # dev's first deploy: the site has a URL only now; mail links lead there
            print(f"site: mail links will lead to {outputs['SiteUrl']}")
            self.site(env, web_acl_arn, outputs)
        if env.waf and distribution != outputs["SiteDistributionId"]:
            print("edge: adding the CloudFront alarm, now that the distribution exists")
            self.edge(outputs["SiteDistributionId"])

        from devtools import deploy_web

        deploy_web.publish(stack=env.stack_name, region=self.region)
        done = bootstrap(self.client("lambda"), outputs["LiveAlias"], admin_email)
        for line in done.get("report", []):
            print(f"bootstrap: {line}")
        print(f"deployed: {outputs['SiteUrl']}/app/ (Swagger UI: {outputs['SiteUrl']}/docs)")
        return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--env", default="dev")
    parser.add_argument("--region", default=os.environ.get("AWS_REGION"))
    parser.add_argument("--alarm-email", default=os.environ.get("ALARM_EMAIL"))
    parser.add_argument(
        "--admin-email",
        default=os.environ.get("ADMIN_EMAIL") or None,
        help="the first admin: created (or found) and invited by a password-reset mail",
    )
    parser.add_argument("--yes", action="store_true", help="no change-set confirmation (CI)")
    parser.add_argument("--expect-sha256", help="the package digest CI built and tested")
    args = parser.parse_args(argv)
    if not args.region:
        raise SystemExit("no region: pass --region or set AWS_REGION")
    if not args.alarm_email:
        raise SystemExit("no alarm address: pass --alarm-email or set ALARM_EMAIL")
    env = environment(args.env)
    problems = refusals(env)
    if problems:
        raise SystemExit("not deploying: " + "; ".join(problems))
    digest = checked_package(args.expect_sha256)
    print(f"deploying {PACKAGE.name} (sha256 {digest}) to {env.stack_name} in {args.region}")
    import boto3

    deployment = Deployment(
        env=env,
        region=args.region,
        alarm_email=args.alarm_email,
        package_sha256=digest,
        confirm=not args.yes,
        clients=boto3.client,
    )
    return deployment.run(args.admin_email)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
