"""Business metrics, recorded where they happen and sent wherever the runtime says.

Under Lambda, `app.lambda_handler` installs a sink that writes CloudWatch metrics through
Powertools (embedded metric format, flushed after each invocation). Elsewhere (uvicorn,
tests) nothing is sent unless a sink is installed.
"""

from __future__ import annotations

from collections.abc import Callable

ORDERS_PLACED = "OrdersPlaced"
OUT_OF_STOCK_REJECTIONS = "OutOfStockRejections"
FAILED_LOGINS = "FailedLogins"
THROTTLED_LOGINS = "ThrottledLogins"
MAIL_FAILURES = "MailFailures"  # password resets, invitations: SES refused or failed
SERVER_ERRORS = "ServerErrors"  # unexpected 500s (gates a deployment: infra/template.yaml)
STOCK_SPREADS = "StockSpreadAutomatically"

Sink = Callable[[str, float], None]
_sinks: list[Sink] = []


def install(sink: Sink) -> None:
    _sinks.append(sink)


def count(name: str, value: float = 1) -> None:
    for sink in _sinks:
        sink(name, value)
