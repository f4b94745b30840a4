"""Write docs/API.md, the route table, from the app itself: each operation's path and
summary from the OpenAPI document, who may call it from the access policy its router
names, and the statuses it documents. `make web-client` runs it with the client's
generation; tests/unit/test_api_reference.py fails when the committed file drifts.

    .venv/bin/python -m devtools.api_reference [docs/API.md]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

HEADER = """# HTTP API

Generated from the app by `make web-client` (devtools/api_reference.py); do not edit. The
full contract, with every schema, is the OpenAPI document: `/docs` (Swagger UI) or `/redoc`
on a running service, and [web/openapi.json](../web/openapi.json) in the repository.

JSON everywhere; every error is an RFC 9457 problem (`application/problem+json` with
`type`, `title`, `status`, `detail`, `code`, and `errors` for validation). Every response
carries `X-Request-ID`. Every operation may answer 503 with `Retry-After` when DynamoDB or
S3 fails or throttles (never 500); a write whose outcome is unknown answers 503
`outcome_unknown`: retry it (a purchase with the same `Idempotency-Key`). A body of a type
the operation does not read is 415 ([RELIABILITY.md](RELIABILITY.md)).

Every request belongs to one store: the one whose `domains` hold the request's host name,
else the one `X-Store: <slug>` names, else `default` (404 `store_not_found`, 403
`store_suspended`). Accounts, tokens, products, stock, orders, cursors and images are all
per store. Roles: `user`, `stock_manager`, `admin` (per store) and `platform_admin`
(operators); how they are checked: [SECURITY.md](SECURITY.md).

| operation | who | summary | answers |
|---|---|---|---|
"""

METHODS = ("get", "post", "put", "patch", "delete")


def _who(policy: object) -> str:
    from app.core.roles import Role
    from app.http.access import RoleGuard

    if not isinstance(policy, RoleGuard):
        return "anyone"
    if policy.roles == frozenset(Role):
        return "any signed-in user"
    return ", ".join(sorted(role.value for role in policy.roles))


def route_policies() -> dict[tuple[str, str], str]:
    """(METHOD, full path) -> who may call it, from the mount table and each router."""
    from fastapi.routing import APIRoute

    from app.http.access import policies
    from app.routers import ROUTERS

    who: dict[tuple[str, str], str] = {}
    for mount in ROUTERS:
        for route in mount.load().routes:
            if isinstance(route, APIRoute) and route.include_in_schema:
                [policy] = policies(route)
                for method in route.methods or ():
                    who[(method, mount.prefix + route.path)] = _who(policy)
    return who


def render(document: dict[str, Any], who: dict[tuple[str, str], str]) -> str:
    rows = []
    for path, operations in document["paths"].items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            statuses = ", ".join(sorted(operation.get("responses", {})))
            summary = operation.get("summary", "").replace("|", "\\|")
            rows.append(
                f"| `{method.upper()} {path}` | {who[(method.upper(), path)]} | {summary} "
                f"| {statuses} |"
            )
    return HEADER + "\n".join(rows) + "\n"


def reference() -> str:
    from devtools.openapi_dump import openapi_document

    return render(openapi_document(), route_policies())


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else Path("docs/API.md")
    target.write_text(reference())
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
