"""The helper processes the dev tools start: clients for them, waiting, stopping."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from typing import Any


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate, wait, and kill if it will not go."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_serving(
    process: subprocess.Popen[bytes], ready: Callable[[], bool], *, name: str, timeout: float
) -> subprocess.Popen[bytes]:
    """Poll `ready` until it says yes; stop the process and raise if it dies or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode}")
        if ready():
            return process
        time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"{name} did not answer within {timeout:.0f} s")


def local_client(service: str, endpoint: str) -> Any:
    """A boto3 client for a local endpoint: dummy credentials, quick give-up."""
    import boto3
    from botocore.config import Config

    return boto3.client(  # type: ignore[call-overload]  # boto3-stubs overloads by literal name
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106
        config=Config(connect_timeout=0.5, read_timeout=2, retries={"max_attempts": 1}),
    )
