"""Running blocking work (boto3 calls) from async routes.

Under a server that serves many requests at once (uvicorn), blocking work goes to a worker
thread so the event loop keeps serving. A Lambda process serves one request at a time, so
there the hop buys nothing and costs the most of any step of a warm request (measured in
bench/warm_path.py): the handler switches to running it inline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from starlette.concurrency import run_in_threadpool

P = ParamSpec("P")
T = TypeVar("T")

_inline = False


def serve_one_request_at_a_time() -> None:
    """Run blocking work inline from now on (Lambda: one request per process at a time)."""
    global _inline  # noqa: PLW0603 - a process-wide mode, set once at start-up
    _inline = True


async def blocking(func: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    if _inline:
        return func(*args, **kwargs)
    return await run_in_threadpool(func, *args, **kwargs)
