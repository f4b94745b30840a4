"""Upload the built web app to the stack's web bucket (under app/), after `sam deploy`.

    python -m devtools.deploy_web --config-env default   # what `make deploy` runs

Hashed assets (assets/*) are cached for a year and never deleted here: a browser that
still runs the previous index.html may ask for them. index.html and other unhashed files
are revalidated on every load; CloudFront is told to drop its copy of index.html.
"""

from __future__ import annotations

import argparse
import mimetypes
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

from devtools import web

PREFIX = "app/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
SKIPPED = (".vite/", ".source-hash")
TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}


def files_to_upload(dist: Path) -> list[tuple[Path, str, str, str]]:
    """(file, key, content type, cache control) for every file the site serves."""
    found = []
    for path in sorted(p for p in dist.rglob("*") if p.is_file()):
        relative = path.relative_to(dist).as_posix()
        if relative.startswith(SKIPPED):
            continue
        content_type = TYPES.get(path.suffix) or (
            mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        cache = IMMUTABLE if relative.startswith("assets/") else REVALIDATE
        found.append((path, PREFIX + relative, content_type, cache))
    return found


def upload(dist: Path, *, bucket: str, s3: Any) -> list[str]:
    """Hashed assets first, index.html last: no page ever names a file not yet there."""
    plan = sorted(files_to_upload(dist), key=lambda f: f[1] == PREFIX + "index.html")
    for path, key, content_type, cache in plan:
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=path.read_bytes(),
            ContentType=content_type,
            CacheControl=cache,
        )
    return [key for _, key, _, _ in plan]


def stack_settings(config_env: str) -> tuple[str, str]:
    """The stack name and region `sam deploy --config-env` uses."""
    config = tomllib.loads((web.REPO / "infra" / "samconfig.toml").read_text())
    deploy = config.get(config_env, {}).get("deploy", {}).get("parameters", {})
    default = config.get("default", {})
    name = deploy.get("stack_name") or default.get("global", {}).get("parameters", {})["stack_name"]
    region = deploy.get("region") or default["deploy"]["parameters"]["region"]
    return str(name), str(region)


def main(argv: list[str]) -> int:
    import boto3

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config-env", default="default")
    args = parser.parse_args(argv)
    stack, region = stack_settings(args.config_env)
    outputs = {
        o["OutputKey"]: o["OutputValue"]
        for o in boto3.client("cloudformation", region_name=region)
        .describe_stacks(StackName=stack)["Stacks"][0]
        .get("Outputs", [])
    }
    keys = upload(
        web.DIST, bucket=outputs["WebBucketName"], s3=boto3.client("s3", region_name=region)
    )
    boto3.client("cloudfront").create_invalidation(
        DistributionId=outputs["SiteDistributionId"],
        InvalidationBatch={
            "Paths": {"Quantity": 2, "Items": ["/app/index.html", "/app/"]},
            "CallerReference": str(time.time()),
        },
    )
    print(f"web app: {len(keys)} files in s3://{outputs['WebBucketName']}/{PREFIX}")
    print(f"site: {outputs['SiteUrl']}/app/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
