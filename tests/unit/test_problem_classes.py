"""Every error a client can act on keeps the HTTP contract (DESIGN.md): a 503 or a 429
tells the client when to try again (Retry-After), whatever module raises it."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest

import app
from app.core.errors import AppError

# entry points: importing one sets up a process (Powertools, inline work); they define none
ENTRY_POINTS = frozenset(
    {
        "app.cli",
        "app.main",
        *(f"app.{kind}_handler" for kind in ("lambda", "jobs", "stream", "webhook")),
    }
)


def _all_subclasses(cls: type[AppError]) -> list[type[AppError]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_all_subclasses(sub)]
    return found


def _load_every_module() -> None:
    for module in pkgutil.walk_packages(app.__path__, prefix="app."):
        if module.name not in ENTRY_POINTS:
            importlib.import_module(module.name)


_load_every_module()
# what the classes that take arguments are made with here (each gives the header itself)
ARGUMENTS: dict[str, dict[str, Any]] = {
    "TooManyRequestsError": {"retry_after": 0},
    "TransactionThrottled": {"cancelled": None},
}
RETRY_LATER = [cls for cls in _all_subclasses(AppError) if cls.status in (429, 503)]


def test_the_classes_that_say_try_later_are_found() -> None:
    names = {cls.__name__ for cls in RETRY_LATER}
    assert {"DependencyUnavailableError", "OutcomeUnknownError", "ContentionError"} <= names


@pytest.mark.parametrize("error_class", RETRY_LATER, ids=lambda cls: cls.__name__)
def test_each_says_when_to_try_again(error_class: type[AppError]) -> None:
    try:
        error = error_class(**ARGUMENTS.get(error_class.__name__, {}))
    except TypeError:
        pytest.fail(f"{error_class.__name__} takes arguments: name some in ARGUMENTS")
    retry_after = error.headers.get("Retry-After")
    assert retry_after is not None, error_class
    assert int(retry_after) >= 1
