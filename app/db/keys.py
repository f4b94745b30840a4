"""Every key of the single table, every index and what it holds, every cursor scope.

Each partition key of a store's data starts with the store prefix `S#<store>#`, and a
store's keys can only be built from `Keys(store)`; the stores themselves live under `P#`.
The items, their keys and indexes are described once, in docs/ARCHITECTURE.md ("One table").

Listings sort on `name_sort_key(name) + NAME_ID_SEPARATOR + id`. The separator sorts before
every character a name may hold, so "Widget" comes before "Widget Pro".
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

Key = dict[str, str]

PROFILE = "PROFILE"
SESSION_PREFIX = "SESSION#"
PRODUCT = "PRODUCT"
STOCK = "STOCK"
AUDIT_PREFIX = "AUDIT#"
AUDIT_SHARDS = 16  # the audit log's partitions: a store's purchases write entries fast
WEBHOOK_PREFIX = "WEBHOOK#"
DELIVERY_PREFIX = "DELIVERY#"
# a shopper's back-in-stock request, in the product's partition; like every other item there
# but the ledger's, it sorts after PRODUCT: the ledger is read as "everything up to PRODUCT"
NOTIFY_PREFIX = "WATCH#"
STOCK_LOW = "STOCK_LOW"  # a product below its store's low-stock threshold (one per crossing)
REMOVED = "REMOVED"  # a removed product's last word: what it was, who removed it (a day)
WORD_PREFIX = "WORD#"
LEDGER_PREFIX = "LEDGER#"
ORDER_PREFIX = "ORDER#"
IDEMPOTENCY = "IDEMPOTENCY"
JOB = "JOB"
IMPORT_ROW_PREFIX = "ROW#"
IMPORT_CHUNK_PREFIX = "CHUNK#"
NAME_ID_SEPARATOR = "\x1f"  # ASCII unit separator: names may not contain control characters

BY_NAME = "GSI1"
BY_GROUP = "GSI2"
BY_STOCK = "GSI3"

# the low-stock index's sort key: stock x 10^20 + a 64-bit hash of the product (< 10^20),
# unique per product, moved by the same ADD that moves the stock
STOCK_KEY = "stock_key"
STOCK_KEY_SCALE = 10**20

MAX_NAME_WORDS = 12  # word entries per product name (a few writes per edit)


def shard_of(item_id: str, shards: int) -> int:
    """A stable shard number for an id, spread evenly (see app/db/sharding.py)."""
    return _hash64(item_id) % shards


def _hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def name_sort_key(text: str) -> str:
    """How names sort and match a search prefix: case- and width-insensitive."""
    return unicodedata.normalize("NFKC", text).casefold()


def search_key(text: str) -> str:
    """How words match a search: case-, width- and accent-insensitive ("Crème" is
    "creme"), with runs of spaces as one."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(unicodedata.normalize("NFKC", bare).casefold().split())


def name_suffixes(name: str) -> Iterator[str]:
    """The name from each of its words on: "bamboo cutting board", "cutting board",
    "board". A search matches the start of one of them, so it finds a word anywhere in the
    name, or several words in a row."""
    words = search_key(name).split(" ")
    for start in range(min(len(words), MAX_NAME_WORDS)):
        suffix = " ".join(words[start:])
        if suffix:
            yield suffix


def stock_key(stock: int, product_id: str) -> int:
    return stock * STOCK_KEY_SCALE + _hash64(product_id) % STOCK_KEY_SCALE


# --- the platform: the stores themselves (not inside any store) --------------------------------
@dataclass(frozen=True)
class ProductItem:
    """What the key of a product's definition or of one of its stock buckets names."""

    store: str
    product_id: str
    bucket: int | None  # None: the definition


def product_item_of(key: Mapping[str, str]) -> ProductItem | None:
    """The store, product and bucket a key names (`S#<store>#PRODUCT#<id>[#<b>]`, SK
    `PRODUCT` or `STOCK`), or None for any other item: how a change stream tells them."""
    sk = key.get("SK")
    if sk not in (PRODUCT, STOCK):
        return None
    parts = key.get("PK", "").split("#")
    if len(parts) not in (4, 5) or parts[0] != "S" or parts[2] != "PRODUCT":
        return None
    if sk == PRODUCT:
        return ProductItem(parts[1], parts[3], None) if len(parts) == 4 else None
    bucket = parts[4] if len(parts) == 5 else "0"
    return ProductItem(parts[1], parts[3], int(bucket)) if bucket.isdigit() else None


PLATFORM_PREFIX = "P#"
STORE = "STORE"


def store_key(slug: str) -> Key:
    return {"PK": f"{PLATFORM_PREFIX}STORE#{slug}", "SK": STORE}


def domain_key(host: str) -> Key:
    """The item that makes a host name select one store (and only one)."""
    return {"PK": f"{PLATFORM_PREFIX}DOMAIN#{host.lower()}", "SK": "DOMAIN"}


def stores_listing() -> str:
    """BY_NAME partition of every store (by slug)."""
    return f"{PLATFORM_PREFIX}STORES"


def store_index_attributes(slug: str) -> Key:
    return {"GSI1PK": stores_listing(), "GSI1SK": slug}


STORES_SCOPE = f"stores|{stores_listing()}"


@dataclass(frozen=True)
class Keys:
    store: str
    order_shards: int = 64
    low_stock_shards: int = 64

    def _pk(self, *parts: str) -> str:
        return "#".join(("S", self.store, *parts))

    # --- users ---------------------------------------------------------------------------
    def user_partition(self, user_id: str) -> str:
        return self._pk("USER", user_id)

    def user(self, user_id: str) -> Key:
        return {"PK": self.user_partition(user_id), "SK": PROFILE}

    def user_removal(self, user_id: str) -> Key:
        """A removed account's last word (who removed it), kept a day for the stream."""
        return {"PK": self.user_partition(user_id), "SK": REMOVED}

    def user_id_of(self, partition: str) -> str:
        return partition.removeprefix(self.user_partition(""))

    def session(self, user_id: str, session_id: str) -> Key:
        return {"PK": self.user_partition(user_id), "SK": SESSION_PREFIX + session_id}

    def email(self, email: str) -> Key:
        """The item that makes an e-mail unique, case-insensitively."""
        return {"PK": self._pk("EMAIL", email.casefold()), "SK": "EMAIL"}

    def users_listing(self) -> str:
        """BY_NAME partition of every user (by creation time)."""
        return self._pk("USERS")

    def users_by_email(self) -> str:
        """BY_GROUP partition of every user (by e-mail, case-insensitively)."""
        return self._pk("USERS-BY-EMAIL")

    def user_index_attributes(self, *, user_id: str, email: str, created_at: str) -> Key:
        return {
            "GSI1PK": self.users_listing(),
            "GSI1SK": f"{created_at}#{user_id}",
            "GSI2PK": self.users_by_email(),
            "GSI2SK": f"{email.casefold()}{NAME_ID_SEPARATOR}{user_id}",
        }

    def staff_listing(self) -> str:
        return self._pk("STAFF")

    def staff_attributes(self, staff: bool) -> dict[str, Any]:
        """What lists a stock manager's or admin's profile in the staff listing (those the
        store's low-stock mail goes to): a sparse entry in the BY_STOCK index, whose
        partitions are otherwise the low-stock listing's. None values take it out."""
        return {"GSI3PK": self.staff_listing() if staff else None, STOCK_KEY: 0 if staff else None}

    def admin_counter(self) -> Key:
        return {"PK": self._pk("COUNTER"), "SK": "ADMINS"}

    # log-in attempts, per account (e-mail as typed) and per client address
    def login_partition(self, email: str) -> str:
        return self._pk("LOGIN", email.casefold())

    def login_account(self, email: str) -> Key:
        return {"PK": self.login_partition(email), "SK": "ACCOUNT"}

    def login_client(self, email: str, client: str) -> Key:
        return {"PK": self.login_partition(email), "SK": f"CLIENT#{client}"}

    def password_reset(self, token_hash: str) -> Key:
        """A password-reset token, by its SHA-256 (the token itself is never stored)."""
        return {"PK": self._pk("RESET", token_hash), "SK": "RESET"}

    def reset_mail_budget(self, user_id: str) -> Key:
        return {"PK": self.user_partition(user_id), "SK": "RESET-MAILS"}

    def upload_claim(self, upload_key: str) -> Key:
        """Who confirmed an image upload first (the key is used once; the item expires)."""
        return {"PK": self._pk("UPLOAD", upload_key), "SK": "CLAIM"}

    # --- products --------------------------------------------------------------------------
    def product_partition(self, product_id: str) -> str:
        return self._pk("PRODUCT", product_id)

    def product(self, product_id: str) -> Key:
        return {"PK": self.product_partition(product_id), "SK": PRODUCT}

    # --- the audit log ---------------------------------------------------------------------
    def audit_partitions(self) -> list[str]:
        return [self._pk("AUDIT", str(shard)) for shard in range(AUDIT_SHARDS)]

    def audit_entry(self, at: str, event_id: str) -> Key:
        """An entry sorts by when, in one of AUDIT_SHARDS partitions (by its event's id: a
        replayed event lands on the same key)."""
        partition = self._pk("AUDIT", str(shard_of(event_id, AUDIT_SHARDS)))
        return {"PK": partition, "SK": f"{AUDIT_PREFIX}{at}#{event_id}"}

    def audit_scope(self, actor: str | None, entity: str | None) -> str:
        return f"audit|{self.store}|{actor or ''}|{entity or ''}"

    def back_in_stock_request(self, product_id: str, user_id: str) -> Key:
        return {"PK": self.product_partition(product_id), "SK": NOTIFY_PREFIX + user_id}

    # --- jobs (exports, imports) ---------------------------------------------------------
    def job_partition(self, job_id: str) -> str:
        return self._pk("JOB", job_id)

    def job(self, job_id: str) -> Key:
        return {"PK": self.job_partition(job_id), "SK": JOB}

    def import_row(self, job_id: str, row: int) -> Key:
        """What an import did with a product, by the product's first row: written with the
        product's change, so a retried chunk counts it once (the item expires with the job)."""
        return {"PK": self.job_partition(job_id), "SK": f"{IMPORT_ROW_PREFIX}{row:09d}"}

    def import_chunk(self, job_id: str, chunk: int) -> Key:
        """Says a chunk of an import is counted in the job's totals (once)."""
        return {"PK": self.job_partition(job_id), "SK": f"{IMPORT_CHUNK_PREFIX}{chunk:06d}"}

    # --- webhooks ------------------------------------------------------------------------
    def webhooks_partition(self) -> str:
        return self._pk("WEBHOOKS")

    def webhook(self, webhook_id: str) -> Key:
        return {"PK": self.webhooks_partition(), "SK": WEBHOOK_PREFIX + webhook_id}

    def webhook_counter(self) -> Key:
        """How many webhooks the store has: the limit is a condition on it."""
        return {"PK": self.webhooks_partition(), "SK": "COUNT"}

    def deliveries_partition(self, webhook_id: str) -> str:
        return self._pk("WEBHOOK", webhook_id)

    def delivery(self, webhook_id: str, at: str, event_id: str) -> Key:
        """A delivery sorts by its event's time (the same on a replay of the event)."""
        return {
            "PK": self.deliveries_partition(webhook_id),
            "SK": f"{DELIVERY_PREFIX}{at}#{event_id}",
        }

    def webhook_removal(self, webhook_id: str) -> Key:
        return {"PK": self.deliveries_partition(webhook_id), "SK": REMOVED}

    def deliveries_scope(self, webhook_id: str) -> str:
        return f"deliveries|{self.store}|{webhook_id}"

    def stock_low(self, product_id: str) -> Key:
        """Says the product is below its store's low-stock threshold: written by the
        stream's consumer when a decrease takes it there (the write is the `StockLow`
        event, once per crossing), removed when its stock rises above again."""
        return {"PK": self.product_partition(product_id), "SK": STOCK_LOW}

    def product_removal(self, product_id: str) -> Key:
        return {"PK": self.product_partition(product_id), "SK": REMOVED}

    def product_id_of(self, partition: str) -> str:
        """The product whose partition (or bucket 0's) this is."""
        return partition.removeprefix(self.product_partition(""))

    def sku(self, sku: str) -> Key:
        """The item that makes a SKU unique in the store, case-insensitively."""
        return {"PK": self._pk("SKU", sku.casefold()), "SK": "SKU"}

    def products_listing(self) -> str:
        """BY_NAME partition of every product (by name)."""
        return self._pk("PRODUCTS")

    def category_listing(self, category: str) -> str:
        """BY_GROUP partition of the products of one category (by name)."""
        return self._pk("CATEGORY", name_sort_key(category))

    def product_index_attributes(self, *, product_id: str, name: str, category: str) -> Key:
        sort_key = f"{name_sort_key(name)}{NAME_ID_SEPARATOR}{product_id}"
        return {
            "GSI1PK": self.products_listing(),
            "GSI1SK": sort_key,
            "GSI2PK": self.category_listing(category),
            "GSI2SK": sort_key,
        }

    def categories_partition(self) -> str:
        return self._pk("CATEGORIES")

    def category_counter(self, category: str) -> Key:
        """How many products a category has; all of a store's in one partition, by name."""
        return {"PK": self.categories_partition(), "SK": name_sort_key(category)}

    def word_entry(self, product_id: str, position: int) -> Key:
        return {"PK": self.product_partition(product_id), "SK": f"{WORD_PREFIX}{position:02d}"}

    def words_listing(self, text: str) -> str:
        """BY_GROUP partition of the name suffixes starting with text's first character."""
        return self._pk("WORDS", text[:1])

    def word_index_attributes(self, *, suffix: str, product_id: str) -> Key:
        return {
            "GSI2PK": self.words_listing(suffix),
            "GSI2SK": f"{suffix}{NAME_ID_SEPARATOR}{product_id}",
        }

    # --- stock and its ledger ------------------------------------------------------------
    def stock_partition(self, product_id: str, bucket: int) -> str:
        """Bucket 0 lives with the product; others in partitions of their own, so a hot
        product's purchases spread over as many partitions as it has buckets."""
        base = self.product_partition(product_id)
        return base if bucket == 0 else f"{base}#{bucket}"

    def stock_bucket(self, product_id: str, bucket: int) -> Key:
        return {"PK": self.stock_partition(product_id, bucket), "SK": STOCK}

    def ledger_entry(self, product_id: str, bucket: int, at: str, entry_id: str) -> Key:
        """A stock ledger entry; `at` (ISO 8601 UTC) first, so entries sort by time."""
        return {
            "PK": self.stock_partition(product_id, bucket),
            "SK": f"{LEDGER_PREFIX}{at}#{entry_id}",
        }

    def low_stock_listing(self, shard: int) -> str:
        return self._pk("LOWSTOCK", str(shard))

    def low_stock_listings(self) -> list[str]:
        return [self.low_stock_listing(n) for n in range(self.low_stock_shards)]

    def low_stock_attributes(self, product_id: str) -> Key:
        """What puts a stock bucket (0) into the low-stock index; its position is its
        `stock_key`."""
        return {"GSI3PK": self.low_stock_listing(shard_of(product_id, self.low_stock_shards))}

    # --- orders ----------------------------------------------------------------------------
    def orders_partition(self, shard: int) -> str:
        return self._pk("ORDERS", str(shard))

    def orders_partitions(self) -> list[str]:
        return [self.orders_partition(n) for n in range(self.order_shards)]

    def order(self, order_id: str) -> Key:
        """Orders are spread over `order_shards` partitions by a hash of their id: no
        purchase writes to a partition the whole store shares."""
        shard = shard_of(order_id, self.order_shards)
        return {"PK": self.orders_partition(shard), "SK": ORDER_PREFIX + order_id}

    def user_orders_listing(self, user_id: str) -> str:
        """BY_NAME partition of one user's orders (by id, which sorts by time)."""
        return self._pk("USER", user_id, "ORDERS")

    def order_index_attributes(self, *, order_id: str, user_id: str) -> Key:
        return {"GSI1PK": self.user_orders_listing(user_id), "GSI1SK": order_id}

    def idempotency(self, user_id: str, key: str) -> Key:
        return {"PK": self._pk("IDEMPOTENCY", user_id, key), "SK": IDEMPOTENCY}

    def health(self) -> Key:
        return {"PK": self._pk("HEALTH"), "SK": "HEALTH"}

    # --- what each cursor is bound to ------------------------------------------------------
    def users_scope(self, email_prefix: str | None) -> str:
        if email_prefix is None:
            return f"users|{self.users_listing()}"
        return f"users|{self.users_by_email()}|{email_prefix.casefold()}"

    def products_scope(self, *, category: str | None, q: str | None, status: str) -> str:
        partition = self.category_listing(category) if category else self.products_listing()
        return f"products|{partition}|{search_key(q or '')}|{status}"

    def user_orders_scope(self, user_id: str, status: str | None) -> str:
        return f"orders|{self.user_orders_listing(user_id)}|{status or '*'}"

    def store_orders_scope(self, status: str | None) -> str:
        return f"store-orders|{self.store}|{status or '*'}"

    def movements_scope(self, product_id: str) -> str:
        return f"movements|{self.product_partition(product_id)}"

    def low_stock_scope(self, threshold: int) -> str:
        return f"low-stock|{self.store}|{threshold}"
