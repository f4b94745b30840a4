"""`make destroy`: a versioned web bucket is emptied, every version and delete marker, so
that CloudFormation can delete it (it refuses a bucket that is not empty)."""

from __future__ import annotations

import pytest
from moto import mock_aws

from devtools import destroy


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def test_every_version_and_delete_marker_goes(
    aws_credentials: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3

    monkeypatch.setattr(destroy, "BATCH", 100)  # S3's 1,000, scaled down with the objects

    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-1")
        bucket = "catalog-dev-web"
        s3.create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        for build in range(3):  # three deploys of the web app
            s3.put_object(Bucket=bucket, Key="app/index.html", Body=f"build {build}".encode())
        for n in range(120):  # more than one DeleteObjects call's worth
            s3.put_object(Bucket=bucket, Key=f"app/assets/{n}.js", Body=b"x")
        s3.delete_object(Bucket=bucket, Key="app/assets/0.js")  # a delete marker
        assert destroy.empty_bucket(s3, bucket) == 3 + 120 + 1
        listing = s3.list_object_versions(Bucket=bucket)
        assert "Versions" not in listing
        assert "DeleteMarkers" not in listing
        s3.delete_bucket(Bucket=bucket)  # what CloudFormation will now manage
