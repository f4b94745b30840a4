"""The helper processes the dev tools start: clients for them, waiting, stopping."""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any


def stop(
    process: subprocess.Popen[bytes], *, grace: float = 10, first: int = signal.SIGTERM
) -> None:
    """Ask it to stop (SIGTERM, or `first`), wait `grace` seconds, then kill."""
    if process.poll() is None:
        process.send_signal(first)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_PR_SET_PDEATHSIG = 1
# resolved now, not in a forked child (which must not import or take locks)
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def die_with_parent() -> None:
    """Ask Linux to send this process SIGTERM when its parent dies (PR_SET_PDEATHSIG), so
    nothing keeps running when whatever started it is gone. A no-op elsewhere. Safe as a
    Popen preexec_fn: it makes one system call."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def start_child(command: list[str], **options: Any) -> subprocess.Popen[bytes]:
    """A server this process owns: in a process group of its own, so that a Ctrl-C in the
    terminal reaches only its owner, which stops its children in order, each signalled
    once (the API, whose shutdown then runs, before the databases it reads); and stopped
    by Linux should its owner die (`die_with_parent`)."""
    return subprocess.Popen(
        command,
        process_group=0,
        preexec_fn=die_with_parent,  # noqa: PLW1509 - one prctl(2), no locks
        **options,
    )


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


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL, and reap."""
    process.kill()
    process.wait()
