"""One clock for the service, so tests can reason about stored timestamps."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def now_epoch() -> int:
    return int(time.time())


def now_iso() -> str:
    """UTC timestamp with microseconds: sorts as text in time order."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
