"""`make deploy ENV=dev|staging|prod`: deploy the Lambda package CI built (or `make package`
made) and the web app to one environment's stack.

The environment's stack name and parameters are in infra/environments.toml; the region is
the caller's (`--region`, else AWS_REGION: the pipeline sets it from vars.AWS_REGION); the
alarm address is required (`--alarm-email`, else ALARM_EMAIL). `sam deploy` uploads
dist/catalog-lambda.zip as is, so what is deployed is byte for byte what was built and
tested; `--expect-sha256` refuses any other.

    .venv/bin/python -m devtools.deploy --env staging --yes --expect-sha256 <digest>
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENVIRONMENTS = REPO / "infra" / "environments.toml"
PACKAGE = REPO / "dist" / "catalog-lambda.zip"
SAM = REPO / ".tools" / "aws-venv" / "bin" / "sam"


@dataclass(frozen=True)
class Environment:
    name: str
    stack_name: str
    smoke_origin: str
    parameters: dict[str, str]


def environment(name: str) -> Environment:
    config = tomllib.loads(ENVIRONMENTS.read_text())
    if name not in config:
        raise SystemExit(f"no environment {name!r} in {ENVIRONMENTS.name}: {', '.join(config)}")
    entry = config[name]
    return Environment(
        name=name,
        stack_name=entry["stack_name"],
        smoke_origin=entry["smoke_origin"],
        parameters={key: str(value) for key, value in entry["parameters"].items()},
    )


def sam_deploy_command(
    env: Environment, *, region: str, alarm_email: str, confirm: bool
) -> list[str]:
    overrides = {**env.parameters, "AlarmEmail": alarm_email}
    return [
        str(SAM),
        "deploy",
        "--template-file",
        str(REPO / "infra" / "template.yaml"),
        "--stack-name",
        env.stack_name,
        "--region",
        region,
        "--capabilities",
        "CAPABILITY_IAM",
        "CAPABILITY_AUTO_EXPAND",
        "--resolve-s3",
        "--no-fail-on-empty-changeset",
        *([] if confirm else ["--no-confirm-changeset"]),
        "--parameter-overrides",
        *(f"{key}={value}" for key, value in sorted(overrides.items())),
        "--tags",
        "project=catalog",
        f"environment={env.name}",
    ]


def checked_package(expected: str | None) -> str:
    if not PACKAGE.exists():
        raise SystemExit(f"{PACKAGE.relative_to(REPO)} is missing: run `make package`")
    digest = hashlib.sha256(PACKAGE.read_bytes()).hexdigest()
    if expected and digest != expected:
        raise SystemExit(f"the package is {digest}, not the {expected} that was tested")
    return digest


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--env", default="dev")
    parser.add_argument("--region", default=os.environ.get("AWS_REGION"))
    parser.add_argument("--alarm-email", default=os.environ.get("ALARM_EMAIL"))
    parser.add_argument("--yes", action="store_true", help="no change-set confirmation (CI)")
    parser.add_argument("--expect-sha256", help="the package digest CI built and tested")
    args = parser.parse_args(argv)
    if not args.region:
        raise SystemExit("no region: pass --region or set AWS_REGION")
    if not args.alarm_email:
        raise SystemExit("no alarm address: pass --alarm-email or set ALARM_EMAIL")
    env = environment(args.env)
    digest = checked_package(args.expect_sha256)
    print(f"deploying {PACKAGE.name} (sha256 {digest}) to {env.stack_name} in {args.region}")
    command = sam_deploy_command(
        env, region=args.region, alarm_email=args.alarm_email, confirm=not args.yes
    )
    subprocess.run(command, check=True, env=dict(os.environ) | {"SAM_CLI_TELEMETRY": "0"})
    from devtools import deploy_web

    return deploy_web.publish(stack=env.stack_name, region=args.region)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
