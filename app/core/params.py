"""Parameters shared by the routers."""

from typing import Annotated

from fastapi import Path, Query

from app.core.text import ID_PATTERN

ResourceId = Annotated[str, Path(pattern=ID_PATTERN, description="An id the service issued.")]
UserIdFilter = Annotated[
    str | None, Query(pattern=ID_PATTERN, description="Only this user's (admins only).")
]
