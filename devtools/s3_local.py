"""A local S3 for development: moto's server mode (in memory: images last as long as it runs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from devtools import processes


def _client(endpoint: str) -> Any:
    return processes.local_client("s3", endpoint)


def is_serving(endpoint: str) -> bool:
    try:
        _client(endpoint).list_buckets()
    except Exception:
        return False
    return True


def start(port: int, *, log_path: Path | None = None) -> subprocess.Popen[bytes]:
    """A local S3 on port `port`, once it answers."""
    return until_serving(launch(port, log_path=log_path), port)


def launch(port: int, *, log_path: Path | None = None) -> subprocess.Popen[bytes]:
    """Start moto's server on 127.0.0.1:`port` without waiting for it to answer."""
    output = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    return processes.start_child(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=output,
        stderr=subprocess.STDOUT,
    )


def until_serving(process: subprocess.Popen[bytes], port: int) -> subprocess.Popen[bytes]:
    """`process`, once the S3 it runs answers on `port`."""
    endpoint = f"http://127.0.0.1:{port}"
    return processes.wait_until_serving(
        process, lambda: is_serving(endpoint), name=f"moto server on {endpoint}", timeout=30
    )


def bucket_names(endpoint: str) -> set[str]:
    buckets = _client(endpoint).list_buckets().get("Buckets", [])
    return {bucket["Name"] for bucket in buckets}


def ensure_bucket(endpoint: str, bucket: str) -> None:
    if bucket not in bucket_names(endpoint):
        _client(endpoint).create_bucket(Bucket=bucket)
