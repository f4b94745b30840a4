"""The shape of app/: layers that only look down, no import circles, and no web framework
below the HTTP layer. Read from the source (every import, those inside functions too), and
for the framework by importing the modules in a fresh interpreter.

    core, db                          the bottom: settings, errors, keys, the table
    stock, auth, stores               stock and its ledger; accounts and sessions; which
                                        store a request is in
    products, inventory, orders,      the domains (live: the stream consumer and
      admin, live                       its publishers)
    http                              everything that knows FastAPI/Starlette
    routers, web, docs, health        what answers requests
    main, lambda_handler, cli, ...    the entry points
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"

LAYERS = {
    "app.core": 0,
    "app.db": 1,
    "app.stock": 2,
    "app.auth": 2,
    "app.products": 3,
    "app.inventory": 3,
    "app.orders": 3,
    "app.admin": 3,
    "app.live.realtime": 5,  # the local WebSocket endpoint: what answers requests
    "app.live": 3,
    "app.events": 3,
    "app.audit": 3,
    "app.notifications": 3,
    "app.webhooks": 3,
    "app.transfer": 3,
    "app.stores": 2,
    "app.http": 4,
    "app.web": 5,
    "app.docs": 5,
    "app.health": 5,
}
ROUTER_LAYER = 5  # app.<domain>.router: what answers requests
ENTRY_LAYER = 6  # whatever else sits at the top of app/ (main, lambda_handler, cli...)
FRAMEWORKS = ("fastapi", "starlette", "mangum")


def module_names() -> dict[str, Path]:
    found = {}
    for path in APP.rglob("*.py"):
        parts = path.relative_to(APP.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def layer(module: str) -> int:
    if module.endswith(".router"):
        return ROUTER_LAYER
    for prefix, level in LAYERS.items():
        if module == prefix or module.startswith(prefix + "."):
            return level
    return ENTRY_LAYER


def imports() -> dict[str, set[str]]:
    """Module -> the app modules it imports, anywhere in its source."""
    modules = module_names()
    edges: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parents = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parents, base] if base else parents)
                targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            else:
                continue
            edges[name].update(t for t in targets if t in modules and t != name)
    return edges


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(module_names()):
        if node not in index:
            visit(node)
    return found


def test_no_import_circles() -> None:
    assert circles(imports()) == []


def test_imports_only_look_down() -> None:
    upward = sorted(
        f"{source} (layer {layer(source)}) imports {target} (layer {layer(target)})"
        for source, targets in imports().items()
        for target in targets
        if layer(target) > layer(source)
    )
    assert upward == []


def test_core_stands_alone() -> None:
    """app.core imports nothing of app outside itself."""
    outside = sorted(
        f"{source} imports {target}"
        for source, targets in imports().items()
        if source.startswith("app.core")
        for target in targets
        if not target.startswith("app.core")
    )
    assert outside == []


def test_no_web_framework_below_the_http_layer() -> None:
    """Each module of core, db, stock, auth and the domains, imported alone in a fresh
    interpreter, loads neither FastAPI nor Starlette (nor Mangum)."""
    below = sorted(
        name
        for name in module_names()
        if layer(name) < LAYERS["app.http"] and name != "app" and not name.endswith(".router")
    )
    probe = f"""
import importlib, json, sys
frameworks = {FRAMEWORKS!r}
loaded = {{}}
for name in {below!r}:
    before = set(sys.modules)
    importlib.import_module(name)
    new = [m for m in set(sys.modules) - before if m.split(".")[0] in frameworks]
    if new:
        loaded[name] = sorted({{m.split(".")[0] for m in new}})
print(json.dumps(loaded))
"""
    run = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=APP.parent,
        env={"PATH": "", "APP_ENV": "test", "JWT_SECRET": "x" * 40},
    )
    assert json.loads(run.stdout) == {}
