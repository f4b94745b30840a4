"""DynamoDB access for products: their definitions, SKU claims, category counts, search
entries, and the listings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.core.errors import ConflictError
from app.db import transactions as tx
from app.db.codec import RawItem
from app.db.expressions import Update
from app.db.keys import BY_GROUP, BY_NAME, name_sort_key, search_key
from app.db.table import Filter, Sort, Table
from app.db.transactions import TransactionCancelled
from app.products import categories, variants, words
from app.products.fields import CATALOG_FIELDS
from app.products.schemas import ProductRecord, ProductWithStock
from app.stock.reading import read_products


class SkuTakenError(ConflictError):
    code, title = "sku_taken", "SKU already in use"


class ProductChangedError(Exception):
    """The product is gone, or changed since it was read."""


_FIELDS = set(ProductRecord.model_fields)


def from_item(item: dict[str, Any]) -> ProductRecord:
    return ProductRecord.model_validate({k: v for k, v in item.items() if k in _FIELDS})


def _item(table: Table, product: ProductRecord) -> dict[str, Any]:
    """A product as stored; a variant's own record is in no listing."""
    listed = (
        {}
        if product.parent_id
        else table.keys.product_index_attributes(
            product_id=product.id, name=product.name, category=product.category
        )
    )
    return {**table.keys.product(product.id), **product.stored(), **listed}


def _sku_claim(table: Table, sku: str, product_id: str, parent_id: str | None = None) -> tx.Action:
    """The SKU's claim; a variant's names its product too (a search by SKU finds it)."""
    parent = {"parent_id": parent_id} if parent_id else {}
    return tx.put(table.name, {**table.keys.sku(sku), "product_id": product_id, **parent})


def _sku_release(table: Table, sku: str, product_id: str) -> tx.Action:
    return tx.delete(
        table.name, table.keys.sku(sku), Update().condition("{product_id} = {id}", id=product_id)
    )


def get(table: Table, *, product_id: str) -> ProductWithStock | None:
    """The product with its live stock: one round trip (app/stock/reading.py)."""
    return get_many(table, product_ids=[product_id]).get(product_id)


def get_many(table: Table, *, product_ids: list[str]) -> dict[str, ProductWithStock]:
    """Products with their live stock, by id (those that exist): one round trip."""
    read = read_products(table, list(dict.fromkeys(product_ids)))
    return {pid: (from_item(item), read.stock[pid]) for pid, item in read.products.items()}


def get_definition(table: Table, *, product_id: str) -> ProductRecord | None:
    item = table.get(table.keys.product(product_id))
    return from_item(item) if item else None


def get_definitions(table: Table, *, product_ids: Sequence[str]) -> list[ProductRecord]:
    """The definitions of those products that exist (a product's variants): one read per
    100."""
    items = table.batch_get([table.keys.product(pid) for pid in product_ids]) if product_ids else []
    return [from_item(item) for item in items]


def new_product_actions(
    table: Table, *, product: ProductRecord, stock_actions: list[tx.Action]
) -> list[tx.Action]:
    """Everything a new product is stored as: its SKU claim (first), definition, category
    count, its stock's first actions (app/stock/changes.py) and search entries."""
    sku_claims = (
        [_sku_claim(table, product.sku, product.id, product.parent_id)] if product.sku else []
    )
    if product.parent_id:  # a variant's own record: counted and found through its product
        return [*sku_claims, tx.put(table.name, _item(table, product)), *stock_actions]
    return [
        *sku_claims,
        tx.put(table.name, _item(table, product)),
        categories.count_action(table, product.category, +1),
        *stock_actions,
        *words.write_actions(table, product),
    ]


def put_new(table: Table, *, product: ProductRecord, stock_actions: list[tx.Action]) -> None:
    """Store a new product and all that comes with it, all or nothing."""
    actions = new_product_actions(table, product=product, stock_actions=stock_actions)
    try:
        tx.write(table.client, actions)
    except TransactionCancelled as cancelled:
        if product.sku and cancelled.condition_failed(0):
            raise SkuTakenError(f"SKU {product.sku} is already in use.") from cancelled
        raise


def exists_check(table: Table, product_id: str) -> tx.Action:
    return tx.check(
        table.name, table.keys.product(product_id), Update().condition("attribute_exists(PK)")
    )


def _claims_sku(action: tx.Action) -> bool:
    return bool(action.get("Put", {}).get("Item", {}).get("SK") == {"S": "SKU"})


def check_skus_free(table: Table, skus: Sequence[str]) -> None:
    """SkuTakenError for the first of `skus` another product holds (one read per 100): for
    a write of several transactions, which would otherwise find out only part-way."""
    claims = {sku: table.keys.sku(sku) for sku in skus}
    held = {item["PK"] for item in table.batch_get(list(claims.values()))}
    for sku, claim in claims.items():
        if claim["PK"] in held:
            raise SkuTakenError(f"SKU {sku} is already in use.")


def _sku_as_written(actions: list[tx.Action], claim: tx.Action) -> str:
    """A claim's SKU as its product (written beside it) spells it: the claim's key holds it
    casefolded."""
    owner = claim["Put"]["Item"]["product_id"]
    for action in actions:
        item = action.get("Put", {}).get("Item", {})
        if item.get("id") == owner and "sku" in item:
            return str(item["sku"]["S"])
    return str(claim["Put"]["Item"]["PK"]["S"]).rsplit("#", 1)[-1]  # its key's form, then


def write_new(table: Table, actions: list[tx.Action]) -> None:
    """Write the actions of new products (or variants), all or nothing: SkuTakenError when
    one of their SKUs is taken, ProductChangedError when their product is gone."""
    try:
        tx.write(table.client, actions)
    except TransactionCancelled as cancelled:
        taken = [
            n for n, a in enumerate(actions) if _claims_sku(a) and cancelled.condition_failed(n)
        ]
        if taken:
            sku = _sku_as_written(actions, actions[taken[0]])
            raise SkuTakenError(f"SKU {sku} is already in use.") from cancelled
        if cancelled.any_condition_failed:
            raise ProductChangedError from cancelled
        raise


def _category_moves(table: Table, before: str, after: str) -> list[tx.Action]:
    if before == after:
        return []
    if categories.same(before, after):
        return [categories.rename_action(table, after)]
    return [
        categories.count_action(table, before, -1),
        categories.count_action(table, after, +1),
    ]


def _as_read(current: ProductRecord) -> Update:
    """The product as it was read: same definition, same listing (in_stock)."""
    condition = Update().condition("{version} = {seen}", seen=current.version)
    condition.condition("{listing_seq} = {seen_listing}", seen_listing=current.listing_seq)
    return condition


@dataclass(frozen=True)
class DefinitionChange:
    """A product's edit as writes: the product item's update (on the condition that it is
    as read) and what moves with it (SKU claims, category counts, search entries). The
    SKU claim, when there is one, is `others[0]`."""

    product: Update
    others: list[tx.Action]
    claims_sku: bool


def definition_change(
    table: Table, *, current: ProductRecord, updated: ProductRecord
) -> DefinitionChange:
    """The writes that turn `current` into `updated` (its catalog fields, image, version).
    Stock is not touched: it lives in buckets of its own; `updated.in_stock` is what its
    search entries say (the stock change written with it may flip it)."""
    changes = _as_read(current).set(
        {
            **updated.model_dump(
                include={
                    *CATALOG_FIELDS,
                    "image_key",
                    "version",
                    "updated_at",
                    "words",
                    "changed_by",
                }
            ),
            **table.keys.product_index_attributes(
                product_id=updated.id, name=updated.name, category=updated.category
            ),
        }
    )
    changes.add("listing_seq", 1)
    # a claim is case-insensitive: a SKU whose case alone changes keeps its claim
    others = sku_change(
        table, owner_id=current.id, parent_id=None, before=current.sku, after=updated.sku
    )
    claims_sku = bool(others) and bool(updated.sku)  # the claim, when there is one, is first
    others += _category_moves(table, current.category, updated.category)
    listed = updated.model_copy(update={"listing_seq": current.listing_seq + 1})
    others += words.write_actions(table, listed, had=current.words)
    return DefinitionChange(changes, others, claims_sku)


def variants_change(
    table: Table, *, current: ProductRecord, updated: ProductRecord
) -> DefinitionChange:
    """`definition_change` of a product with options, with what its variants decide: the
    variants themselves, the options' values, the price range and `in_stock`."""
    change = definition_change(table, current=current, updated=updated)
    change.product.set(
        {
            "variants": updated.model_dump()["variants"],
            "options": updated.options,
            "price_max": updated.price_max,
            "in_stock": updated.in_stock,
        }
    )
    return change


def _rename_action(table: Table, product: ProductRecord, variant_id: str) -> tx.Action:
    """Give a variant's own record the name it has under `product` ("Tee (M / Blue)": what
    low-stock lists, their mail and stock levels show). It names the product version its
    name comes from and lands only over an older one, so of two renames in flight the later
    stands whichever lands last; a variant removed meanwhile does not take it."""
    change = (
        Update()
        .condition("{parent_id} = {parent}", parent=product.id)
        .condition(
            "attribute_not_exists({named_at}) OR {named_at} < {version}",
            version=product.version,
        )
        .set(
            {
                "name": variants.variant_name(product, product.variants[variant_id].options),
                "named_at": product.version,
            }
        )
    )
    return tx.update(table.name, table.keys.product(variant_id), change)


def rename_variants(table: Table, product: ProductRecord) -> int:
    """After `product` was renamed in a write that could not hold its variants' renames as
    well: rename each variant's record on its own (`_rename_action`). How many were
    renamed."""
    renamed = 0
    for variant_id in product.variants:
        try:
            tx.write(table.client, [_rename_action(table, product, variant_id)])
        except TransactionCancelled:
            continue  # a later rename got there first, or the variant is gone
        renamed += 1
    return renamed


def _renames(table: Table, current: ProductRecord, updated: ProductRecord) -> list[tx.Action]:
    """A product with options that is renamed: its variants' records take the new name."""
    if not updated.variants or updated.name == current.name:
        return []
    return [_rename_action(table, updated, variant_id) for variant_id in updated.variants]


def update(table: Table, *, current: ProductRecord, updated: ProductRecord) -> None:
    """Write `updated` if the product is still as `current` was read, with the SKU claims,
    category counts and search entries that move with it. A product with options that is
    renamed renames its variants' records in the same transaction when they fit in it,
    otherwise one by one right after (`rename_variants`)."""
    change = definition_change(table, current=current, updated=updated)
    actions = [tx.update(table.name, table.keys.product(current.id), change.product)]
    actions += change.others
    renames = _renames(table, current, updated)
    if renames and len(actions) + len(renames) <= tx.MAX_ACTIONS:
        try:
            _write_definition(table, [*actions, *renames], change, updated)
            return
        except TransactionCancelled:
            pass  # a variant's record refused its name (gone: a removal that stopped half-way)
    _write_definition(table, actions, change, updated)
    if renames:
        rename_variants(table, updated)


def _write_definition(
    table: Table, actions: list[tx.Action], change: DefinitionChange, updated: ProductRecord
) -> None:
    """Write a definition change (its product's update first, its SKU claim next); says
    why when the product or the SKU refused it, and re-raises any other refusal."""
    try:
        tx.write(table.client, actions)
    except TransactionCancelled as cancelled:
        if cancelled.condition_failed(0):
            raise ProductChangedError from cancelled
        if change.claims_sku and cancelled.condition_failed(1):
            raise SkuTakenError(f"SKU {updated.sku} is already in use.") from cancelled
        raise


def delete_actions(
    table: Table, *, product: ProductRecord, actor_id: str, now: str, expires: int
) -> list[tx.Action]:
    """Remove the product as it was read (the first action), freeing its SKU, leaving its
    category's count and removing its search entries and stock buckets; its ledger stays,
    as history. A purchase racing the delete finds its bucket gone and fails
    (app/stock/changes.py). A short-lived record of the removal (what the product was,
    who removed it) is written with it: a removed item cannot say who removed it, and the
    change stream tells."""
    removal = {
        **table.keys.product_removal(product.id),
        "product": product.model_dump(include={*CATALOG_FIELDS, "image_key", "version"}),
        "removed_by": actor_id,
        "removed_at": now,
        "expires_at": expires,
    }
    actions: list[tx.Action] = [
        tx.delete(table.name, table.keys.product(product.id), _as_read(product)),
        tx.put(table.name, removal),
        *([] if product.parent_id else [categories.count_action(table, product.category, -1)]),
        *words.delete_actions(table, product),
        *(
            tx.delete(table.name, table.keys.stock_bucket(product.id, number))
            for number in range(product.buckets)
        ),
    ]
    if product.sku:
        actions.append(_sku_release(table, product.sku, product.id))
    return actions


def removal_actions(
    table: Table, *, products: Sequence[ProductRecord], actor_id: str, now: str, expires: int
) -> list[tx.Action]:
    """`delete_actions` of each of `products` (a product with its variants), to be written
    together."""
    return [
        action
        for product in products
        for action in delete_actions(
            table, product=product, actor_id=actor_id, now=now, expires=expires
        )
    ]


def delete(table: Table, actions: Sequence[tx.Action]) -> None:
    """Write `removal_actions`, all or nothing: ProductChangedError if any of the products
    changed since it was read."""
    try:
        tx.write(table.client, actions)
    except TransactionCancelled as cancelled:
        if cancelled.any_condition_failed:
            raise ProductChangedError from cancelled
        raise


def sku_moves(table: Table, before: ProductRecord, after: ProductRecord) -> list[tx.Action]:
    """A variant's (or product's) SKU claim taken and the old one freed, when it changes."""
    return sku_change(
        table, owner_id=after.id, parent_id=after.parent_id, before=before.sku, after=after.sku
    )


def sku_change(
    table: Table, *, owner_id: str, parent_id: str | None, before: str | None, after: str | None
) -> list[tx.Action]:
    """The claim of a SKU that changes (case aside) taken, and the old one freed."""
    if (before or "").casefold() == (after or "").casefold():
        return []
    moves = [_sku_claim(table, after, owner_id, parent_id)] if after else []
    if before:
        moves.append(_sku_release(table, before, owner_id))
    return moves


def as_read(product: ProductRecord) -> Update:
    return _as_read(product)


def _status_filter(status: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The condition that keeps one status. A product stored before statuses existed has
    none, and is active."""
    names, values = {"#status": "status"}, {":status": status}
    if status == "active":
        return "(attribute_not_exists(#status) OR #status = :status)", names, values
    return "#status = :status", names, values


def list_page(
    table: Table,
    *,
    category: str | None,
    q: str | None,
    status: str,
    limit: int,
    start_key: RawItem | None,
) -> tuple[list[ProductRecord], RawItem | None]:
    """One Query: the name index (BY_NAME), a category's (BY_GROUP), or -- with `q` -- the
    search entries (BY_GROUP), filtered by category when one is given; and by status
    (shoppers: active only), a filter in the same Query."""
    keys = table.keys
    kept, names, values = _status_filter(status)
    if q:
        text = search_key(q)
        condition = f"(attribute_not_exists(#sku_entry) OR #suffix = :q) AND {kept}"
        names |= {"#sku_entry": words.SKU_MARK, "#suffix": "suffix"}
        values |= {":q": text}
        if category:
            condition += " AND #category_key = :category"
            names["#category_key"] = "category_key"
            values[":category"] = name_sort_key(category)
        items, next_key = table.query_page(
            keys.words_listing(text),
            index=BY_GROUP,
            sort=Sort.begins_with(text),
            item_filter=Filter(condition, names=names, values=values),
            limit=limit,
            start_key=start_key,
        )
        unique: dict[str, ProductRecord] = {}  # a product may match at two words
        for item in items:
            unique.setdefault(item["id"], from_item(item))
        return list(unique.values()), next_key
    index, partition = (
        (BY_GROUP, keys.category_listing(category))
        if category
        else (BY_NAME, keys.products_listing())
    )
    items, next_key = table.query_page(
        partition,
        index=index,
        limit=limit,
        start_key=start_key,
        item_filter=Filter(kept, names=names, values=values),
    )
    return [from_item(item) for item in items], next_key


def variant_product_by_sku(table: Table, sku: str) -> ProductRecord | None:
    """The product one of whose variants has this SKU (any case), if any: two reads."""
    claim = table.get(table.keys.sku(sku), consistent=False)
    if claim is None or not claim.get("parent_id"):
        return None
    return get_definition(table, product_id=str(claim["parent_id"]))


def claim_upload(table: Table, *, upload_key: str, product_id: str, now: int) -> bool:
    """Take an image upload for one confirmation: False when another took it first (two
    confirmations of one key race; one wins, every other is refused alike)."""
    claim = {
        **table.keys.upload_claim(upload_key),
        "product_id": product_id,
        "expires_at": now + 24 * 3600,
    }
    try:
        tx.write(table.client, [tx.put(table.name, claim)])
    except tx.TransactionCancelled:
        return False
    return True


def release_upload(table: Table, *, upload_key: str) -> None:
    """Give a claim back when its confirmation failed for want of S3, so a retry may use it."""
    tx.write(table.client, [tx.delete(table.name, table.keys.upload_claim(upload_key))])
