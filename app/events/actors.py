"""Who made a change, as events say it: `{id, email}` for a person, `{system: true}` for
the service's own changes."""

from __future__ import annotations

from collections.abc import Callable

from app.auth import repository
from app.db.table import Table
from app.events.catalog import SYSTEM, Actor, ActorLookup


def actor_lookup(table_for_store: Callable[[str], Table]) -> ActorLookup:
    """A lookup for one batch: each person is read once (a GetItem), however many of the
    batch's changes they made; someone removed since is named by id alone."""
    known: dict[tuple[str, str], Actor] = {}

    def actor(store: str, actor_id: str | None) -> Actor:
        if not actor_id or actor_id == SYSTEM:
            return {"system": True}
        key = (store, actor_id)
        if key not in known:
            user = repository.get(table_for_store(store), user_id=actor_id)
            known[key] = {"id": actor_id, "email": user.email if user else None}
        return known[key]

    return actor
