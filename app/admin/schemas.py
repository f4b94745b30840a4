from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from app.core.roles import Role
from app.core.text import plain_line, utf8_at_most

EmailPrefix = Annotated[
    str,
    StringConstraints(min_length=1, max_length=254),
    AfterValidator(plain_line),
    utf8_at_most(254, str.casefold),
]


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
