"""Products with their live stock, in one round trip.

A product's definition says how many stock buckets it has; its buckets are items of their
own. To read both in one BatchGetItem, the service remembers how many buckets each
product it has seen had (a bounded map per process): the keys of the product and of its
buckets go in one request. When a product has more buckets than remembered (it was given
more meanwhile, or this process never saw it and it has several), a second request fetches
the rest. A product with one bucket -- nearly all of them -- is always one round trip.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.core import caches
from app.db.codec import RawItem
from app.db.keys import BY_STOCK, PRODUCT, STOCK, STOCK_KEY_SCALE, Key
from app.db.sharding import MergedListing, merged_page
from app.db.table import Table
from app.stock.model import ProductStock, stock_from

MAX_REMEMBERED = 10_000

_bucket_counts: OrderedDict[str, int] = OrderedDict()
_lock = threading.Lock()


def forget() -> None:
    with _lock:
        _bucket_counts.clear()


caches.register("stock.reading bucket counts", forget)


def _remembered(table: Table, product_id: str) -> int:
    with _lock:
        return _bucket_counts.get(table.keys.product_partition(product_id), 1)


def remember(table: Table, product_id: str, count: int) -> None:
    with _lock:
        _bucket_counts[table.keys.product_partition(product_id)] = count
        _bucket_counts.move_to_end(table.keys.product_partition(product_id))
        while len(_bucket_counts) > MAX_REMEMBERED:
            _bucket_counts.popitem(last=False)


def bucket_keys(table: Table, product_id: str, numbers: Sequence[int]) -> list[Key]:
    return [table.keys.stock_bucket(product_id, number) for number in numbers]


def bucket_count(product: dict[str, Any]) -> int:
    return int(product.get("buckets", 1))


@dataclass
class Read:
    """Product items by id, their stock by id, and any other items asked for."""

    products: dict[str, dict[str, Any]] = field(default_factory=dict)
    stock: dict[str, ProductStock] = field(default_factory=dict)
    others: list[dict[str, Any]] = field(default_factory=list)


def read_definitions(table: Table, product_ids: Sequence[str], *, also: Sequence[Key] = ()) -> Read:
    """The products and the items `also` names, without their stock levels (a purchase
    does not need them: app/stock/planning.py), in one eventually consistent BatchGetItem:
    half the read units, and a hot product's reads spread over its partition's replicas.
    A definition a moment old is harmless: every write that depends on it is conditional."""
    keys = [*(table.keys.product(pid) for pid in product_ids), *also]
    read = Read()
    for item in table.batch_get(keys, consistent=False) if keys else []:
        if item["SK"] == PRODUCT and item.get("id") in product_ids:
            read.products[item["id"]] = item
            read.stock[item["id"]] = ProductStock.unread(item["id"], bucket_count(item))
        else:
            read.others.append(item)
    return read


def read_products(table: Table, product_ids: Sequence[str], *, also: Sequence[Key] = ()) -> Read:
    """The products (strongly consistent) with their buckets, and the items `also` names,
    in one BatchGetItem (see the module docstring for when it takes two)."""
    hints = {pid: _remembered(table, pid) for pid in product_ids}
    keys = [table.keys.product(pid) for pid in product_ids]
    for pid, count in hints.items():
        keys += bucket_keys(table, pid, range(count))
    items = table.batch_get([*keys, *also]) if keys or also else []
    read = Read()
    buckets: dict[str, list[dict[str, Any]]] = {pid: [] for pid in product_ids}
    for item in items:
        if item["SK"] == PRODUCT:
            read.products[item["id"]] = item
        elif item["SK"] == STOCK and item.get("product_id") in buckets:
            buckets[item["product_id"]].append(item)
        else:
            read.others.append(item)
    missing: list[Key] = []
    for pid, product in read.products.items():
        count = bucket_count(product)
        remember(table, pid, count)
        if count > hints[pid]:
            missing += bucket_keys(table, pid, range(hints[pid], count))
    for item in table.batch_get(missing) if missing else []:
        buckets[item["product_id"]].append(item)
    for pid, product in read.products.items():
        read.stock[pid] = stock_from(pid, bucket_count(product), buckets[pid])
    return read


def low_stock_page(
    table: Table, *, threshold: int, limit: int, start_key: RawItem | None
) -> tuple[list[str], RawItem | None]:
    """The ids of products whose bucket 0 holds at most `threshold`, lowest first: one
    Query per shard of the sparse low-stock index (in parallel, merged), and the key to
    continue from."""
    listing = MergedListing(
        index=BY_STOCK,
        partitions=table.keys.low_stock_listings(),
        upto=threshold * STOCK_KEY_SCALE + STOCK_KEY_SCALE - 1,
    )
    entries, next_key = merged_page(table, listing, limit=limit, start_key=start_key)
    return [table.keys.product_id_of(entry["PK"]) for entry in entries], next_key
