from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

from app.core.roles import STORE_ROLES, Role
from app.core.text import PlainLine

EmailPrefix = Annotated[str, PlainLine(254, strip=False, max_bytes=254, stored_as=str.casefold)]


def _store_role(role: Role) -> Role:
    if role not in STORE_ROLES:
        raise ValueError("is granted by the operators (python -m app.cli create-admin --platform)")
    return role


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Annotated[Role, AfterValidator(_store_role)]
