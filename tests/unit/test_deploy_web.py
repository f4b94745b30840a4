"""What `make deploy` puts in the web bucket, and with which headers (moto's S3)."""

from __future__ import annotations

from pathlib import Path

import boto3
from moto import mock_aws

from devtools import deploy_web


def build(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / ".vite").mkdir()
    (dist / "index.html").write_text("<!doctype html>")
    (dist / "favicon.svg").write_text("<svg/>")
    (dist / "assets" / "index-abc.js").write_text("x")
    (dist / "assets" / "index-abc.css").write_text("x")
    (dist / ".vite" / "manifest.json").write_text("{}")
    (dist / ".source-hash").write_text("h")
    return dist


@mock_aws
def test_upload_puts_the_app_under_app_with_its_caching(tmp_path: Path) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="web")
    keys = deploy_web.upload(build(tmp_path), bucket="web", s3=s3)
    assert keys[-1] == "app/index.html"  # last: it names the others
    stored = {o["Key"] for o in s3.list_objects_v2(Bucket="web")["Contents"]}
    assert stored == {
        "app/index.html",
        "app/favicon.svg",
        "app/assets/index-abc.js",
        "app/assets/index-abc.css",
    }
    js = s3.head_object(Bucket="web", Key="app/assets/index-abc.js")
    assert (js["ContentType"], js["CacheControl"]) == ("text/javascript", deploy_web.IMMUTABLE)
    page = s3.head_object(Bucket="web", Key="app/index.html")
    assert (page["ContentType"], page["CacheControl"]) == ("text/html", "no-cache")
