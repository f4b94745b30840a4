"""Blocking work runs on a worker thread under a server, inline under Lambda."""

from __future__ import annotations

import asyncio
import threading

import pytest

from app.http import blocking


def where() -> int:
    return threading.get_ident()


def test_on_a_worker_thread_by_default() -> None:
    async def run() -> tuple[int, int]:
        return threading.get_ident(), await blocking.blocking(where)

    loop_thread, work_thread = asyncio.run(run())
    assert loop_thread != work_thread


def test_inline_when_serving_one_request_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blocking, "_inline", False)
    blocking.serve_one_request_at_a_time()

    async def run() -> tuple[int, int]:
        return threading.get_ident(), await blocking.blocking(where)

    loop_thread, work_thread = asyncio.run(run())
    assert loop_thread == work_thread


def test_the_lambda_handler_switches_to_inline() -> None:
    """In a fresh interpreter, as a Lambda container starts."""
    import os
    import subprocess
    import sys

    env = dict(os.environ) | {"APP_ENV": "test", "JWT_SECRET": "s" * 40}
    probe = "import app.lambda_handler, app.http.blocking as b; print(b._inline)"
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"
