"""What routes take from requests, shared by the routers: the table, ids, pages."""

from typing import Annotated

from fastapi import Depends, Path, Query

from app.core.text import ID_PATTERN
from app.db.pagination import MAX_CURSOR_LENGTH
from app.db.table import Table, get_table


async def table_dependency() -> Table:
    """The table for a request. `async` only so FastAPI does not hop to a worker thread to
    return a cached object (FastAPI runs every sync dependency in its threadpool)."""
    return get_table()


TableDep = Annotated[Table, Depends(table_dependency)]
ResourceId = Annotated[str, Path(pattern=ID_PATTERN, description="An id the service issued.")]
UserIdFilter = Annotated[
    str | None, Query(pattern=ID_PATTERN, description="Only this user's (admins only).")
]
PageLimit = Annotated[int, Query(ge=1, le=100, description="Items per page (1..100).")]
PageCursor = Annotated[
    str | None,
    Query(max_length=MAX_CURSOR_LENGTH, description="`next_cursor` of the previous page."),
]
