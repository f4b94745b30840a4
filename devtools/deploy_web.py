"""Upload the built web app to the stack's web bucket (under app/), after `sam deploy`.

    python -m devtools.deploy_web --stack catalog-dev --region eu-west-1
    (`make deploy` runs it after `sam deploy`: devtools/deploy.py)

Hashed assets (assets/*) are cached for a year and never deleted here: a browser that
still runs the previous index.html may ask for them. index.html and other unhashed files
are revalidated on every load; CloudFront is told to drop its copy of index.html.
"""

from __future__ import annotations

import argparse
import mimetypes
import sys
import time
from pathlib import Path
from typing import Any

from devtools import web

PREFIX = "app/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
SKIPPED = (".vite/", ".source-hash")
# the build's own compressed copies are for the local server; CloudFront compresses itself
COMPRESSED = (".br", ".gz")
TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}


def files_to_upload(dist: Path) -> list[tuple[Path, str, str, str]]:
    """(file, key, content type, cache control) for every file the site serves."""
    found = []
    for path in sorted(p for p in dist.rglob("*") if p.is_file()):
        relative = path.relative_to(dist).as_posix()
        if relative.startswith(SKIPPED) or relative.endswith(COMPRESSED):
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


def stack_outputs(stack: str, region: str) -> dict[str, str]:
    import boto3

    described = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=stack)
    return {o["OutputKey"]: o["OutputValue"] for o in described["Stacks"][0].get("Outputs", [])}


def publish(*, stack: str, region: str) -> int:
    """Upload the built web app to the stack's bucket and refresh CloudFront's index.html."""
    import boto3

    outputs = stack_outputs(stack, region)
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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stack", required=True)
    parser.add_argument("--region", required=True)
    args = parser.parse_args(argv)
    return publish(stack=args.stack, region=args.region)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
