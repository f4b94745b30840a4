from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from app.core.roles import Role


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
