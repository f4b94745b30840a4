"""The platform's rules for stores: create, change, suspend, list."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial

from app.core.errors import InvalidInputError, PreconditionFailedError
from app.core.etags import IfMatch
from app.core.roles import SYSTEM_ACTOR
from app.core.timeutil import now_iso
from app.db.keys import STORES_SCOPE
from app.db.pagination import paginate
from app.db.table import Table
from app.db.transactions import ContentionError
from app.stores import repository, resolution
from app.stores.repository import StoreChangedError
from app.stores.resolution import StoreNotFoundError
from app.stores.schemas import StoreCreate, StoreRecord, StoreUpdate

MAX_ATTEMPTS = 3


class DefaultStoreSuspensionError(InvalidInputError):
    code, title = "default_store", "The default store cannot be suspended"


def create(table: Table, request: StoreCreate) -> StoreRecord:
    now = now_iso()
    record = StoreRecord(
        slug=request.slug,
        name=request.name,
        domains=sorted(set(request.domains)),
        settings=request.settings,
        created_at=now,
        updated_at=now,
    )
    repository.put_new(table, record)
    resolution.forget()
    return record


def get(table: Table, slug: str) -> StoreRecord:
    store = repository.get(table, slug)
    if store is None and slug == resolution.default_slug():
        # the implicit default store: give it an item so operators can change it
        store = resolution.resolve(table, path="/", host=None, store_header=None)
    if store is None:
        raise StoreNotFoundError(f"No store {slug!r}.")
    return store


def batch_lookup(table_for_store: Callable[[str], Table]) -> Callable[[str], StoreRecord | None]:
    """For one batch of the change stream: each store read once, None for one removed
    since (the default store has a record even without an item)."""

    @cache
    def store_of(slug: str) -> StoreRecord | None:
        try:
            return get(table_for_store(slug), slug)
        except StoreNotFoundError:
            return None

    return store_of


def update(
    table: Table,
    slug: str,
    request: StoreUpdate,
    *,
    if_match: IfMatch | None = None,
    actor_id: str = SYSTEM_ACTOR,
) -> StoreRecord:
    """Apply a partial change; with `if_match`, only to the version the caller saw."""
    changes = request.model_dump(exclude_unset=True)
    if changes.get("status") == "suspended" and slug == resolution.default_slug():
        raise DefaultStoreSuspensionError("The default store is where operators live.")
    if "domains" in changes:
        changes["domains"] = sorted(set(changes["domains"]))
    for _ in range(MAX_ATTEMPTS):
        current = repository.get(table, slug)
        if current is None:
            if slug != resolution.default_slug():
                raise StoreNotFoundError(f"No store {slug!r}.")
            current = get(table, slug)
            now = now_iso()
            materialized = {"version": 0, "created_at": now, "updated_at": now}
            repository.put_new(table, current.model_copy(update=materialized))
            continue
        if if_match is not None and not if_match.allows(current.version):
            raise PreconditionFailedError(f"The store is at version {current.version}.")
        # settings are patched field by field: those not named keep their values
        settings = {**current.settings.model_dump(), **changes.get("settings", {})}
        updated = StoreRecord.model_validate(
            {
                **current.model_dump(),
                **changes,
                "settings": settings,
                "version": current.version + 1,
                "updated_at": now_iso(),
                "changed_by": actor_id,
            }
        )
        try:
            repository.update(table, current=current, updated=updated)
        except StoreChangedError:
            if if_match is not None:
                raise PreconditionFailedError("The store changed meanwhile.") from None
            continue
        resolution.forget()
        return updated
    raise ContentionError


def list_stores(
    table: Table, *, limit: int, cursor: str | None
) -> tuple[list[StoreRecord], str | None]:
    return paginate(
        cursor,
        scope=STORES_SCOPE,
        fetch=partial(repository.list_page, table, limit=limit),
    )
