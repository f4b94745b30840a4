"""The API under uvicorn in a child process, for the browser tests and `make screenshots`
(`make run` runs uvicorn in the foreground itself)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx


def command(port: int) -> list[str]:
    """uvicorn serving the app on 127.0.0.1 only. No proxy headers: nothing stands in front
    of it, so an X-Forwarded-For is the client's own word (uvicorn believes it from
    127.0.0.1 by default, which would hand every spoofed address a fresh log-in budget)."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "app.main:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-proxy-headers",
    ]


def start(env: dict[str, str], port: int, *, log_path: Path) -> subprocess.Popen[bytes]:
    """uvicorn on 127.0.0.1:port with the given environment; returns once /health is 200."""
    with log_path.open("ab") as output:
        process = subprocess.Popen(command(port), env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API server exited with {process.returncode}: see {log_path}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"the API server did not become healthy: see {log_path}")
