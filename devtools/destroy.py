"""`make destroy ENV=dev|staging|prod`: delete an environment's stacks, keeping its data.

1. The web bucket is emptied, every version of every object: it holds only the built web
   app (`make deploy` puts it back), and CloudFormation cannot delete a bucket that is not
   empty -- versioned, it never is by itself.
2. The site stack is deleted (`sam delete`). What holds data is kept on purpose
   (DeletionPolicy Retain): the table, the images and logs buckets, the signing keys'
   secret, the function and access log groups, the backup vault (RUNBOOK.md, "Teardown").
3. The edge stack in us-east-1, if there is one (the WAF and its logs go with it).

    .venv/bin/python -m devtools.destroy --env dev --region eu-west-1
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from typing import Any

from devtools import deploy

BATCH = 1000  # the most one DeleteObjects call takes


def empty_bucket(s3: Any, bucket: str) -> int:
    """Delete every version and delete marker in the bucket; how many were deleted. Each
    round lists the first BATCH (one DeleteObjects call) of what is left."""
    deleted = 0
    while True:
        page = s3.list_object_versions(Bucket=bucket, MaxKeys=BATCH)
        objects = [
            {"Key": entry["Key"], "VersionId": entry["VersionId"]}
            for kind in ("Versions", "DeleteMarkers")
            for entry in page.get(kind, [])
        ][:BATCH]
        if not objects:
            return deleted
        s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
        deleted += len(objects)


def sam_delete(stack: str, region: str) -> None:
    command = [str(deploy.SAM), "delete", "--stack-name", stack, "--region", region, "--no-prompts"]
    subprocess.run(command, check=True, env=dict(os.environ) | {"SAM_CLI_TELEMETRY": "0"})


def main(argv: list[str]) -> int:
    import boto3

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--env", default="dev")
    parser.add_argument("--region", default=os.environ.get("AWS_REGION"))
    args = parser.parse_args(argv)
    if not args.region:
        raise SystemExit("no region: pass --region or set AWS_REGION")
    env = deploy.environment(args.env)
    outputs = deploy.stack_outputs(
        boto3.client("cloudformation", region_name=args.region), env.stack_name
    )
    if outputs is None:
        print(f"{env.stack_name}: no such stack in {args.region}")
    else:
        bucket = outputs["WebBucketName"]
        count = empty_bucket(boto3.client("s3", region_name=args.region), bucket)
        print(f"web bucket {bucket}: {count} object versions deleted")
        sam_delete(env.stack_name, args.region)
    edge = env.edge_stack_name(args.region)
    edge_client = boto3.client("cloudformation", region_name=deploy.EDGE_REGION)
    if deploy.stack_outputs(edge_client, edge) is not None:
        sam_delete(edge, deploy.EDGE_REGION)
    print("Kept: the table, the images and logs buckets, the secrets and the log groups.")
    print("To remove them too, see docs/RUNBOOK.md, Teardown.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
