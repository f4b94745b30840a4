"""What routes take from requests, shared by the routers: the store and its table, ids,
pages."""

from typing import Annotated

from fastapi import Depends, Path, Query, Request

from app.core.config import get_settings
from app.core.logging import store_var
from app.core.text import ID_PATTERN
from app.db.pagination import MAX_CURSOR_LENGTH
from app.db.table import Table, get_table
from app.http.apigateway import routed_path
from app.http.blocking import blocking
from app.stores import resolution, tenancy
from app.stores.schemas import StoreRecord


async def current_store(request: Request) -> StoreRecord:
    """The store the request belongs to (app/stores/resolution.py), once per request. From
    memory on a warm path; only a cache miss reads DynamoDB (on a worker thread)."""
    cached: StoreRecord | None = getattr(request.state, "store", None)
    if cached is not None:
        return cached
    path = routed_path(request.scope)
    host = request.headers.get("x-forwarded-host") or request.headers.get("host")
    header = request.headers.get("x-store")
    if resolution.is_cached(path=path, host=host, store_header=header):
        store = resolution.resolve(get_table(), path=path, host=host, store_header=header)
    else:
        store = await blocking(
            resolution.resolve, get_table(), path=path, host=host, store_header=header
        )
    request.state.store = store
    store_var.set(store.slug)
    return store


CurrentStore = Annotated[StoreRecord, Depends(current_store)]


def client_address(request: Request) -> str | None:
    """The client's address: from the header a trusted proxy sets (CLIENT_ADDRESS_HEADER; on
    AWS, CloudFront's viewer function, whose requests alone reach the API), else the
    connection's peer. Never X-Forwarded-For, which any client can write."""
    header = get_settings().client_address_header
    if header:
        value = request.headers.get(header)
        if value:
            return value
    return request.client.host if request.client else None


ClientAddress = Annotated[str | None, Depends(client_address)]


async def table_dependency(request: Request) -> Table:
    """The table for a request, its keys bound to the request's store: every key a request
    builds is in its store. `async` so FastAPI does not hop to a worker thread for it; the
    store is looked up directly rather than as a sub-dependency (one fewer dependency to
    solve on every request)."""
    store = await current_store(request)
    return tenancy.store_table(store.slug)


TableDep = Annotated[Table, Depends(table_dependency)]


async def platform_table_dependency() -> Table:
    """The table as the platform sees it (the stores themselves, under `P#`)."""
    return get_table()


PlatformTableDep = Annotated[Table, Depends(platform_table_dependency)]
ResourceId = Annotated[str, Path(pattern=ID_PATTERN, description="An id the service issued.")]
UserIdFilter = Annotated[
    str | None, Query(pattern=ID_PATTERN, description="Only this user's (admins only).")
]
PageLimit = Annotated[int, Query(ge=1, le=100, description="Items per page (1..100).")]
PageCursor = Annotated[
    str | None,
    Query(max_length=MAX_CURSOR_LENGTH, description="`next_cursor` of the previous page."),
]
