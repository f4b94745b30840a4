"""What the audit log records beyond the catalog's events: people's roles and accounts, a
store's settings, its webhooks -- read off the same change stream (never the request
path), each item naming who changed it (`changed_by`, or `removed_by` on the short-lived
record a removal writes). Not published: these are the store's own business.

| record | entry |
|---|---|
| a profile whose `role` changed | user, role: before/after `{role}` |
| a user's removal record | user, delete: before `{email, role}` |
| a webhook written / its removal record | webhook, create (after `{url, events}`) / delete |
| a store (`P#STORE#<slug>`) whose name, status, domains or settings changed | store,
  update: the fields that changed |
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.core.config import get_settings
from app.db.keys import PROFILE, REMOVED, STORE, WEBHOOK_PREFIX
from app.db.stream_records import stream_changes
from app.events.catalog import ActorLookup, CatalogEvent


def changes_from(records: Iterable[Mapping[str, Any]], actor: ActorLookup) -> list[CatalogEvent]:
    found: list[CatalogEvent] = []
    for change in stream_changes(records):
        parts, sk, old, new = change.pk.split("#"), change.sk, change.old, change.new
        if parts[:2] == ["P", "STORE"] and sk == STORE and len(parts) == 3:
            made = _store(parts[2], old, new, actor)
        elif len(parts) >= 3 and parts[0] == "S" and new is not None:
            made = _store_item(parts[1], sk, old, new, actor)
        else:
            made = None
        if made is not None:
            found.append(CatalogEvent.of(change, *made))
    return found


Made = tuple[str, dict[str, Any]] | None


def _store_item(
    store: str, sk: str, old: dict[str, Any] | None, new: dict[str, Any], actor: ActorLookup
) -> Made:
    if sk == PROFILE and old is not None and old.get("role") != new.get("role"):
        return "UserRoleChanged", {
            "store": store,
            "entity_id": new["id"],
            "before": {"role": old.get("role")},
            "after": {"role": new.get("role")},
            "actor": actor(store, new.get("changed_by")),
            "at": new.get("updated_at"),
        }
    if sk == REMOVED and old is None and isinstance(new.get("user"), dict):
        user = new["user"]
        return "UserDeleted", {
            "store": store,
            "entity_id": user["id"],
            "before": {"email": user.get("email"), "role": user.get("role")},
            "actor": actor(store, new.get("removed_by")),
            "at": new.get("removed_at"),
        }
    if sk == REMOVED and old is None and isinstance(new.get("webhook"), dict):
        webhook = new["webhook"]
        return "WebhookDeleted", {
            "store": store,
            "entity_id": webhook["id"],
            "before": {"url": webhook.get("url"), "events": webhook.get("events")},
            "actor": actor(store, new.get("removed_by")),
            "at": new.get("removed_at"),
        }
    if sk.startswith(WEBHOOK_PREFIX) and old is None:
        return "WebhookCreated", {
            "store": store,
            "entity_id": new["id"],
            "after": {"url": new.get("url"), "events": new.get("events")},
            "actor": actor(store, new.get("changed_by")),
            "at": new.get("created_at"),
        }
    return None


def _store(
    slug: str, old: dict[str, Any] | None, new: dict[str, Any] | None, actor: ActorLookup
) -> Made:
    if old is None or new is None:
        return None  # made or removed by operators: not a store's own change
    before, after = _flat(old), _flat(new)
    changed = [name for name in after if before.get(name) != after[name]]
    if not changed:
        return None
    return "StoreUpdated", {
        "store": slug,
        "entity_id": slug,
        "before": {name: before.get(name) for name in changed},
        "after": {name: after[name] for name in changed},
        # operators live in the default store
        "actor": actor(get_settings().store_id, new.get("changed_by")),
        "at": new.get("updated_at"),
    }


def _flat(store: dict[str, Any]) -> dict[str, Any]:
    """A store's fields, its settings one by one ("settings.currency")."""
    fields = {name: store.get(name) for name in ("name", "status", "domains")}
    settings = store.get("settings") or {}
    return fields | {f"settings.{name}": value for name, value in settings.items()}
