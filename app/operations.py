"""Operations the deployment runs inside the function: `make deploy` invokes the live alias
with `{"operation": ...}` (IAM: lambda:InvokeFunction), so they run with the function's own
role, settings and network. API Gateway never sends such an event."""

from __future__ import annotations

from typing import Any

from app.core.config import get_settings
from app.db.table import get_table


def run(event: dict[str, Any]) -> dict[str, Any]:
    operation = event.get("operation")
    if operation == "bootstrap":
        from app import bootstrap

        email = event.get("admin_email") or None
        report = bootstrap.run(get_table(), admin_email=email, settings=get_settings())
        return {"operation": operation, "report": report}
    raise ValueError(f"unknown operation {operation!r}")
