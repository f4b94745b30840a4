"""The catalog's events, read off change-stream records.

Each record is one item's change, with its old and new images. The events (source
`catalog`, names in shared/DESIGN.md):

- `ProductCreated` / `ProductUpdated` / `ProductDeleted`: a product's definition was
  written, changed (`before`/`after`: the fields that changed), or removed (`before`: what
  it was, from the short-lived removal record its deletion writes);
- `StockChanged`: a stock bucket's level moved (`before`/`after` are the bucket's levels;
  a product spread over several buckets changes one bucket at a time);
- `StockOut` / `StockBackIn`: the product's `in_stock` flipped, once per crossing (a
  variant's: with `variant_id`; its `StockChanged` names the variant's own record);
- `StockLow`: the product's total fell to its store's low-stock threshold or below, once
  per crossing (from its low-stock mark, app/notifications/low_stock.py);
- `OrderPlaced` / `OrderCancelled`: an order was written, or its status became cancelled;
- `ImportFinished`: a CSV import's job ended (`done`, or `failed` on its file), with its
  totals (app/transfer/imports.py).

Every event names its store, its ids, when, and who: the item records who made the
change (`changed_by` on buckets, `stock_changed_by` on products, the buyer on a new order,
`cancelled_by` on a cancelled one, `changed_by` on a product's definition, `removed_by` on
its removal record), and `actor()` turns that id into `{id, email}` (or
`{system: true}` for the service's own changes, such as spreading).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal, get_args

from app.core import money
from app.core.roles import SYSTEM_ACTOR
from app.db.keys import JOB, ORDER_PREFIX, PRODUCT, REMOVED, STOCK, STOCK_LOW
from app.db.stream_records import StreamChange, stream_changes
from app.products.fields import CATALOG_FIELDS

SOURCE = "catalog"
DetailType = Literal[
    "ProductCreated",
    "ProductUpdated",
    "ProductDeleted",
    "StockChanged",
    "StockLow",
    "StockOut",
    "StockBackIn",
    "OrderPlaced",
    "OrderCancelled",
    "ImportFinished",
]
DETAIL_TYPES: tuple[str, ...] = get_args(DetailType)
SYSTEM = SYSTEM_ACTOR

Actor = dict[str, Any]
ActorLookup = Callable[[str, str | None], Actor]  # (store, actor id) -> {id, email} | {system}


@dataclass(frozen=True)
class CatalogEvent:
    id: str  # the stream record's id: the same on a replay, so receivers can dedupe
    detail_type: str
    detail: dict[str, Any]
    sequence: str  # the stream record's sequence number (a partial batch failure names it)

    @classmethod
    def of(cls, change: StreamChange, detail_type: str, detail: dict[str, Any]) -> CatalogEvent:
        """The event a stream record makes: it takes the record's id and sequence number."""
        return cls(
            id=change.event_id, detail_type=detail_type, detail=detail, sequence=change.sequence
        )

    def detail_json(self) -> str:
        return json.dumps({"event_id": self.id, **self.detail}, default=_plain, sort_keys=True)


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def _record_time(change: Mapping[str, Any]) -> str:
    stamp = change.get("ApproximateCreationDateTime")
    if isinstance(stamp, datetime):
        return stamp.astimezone(UTC).isoformat()
    if isinstance(stamp, int | float | Decimal):
        return datetime.fromtimestamp(float(stamp), UTC).isoformat()
    return datetime.now(UTC).isoformat()


def events_from(records: Iterable[Mapping[str, Any]], actor: ActorLookup) -> list[CatalogEvent]:
    found: list[CatalogEvent] = []
    for change in stream_changes(records):
        parts = change.pk.split("#")
        if len(parts) < 3 or parts[0] != "S":
            continue  # the platform's items (stores) and anything not a store's
        store = parts[1]
        made = _derive(store, change.sk, change.old, change.new, actor, _record_time(change.change))
        if made is not None:
            detail_type, detail = made
            found.append(CatalogEvent.of(change, detail_type, {"store": store, **detail}))
    return found


Derived = tuple[str, dict[str, Any]] | None
Image = dict[str, Any] | None


# what a product's definition is, as events show it (its stock is in StockChanged)
PRODUCT_FIELDS = (*CATALOG_FIELDS, "image_key")


def _derive(store: str, sk: str, old: Image, new: Image, actor: ActorLookup, at: str) -> Derived:
    if new is None:
        return None  # removals: a product's says so with its removal record (REMOVED)
    handler = _BY_SORT_KEY.get(sk) or (_order_event if sk.startswith(ORDER_PREFIX) else None)
    return handler(store, old, new, actor, at) if handler else None


def _product_deleted(
    store: str, old: Image, new: dict[str, Any], actor: ActorLookup, at: str
) -> Derived:
    if not isinstance(new.get("product"), dict):
        return None
    return "ProductDeleted", {
        "product_id": new["product"].get("id") or new["PK"].rsplit("#", 1)[-1],
        "before": _product_view(new["product"]),
        "actor": actor(store, new.get("removed_by")),
        "at": new.get("removed_at") or at,
    }


def _stock_low(store: str, old: Image, new: dict[str, Any], actor: ActorLookup, at: str) -> Derived:
    if old is not None:
        return None  # the mark's own updates (its mail sent)
    return "StockLow", {
        "product_id": new["product_id"],
        "after": {"stock": int(new["stock"]), "threshold": int(new["threshold"])},
        "actor": actor(store, new.get("changed_by")),
        "at": new.get("at") or at,
    }


def _money(value: Any) -> str | None:
    """As the API writes money: a string with two places ("12.50", never 12.5)."""
    return None if value is None else money.as_text(Decimal(str(value)))


def _product_view(product: Mapping[str, Any]) -> dict[str, Any]:
    view = {name: product.get(name) for name in PRODUCT_FIELDS}
    view["price"] = _money(view["price"])
    view["status"] = view["status"] or "active"  # stored before statuses: active
    return view


def _product_event(
    store: str, old: Image, new: dict[str, Any], actor: ActorLookup, at: str
) -> Derived:
    if new.get("parent_id"):
        return _variant_event(store, old, new, actor, at)
    if old is None:
        return "ProductCreated", {
            "product_id": new["id"],
            "after": _product_view(new),
            "actor": actor(store, new.get("changed_by")),
            "at": new.get("created_at") or at,
        }
    before, after = _product_view(old), _product_view(new)
    changed = [name for name in PRODUCT_FIELDS if before[name] != after[name]]
    if changed:
        return "ProductUpdated", {
            "product_id": new["id"],
            "before": {name: before[name] for name in changed},
            "after": {name: after[name] for name in changed},
            "actor": actor(store, new.get("changed_by")),
            "at": new.get("updated_at") or at,
        }
    return _stock_crossing(store, old, new, actor, at)


def _variant_event(
    store: str, old: Image, new: dict[str, Any], actor: ActorLookup, at: str
) -> Derived:
    """A variant's own record: its definition is its product's (`ProductUpdated` of the
    product says what changed); its availability is its own (`StockOut`/`StockBackIn` name
    the product and the variant)."""
    crossing = _stock_crossing(store, old, new, actor, at) if old is not None else None
    if crossing is None:
        return None
    name, detail = crossing
    return name, {**detail, "product_id": new["parent_id"], "variant_id": new["id"]}


def _stock_changed(
    store: str, old: Image, new: dict[str, Any], actor: ActorLookup, at: str
) -> Derived:
    before = int(old["stock"]) if old is not None else None
    after = int(new["stock"])
    if before == after:
        return None
    return "StockChanged", {
        "product_id": new["product_id"],
        "bucket": int(new.get("bucket", 0)),
        "before": None if before is None else {"stock": before},
        "after": {"stock": after},
        "actor": actor(store, new.get("changed_by")),
        "at": new.get("updated_at") or at,
    }


def _stock_crossing(
    store: str, old: dict[str, Any], new: dict[str, Any], actor: ActorLookup, at: str
) -> Derived:
    if "in_stock" not in new or bool(old.get("in_stock")) == bool(new["in_stock"]):
        return None
    return ("StockBackIn" if new["in_stock"] else "StockOut"), {
        "product_id": new["id"],
        "before": {"in_stock": bool(old.get("in_stock"))},
        "after": {"in_stock": bool(new["in_stock"])},
        "actor": actor(store, new.get("stock_changed_by")),
        "at": new.get("stock_changed_at") or at,
    }


def _order_event(
    store: str, old: Image, new: dict[str, Any], actor: ActorLookup, at: str
) -> Derived:
    if old is None:
        return "OrderPlaced", {
            "order_id": new["id"],
            "user_id": new["user_id"],
            "after": _order_view(new),
            "actor": actor(store, new["user_id"]),
            "at": new.get("created_at") or at,
        }
    if old.get("status") != "cancelled" and new.get("status") == "cancelled":
        return "OrderCancelled", {
            "order_id": new["id"],
            "user_id": new["user_id"],
            "before": {"status": old.get("status")},
            "after": {"status": "cancelled"},
            "actor": actor(store, new.get("cancelled_by")),
            "at": new.get("cancelled_at") or at,
        }
    return None


def _order_view(order: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "status": order.get("status"),
        "currency": order.get("currency"),
        "total": _money(order.get("total")),
        "lines": [
            {"product_id": line.get("product_id"), "quantity": line.get("quantity")}
            for line in order.get("lines", [])
        ],
    }


def _import_finished(
    store: str, old: Image, new: dict[str, Any], actor: ActorLookup, at: str
) -> Derived:
    """An import's job reached its end (done, or failed before any row): its totals."""
    ended = new.get("status") in ("done", "failed")
    if new.get("kind") != "import" or not ended or (old or {}).get("status") == new["status"]:
        return None
    invalid = int(new.get("invalid", 0))
    return "ImportFinished", {
        "import_id": new.get("id"),
        "status": new["status"],
        "dry_run": bool(new.get("dry_run")),
        "rows_total": int(new.get("rows_total", 0)),
        "created": int(new.get("created", 0)),
        "updated": int(new.get("updated", 0)),
        "unchanged": int(new.get("unchanged", 0)),
        "failed": invalid + int(new.get("failed", 0)),
        "actor": actor(store, new.get("created_by")),
        "at": new.get("finished_at") or at,
    }


_BY_SORT_KEY = {
    JOB: _import_finished,
    STOCK: _stock_changed,
    PRODUCT: _product_event,
    REMOVED: _product_deleted,
    STOCK_LOW: _stock_low,
}
