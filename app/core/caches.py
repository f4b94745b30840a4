"""What a process keeps between requests, in one registry.

A Lambda container serves many requests, and some things are worth keeping from one to
the next: the settings, the AWS clients, the stores, how many stock buckets each product
has, which products' purchases collide. Each module that keeps such a thing registers how
to forget it here, so `reset()` forgets everything at once: tests call it when they change
the settings (new environment variables, a new table), instead of knowing every cache.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

_forgetters: dict[str, Callable[[], None]] = {}

F = TypeVar("F", bound=Callable[[], None])


def register(name: str, forget: Callable[[], None]) -> None:
    """`forget` empties the cache called `name` (a module's, e.g. "stores.resolution")."""
    _forgetters[name] = forget


def names() -> list[str]:
    return sorted(_forgetters)


def reset() -> None:
    """Forget everything every registered cache holds."""
    for forget in list(_forgetters.values()):
        forget()
