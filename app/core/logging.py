"""Structured JSON logs carrying the request id of the request being served."""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
# the store the request belongs to: on every log line (and metric), as a property
store_var: ContextVar[str | None] = ContextVar("store", default=None)
# API Gateway's id for the request (its access log's `requestId`), when it came through one
api_request_id_var: ContextVar[str | None] = ContextVar("api_request_id", default=None)


class RequestFilter(logging.Filter):
    """Puts the request's store and API Gateway request id on each record (Powertools'
    formatter prints them too), so a function log line and an access log line meet."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.store = store_var.get()
        record.api_request_id = api_request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id_var.get(),
            "api_request_id": api_request_id_var.get(),
            "store": store_var.get(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO", *, handler: logging.Handler | None = None) -> None:
    """Send the app's logs to stdout as JSON lines, through `handler` if given (under
    Lambda: Powertools' handler, which adds the invocation's context)."""
    app_logger = logging.getLogger("app")
    if handler is None:
        if app_logger.handlers:  # configured already (under Lambda: by the handler module)
            return
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(JsonFormatter())
    if not any(isinstance(f, RequestFilter) for f in handler.filters):
        handler.addFilter(RequestFilter())
    app_logger.handlers = [handler]
    app_logger.setLevel(level.upper())
    app_logger.propagate = False
