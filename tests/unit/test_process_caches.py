"""Every cache a process keeps between requests can be forgotten through one call,
`app.core.caches.reset()`: tests change the settings and call it, and must not need to know
which modules keep what.

A cached function without parameters (`@lru_cache` or `@cache` on a module-level `def f()`)
builds something once per process from what the environment says: the settings, a client,
a consumer. Its module registers how to forget it. Functions with parameters are keyed by
what they are given (a client per endpoint and region), so a new setting is a new entry.
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"

# built from what never changes while a process runs, whatever the environment says
UNCHANGING = {
    "app/db/sharding.py:_executor": "a thread pool for parallel queries, not configuration",
    "app/docs.py:_bundled_assets": "files of an installed package",
    "app/docs.py:_redoc_bundle": "files of an installed package",
}


def _cached(node: ast.FunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name in ("lru_cache", "cache"):
            return True
    return False


def _takes_nothing(node: ast.FunctionDef) -> bool:
    arguments = node.args
    return not (
        arguments.posonlyargs
        or arguments.args
        or arguments.kwonlyargs
        or arguments.vararg
        or arguments.kwarg
    )


def _cleared(tree: ast.Module, name: str) -> bool:
    """Whether the module passes `name.cache_clear` to `caches.register`, or registers a
    function of its own that calls it."""
    forgetters: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for call in ast.walk(node):
                if _is_cache_clear_of(call, name):
                    forgetters.add(node.name)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and ast.unparse(node.func) == "caches.register"):
            continue
        forget = node.args[1] if len(node.args) > 1 else None
        if forget is not None and (
            ast.unparse(forget) == f"{name}.cache_clear"
            or (isinstance(forget, ast.Name) and forget.id in forgetters)
        ):
            return True
    return False


def _is_cache_clear_of(node: ast.AST, name: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "cache_clear"
        and ast.unparse(node.func.value) == name
    )


def process_wide_caches() -> dict[str, bool]:
    """Each module-level cached function without parameters: whether it is registered."""
    found: dict[str, bool] = {}
    for path in sorted(APP.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and _cached(node) and _takes_nothing(node):
                place = f"{path.relative_to(APP.parent).as_posix()}:{node.name}"
                found[place] = _cleared(tree, node.name)
    return found


def test_every_process_wide_cache_is_forgotten_by_reset() -> None:
    found = process_wide_caches()
    unregistered = {place for place, registered in found.items() if not registered}
    assert unregistered == set(UNCHANGING), (
        "register these with app.core.caches (or say why they never change): "
        f"{sorted(unregistered - set(UNCHANGING))}"
    )


def test_the_scan_sees_the_caches_it_is_about() -> None:
    """The settings, the table, the stream function's consumers: found, and registered."""
    found = process_wide_caches()
    for place in (
        "app/core/config.py:get_settings",
        "app/db/table.py:get_table",
        "app/stream_handler.py:live_stock",
        "app/stream_handler.py:events_out",
        "app/webhook_handler.py:_sqs",
    ):
        assert found.get(place) is True, place
