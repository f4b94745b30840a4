"""Stopping the helper processes the dev tools start."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable


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
