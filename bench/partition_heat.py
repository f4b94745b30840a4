"""Partition heat: the busiest partition of the table and of each index under a store-sized
workload, computed from the key design itself.

No DynamoDB is involved: the model builds the items a request reads and writes with the
app's own functions (the same keys, index attributes and item contents), sizes them by
DynamoDB's rules, and adds up, per partition key, the read and write units per second the
workload puts there. It then prints the busiest partition key of the table and of each
index against DynamoDB's per-partition limits (1,000 WCU/s, 3,000 RCU/s) and checks the
budget: none above half.

    .venv/bin/python -m bench.partition_heat [--purchases 10000] [--views 50000] ...

The workload (defaults: issue 12): purchases and page views over a catalog whose
popularity follows Zipf's law, plus one flash-sale product. Assumptions, all conservative
and all printed:

- every write inside a transaction costs 2 units per KB, index entries included (what
  DynamoDB Local reports; AWS may bill index entries at 1); an index entry whose key moves
  is a delete and a put;
- a share of the products (`--low-share`, a quarter by default, picked by hash) is low on
  stock, their bucket 0 in the low-stock index, so each purchase from it moves an index
  entry; the flash-sale product is among them (its sale is ending). A product selling
  r units/s stays in the low zone (its last LOW_STOCK_CEILING units) for at most
  ceiling/r seconds, so a quarter is pessimistic for the popular ones; the report also
  gives the busiest low-stock shard if every product were low at once;
- a hot product has as many stock buckets as the documented rule gives (one per
  BUCKET_PURCHASES purchases/s), as an admin sets them with `PUT /inventory/{id}/buckets`;
- the flash-sale product is also the catalog's most popular one (their rates add up);
- anonymous catalog reads go through CloudFront with Origin Shield: each URL reaches the
  API at most once per its max-age (docs/PERFORMANCE.md). `--no-cdn` shows what the API
  alone would see;
- every logged-in request reads the user's profile and session (strongly consistent); a
  purchase reads its products eventually consistently and sends an Idempotency-Key, as the
  web app does.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.core.config import Settings
from app.stock.model import MAX_BUCKETS

WCU_LIMIT = 1_000
RCU_LIMIT = 3_000
BUDGET = 0.5
KB = 1024
# purchases/s per stock bucket: 4 WCU each on the bucket's partition (the bucket and its
# ledger entry) and, while low, 4 on its low-stock shard: a quarter of a partition's limit,
# so a shard shared by a few hot products stays under half
BUCKET_PURCHASES = 60
CATEGORIES = 100
SEARCH_QUERIES = 50_000  # distinct search texts, Zipf-popular
PAGE_DEPTH_DECAY = 0.5  # share of listing views that go one page further
VIEW_MIX = {"product": 0.6, "listing": 0.25, "search": 0.15}
# how searches start: English word-initial letter frequencies, without "the"/"a" -- the
# busiest partition of the word index is that of the most common first letter
FIRST_LETTERS = {
    "s": 0.11, "c": 0.09, "p": 0.08, "b": 0.07, "m": 0.06, "t": 0.06, "d": 0.05, "f": 0.05,
    "r": 0.05, "h": 0.04, "l": 0.04, "w": 0.04, "g": 0.035, "a": 0.035, "e": 0.03,
    "o": 0.025, "k": 0.02, "n": 0.02, "i": 0.02, "v": 0.015, "u": 0.01, "j": 0.01,
    "y": 0.005, "q": 0.002, "z": 0.002, "x": 0.001,
}  # fmt: skip

TABLE = "table"
INDEX_OF_PK = {"GSI1PK": "GSI1 (BY_NAME)", "GSI2PK": "GSI2 (BY_GROUP)", "GSI3PK": "GSI3 (BY_STOCK)"}


# --- DynamoDB's sizing rules -------------------------------------------------------------


def _value_size(value: dict[str, Any]) -> int:
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        digits = len(inner.lstrip("-").replace(".", "").lstrip("0")) or 1
        return math.ceil(digits / 2) + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + _value_size(v) for v in inner)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + _value_size(v) for k, v in inner.items())
    return len(inner)  # B


def item_size(item: dict[str, Any]) -> int:
    """Bytes, by DynamoDB's rules: attribute names plus values."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def write_units(size: int) -> int:
    return 2 * math.ceil(size / KB)  # transactional: twice the standard 1 per KB


def read_units(size: int, *, consistent: bool) -> float:
    units = math.ceil(size / (4 * KB))
    return units if consistent else units / 2


# --- the items the app stores, built by the app ------------------------------------------


@dataclass(frozen=True)
class Sizes:
    """Bytes of each kind of item, as the app builds them."""

    product: int
    bucket: int
    ledger_entry: int
    order: int
    idempotency: int
    word_entry: int
    profile: int = 600  # a user: name, e-mail, argon2id hash, role, timestamps
    session: int = 200


def measure_sizes(table: Any) -> Sizes:
    from app.orders.repository import idempotency_put_action, put_action
    from app.orders.schemas import IdempotencyRecord, OrderLine, OrderRecord
    from app.products.schemas import ProductRecord
    from app.products.service import new_product_actions
    from app.stock import ledger
    from app.stock.model import new_entry

    now = "2026-11-26T12:00:00.000000Z"
    product = ProductRecord(
        id="0b5d6a36-2c4e-4a8e-9b1f-6f0e3e1a2b3c",
        name="Bamboo Cutting Board, Large",
        description="End-grain bamboo board with juice groove; 45 x 30 cm. " * 3,
        price=Decimal("34.90"),
        currency="EUR",
        category="Kitchen",
        tags=["kitchen", "bamboo", "boards"],
        sku="KT-004217",
        image_key="products/0b5d6a36/3f2a.webp",
        version=3,
        in_stock=True,
        words=5,
        listing_seq=4,
        created_at=now,
        updated_at=now,
    )
    actions, entry = new_product_actions(
        table, product=product, stock=50, actor_id=product.id, reason="initial stock"
    )
    puts = [a["Put"]["Item"] for a in actions if "Put" in a]
    by_sk = {item["SK"]["S"].split("#")[0]: item for item in puts}
    purchase = new_entry(
        product_id=product.id,
        bucket=3,
        kind="purchase",
        delta=-1,
        reason="purchase",
        actor_id="9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a",
        order_id="01M8CB9SGC4SE1QHNM442BT23H",
        at=now,
    )
    line = OrderLine(
        product_id=product.id,
        name=product.name,
        unit_price=product.price,
        quantity=1,
        line_total=product.price,
    )
    order = OrderRecord(
        id="01M8CB9SGC4SE1QHNM442BT23H",
        user_id=purchase.actor_id,
        status="placed",
        lines=[line],
        currency="EUR",
        total=product.price,
        created_at=now,
        updated_at=now,
        idempotency_key="c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6",
    )
    record = IdempotencyRecord(
        user_id=order.user_id,
        key=order.idempotency_key or "",
        fingerprint="f" * 64,
        order_id=order.id,
        created_at=now,
        expires_at=1_800_000_000,
    )
    assert entry is not None
    return Sizes(
        product=item_size(by_sk["PRODUCT"]),
        bucket=item_size(by_sk["STOCK"]),
        ledger_entry=item_size(ledger.put_action(table, purchase)["Put"]["Item"]),
        order=item_size(put_action(table, order)["Put"]["Item"]),
        idempotency=item_size(idempotency_put_action(table, record, now=0)["Put"]["Item"]),
        word_entry=item_size(by_sk["WORD"]),
    )


# --- the workload --------------------------------------------------------------------------


@dataclass
class Workload:
    purchases: float
    views: float
    products: int
    zipf: float
    flash_purchases: float
    flash_views: float
    cdn: bool
    product_max_age: float
    listing_max_age: float
    low_share: float


def zipf_shares(count: int, exponent: float) -> list[float]:
    weights = [1 / (rank**exponent) for rank in range(1, count + 1)]
    total = sum(weights)
    return [w / total for w in weights]


def origin_rate(viewer_rate: float, max_age: float, cdn: bool) -> float:
    """Requests per second reaching the API for one URL: with one shared cache (Origin
    Shield), a miss every max-age seconds at most (each miss is followed by max-age
    seconds of hits)."""
    if not cdn or max_age <= 0:
        return viewer_rate
    return viewer_rate / (1 + viewer_rate * max_age)


def is_low(product_id: str, share: float) -> bool:
    """Whether the product is low on stock in the model: a stable pick by its id."""
    return int(product_id[:8], 16) / 16**8 < share


def buckets_for(purchase_rate: float) -> int:
    return min(MAX_BUCKETS, max(1, math.ceil(purchase_rate / BUCKET_PURCHASES)))


@dataclass
class Heat:
    """Units per second by (table or index, partition key)."""

    writes: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    reads: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    busiest_item: tuple[str, float] = ("", 0.0)

    def write(self, target: str, partition: str, units: float) -> None:
        self.writes[(target, partition)] += units

    def read(self, target: str, partition: str, units: float) -> None:
        self.reads[(target, partition)] += units


def model(workload: Workload, sizes: Sizes, keys: Any) -> Heat:  # noqa: PLR0915 - one story
    from app.db.keys import search_key, shard_of

    heat = Heat()
    rng = random.Random(20261126)
    product_ids = [f"{rng.getrandbits(128):032x}" for _ in range(workload.products)]
    flash = product_ids[0] if workload.flash_purchases else None
    shares = zipf_shares(workload.products, workload.zipf)
    buyers = 1_000_000  # the user partitions: each buyer's rate is tiny
    user = keys.user_partition("any-user")

    # --- purchases: BatchGetItem (product definitions, key claim) + TransactWriteItems ------
    purchase_rates = {
        pid: workload.purchases * share for pid, share in zip(product_ids, shares, strict=True)
    }
    if flash:
        purchase_rates[flash] = purchase_rates.get(flash, 0) + workload.flash_purchases
    total_purchases = sum(purchase_rates.values())
    for product_id, rate in purchase_rates.items():
        buckets = buckets_for(rate)
        product_partition = keys.product_partition(product_id)
        heat.read(TABLE, product_partition, rate * read_units(sizes.product, consistent=False))
        for bucket in range(buckets):
            per_bucket = rate / buckets
            partition = keys.stock_partition(product_id, bucket)
            # the bucket's ADD and the ledger entry, in the bucket's partition
            units = write_units(sizes.bucket) + write_units(sizes.ledger_entry)
            heat.write(TABLE, partition, per_bucket * units)
            if bucket == 0 and (product_id == flash or is_low(product_id, workload.low_share)):
                low = keys.low_stock_attributes(product_id)["GSI3PK"]
                heat.write(INDEX_OF_PK["GSI3PK"], low, per_bucket * 2 * write_units(100))
            if per_bucket > heat.busiest_item[1]:
                heat.busiest_item = (partition, per_bucket)
    # the order (sharded by its id), its entry in the buyer's orders, the key's claim
    for shard in range(keys.order_shards):
        share = total_purchases / keys.order_shards
        heat.write(TABLE, keys.orders_partition(shard), share * write_units(sizes.order))
    per_buyer = total_purchases / buyers
    heat.write(INDEX_OF_PK["GSI1PK"], keys.user_orders_listing("a-buyer"), per_buyer * 2)
    heat.write(TABLE, keys.idempotency("a-buyer", "k")["PK"], write_units(sizes.idempotency))
    heat.read(TABLE, user, per_buyer * 2 * read_units(sizes.profile, consistent=True))

    # --- page views ---------------------------------------------------------------------------
    product_views = workload.views * VIEW_MIX["product"]
    for product_id, share in zip(product_ids, shares, strict=True):
        views = product_views * share + (workload.flash_views if product_id == flash else 0)
        rate = origin_rate(views, workload.product_max_age, workload.cdn)
        buckets = buckets_for(purchase_rates[product_id])
        # BatchGetItem, strongly consistent: the product and its buckets
        heat.read(
            TABLE,
            keys.product_partition(product_id),
            rate * (read_units(sizes.product, consistent=True) + 1),
        )
        for bucket in range(1, buckets):
            heat.read(TABLE, keys.stock_partition(product_id, bucket), rate)

    # listings: the whole catalog or one category, page n with probability decaying by n
    page_units = read_units(20 * sizes.product, consistent=False)
    listing_views = workload.views * VIEW_MIX["listing"]
    category_shares = zipf_shares(CATEGORIES, 1.0)
    scopes = [("GSI1PK", keys.products_listing(), 0.3)] + [
        ("GSI2PK", keys.category_listing(f"Category {n}"), 0.7 * s)
        for n, s in enumerate(category_shares)
    ]
    for index_pk, partition, share in scopes:
        for page in range(1, 30):
            views = listing_views * share * (1 - PAGE_DEPTH_DECAY) * PAGE_DEPTH_DECAY ** (page - 1)
            rate = origin_rate(views, workload.listing_max_age, workload.cdn)
            heat.read(INDEX_OF_PK[index_pk], partition, rate * page_units)

    # searches: Zipf-popular texts, each in the word index partition of its first letter
    search_views = workload.views * VIEW_MIX["search"]
    letters = list(FIRST_LETTERS)
    weights = list(FIRST_LETTERS.values())
    for share in zipf_shares(SEARCH_QUERIES, 1.0):
        letter = rng.choices(letters, weights)[0]
        rate = origin_rate(search_views * share, workload.listing_max_age, workload.cdn)
        partition = keys.words_listing(search_key(letter))
        heat.read(
            INDEX_OF_PK["GSI2PK"],
            partition,
            rate * read_units(20 * sizes.word_entry, consistent=False),
        )

    _ = shard_of  # the shards above come from the same functions the app uses
    return heat


# --- report --------------------------------------------------------------------------------


def busiest(units: dict[tuple[str, str], float], target: str) -> tuple[str, float]:
    candidates = [(partition, value) for (t, partition), value in units.items() if t == target]
    return max(candidates, key=lambda pair: pair[1], default=("-", 0.0))


def report(heat: Heat, workload: Workload, sizes: Sizes) -> float:
    """Print the table; return the highest share of a limit (1.0 = at the limit)."""
    targets: Iterable[str] = (TABLE, *INDEX_OF_PK.values())
    print(
        f"\nworkload: {workload.purchases:,.0f} purchases/s and {workload.views:,.0f} page"
        f" views/s over {workload.products:,} products (Zipf s={workload.zipf}), plus one"
        f" flash-sale product at {workload.flash_purchases:,.0f} purchases/s and"
        f" {workload.flash_views:,.0f} views/s; CloudFront: {'yes' if workload.cdn else 'no'};"
        f" low on stock: {workload.low_share:.0%} of the products and the flash-sale one"
    )
    print(
        f"item sizes (bytes): product {sizes.product}, stock bucket {sizes.bucket}, ledger"
        f" entry {sizes.ledger_entry}, order {sizes.order}, idempotency record"
        f" {sizes.idempotency}, search entry {sizes.word_entry}"
    )
    print(
        f"\n| {'table / index':<16} | {'busiest partition (writes)':<44} | {'WCU/s':>8} |"
        f" {'% of 1,000':>10} | {'busiest partition (reads)':<44} | {'RCU/s':>8} |"
        f" {'% of 3,000':>10} |"
    )
    print(f"|{'-' * 18}|{'-' * 46}|{'-' * 10}|{'-' * 12}|{'-' * 46}|{'-' * 10}|{'-' * 12}|")
    worst = 0.0
    for target in targets:
        w_partition, w_units = busiest(heat.writes, target)
        r_partition, r_units = busiest(heat.reads, target)
        w_share, r_share = w_units / WCU_LIMIT, r_units / RCU_LIMIT
        worst = max(worst, w_share, r_share)
        print(
            f"| {target:<16} | {w_partition[:44]:<44} | {w_units:>8,.0f} | {w_share:>10.0%} |"
            f" {r_partition[:44]:<44} | {r_units:>8,.0f} | {r_share:>10.0%} |"
        )
    item, rate = heat.busiest_item
    print(f"\nbusiest item: {item}, {rate:,.0f} purchases/s")
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--purchases", type=float, default=10_000)
    parser.add_argument("--views", type=float, default=50_000)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--zipf", type=float, default=1.0)
    parser.add_argument("--flash-purchases", type=float, default=2_000)
    parser.add_argument("--flash-views", type=float, default=10_000)
    parser.add_argument("--no-cdn", action="store_true")
    parser.add_argument("--low-share", type=float, default=0.25)
    defaults = Settings.model_fields
    parser.add_argument(
        "--order-shards", type=int, default=defaults["order_partition_shards"].default
    )
    parser.add_argument(
        "--low-stock-shards", type=int, default=defaults["low_stock_shards"].default
    )
    args = parser.parse_args()
    os.environ.setdefault("APP_ENV", "local")  # settings without secrets: nothing runs

    from app.db.keys import Keys
    from app.db.table import Table
    from app.products.router import LISTING_MAX_AGE, PRODUCT_MAX_AGE
    from bench.common import result

    keys = Keys("shop", order_shards=args.order_shards, low_stock_shards=args.low_stock_shards)
    table = Table(client=None, name="model", keys=keys)
    workload = Workload(
        purchases=args.purchases,
        views=args.views,
        products=args.products,
        zipf=args.zipf,
        flash_purchases=args.flash_purchases,
        flash_views=args.flash_views,
        cdn=not args.no_cdn,
        product_max_age=PRODUCT_MAX_AGE,
        listing_max_age=LISTING_MAX_AGE,
        low_share=args.low_share,
    )
    sizes = measure_sizes(table)
    worst = report(model(workload, sizes, keys), workload, sizes)
    if workload.low_share < 1:
        all_low = model(dataclasses.replace(workload, low_share=1.0), sizes, keys)
        partition, units = busiest(all_low.writes, INDEX_OF_PK["GSI3PK"])
        print(
            f"if every product were low at once: busiest low-stock shard {partition},"
            f" {units:,.0f} WCU/s ({units / WCU_LIMIT:.0%})"
        )
    result("partition heat, busiest partition / its limit", worst, "<=", BUDGET)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
