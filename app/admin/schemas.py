from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from app.core.roles import STORE_ROLES, Role
from app.core.text import plain_line, utf8_at_most

EmailPrefix = Annotated[
    str,
    StringConstraints(min_length=1, max_length=254),
    AfterValidator(plain_line),
    utf8_at_most(254, str.casefold),
]


def _store_role(role: Role) -> Role:
    if role not in STORE_ROLES:
        raise ValueError("is granted by the operators (python -m app.cli create-admin --platform)")
    return role


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Annotated[Role, AfterValidator(_store_role)]
