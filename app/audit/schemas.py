"""An audit entry, as stored and as shown."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Entity = Literal["product", "stock", "order", "user", "store", "webhook"]


class AuditEntry(BaseModel):
    at: str
    actor: dict[str, Any] = Field(description="`{id, email}` of a person, or `{system: true}`.")
    action: str = Field(description="create, update, delete, or a named verb (adjust, cancel...).")
    entity: Entity
    entity_id: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    event_id: str
