"""Partial updates (PATCH): only the fields sent change.

A field sent as `null` is refused (422) rather than read as "leave it": a model's optional
fields default to None, and a null that slipped through would reach the record as a value
(or as nothing to change, depending on how the service reads it)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any


def refuse_nulls(data: Any, *, nullable: Collection[str] = ()) -> Any:
    """A `mode="before"` model validator's body: `data` unchanged, or a ValueError naming
    the fields sent as null (but those that are `nullable`, where null means "remove")."""
    if isinstance(data, dict):
        nulls = sorted(k for k, v in data.items() if v is None and k not in nullable)
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null")
    return data
