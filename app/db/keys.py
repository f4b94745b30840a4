"""Every key format of the single table, in one place.

Each partition key starts with the store prefix `S#<store_id>#` so several stores can share
the table later without a migration. Index use:

- GSI1 (GSI1PK, GSI1SK): listings -- users by creation time, products by name,
  a user's orders by time.
- GSI2 (GSI2PK, GSI2SK): products of one category by name; users by e-mail; the store's
  orders by status and time, spread over `order_shards` partitions.
- GSI3 (GSI3PK, stock:N): products by stock level (low-stock report).

Product listings sort on `name_sort_key(name) + NAME_ID_SEPARATOR + id`. The separator sorts
before every character a name may hold, so "Widget" comes before "Widget Pro".
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

Key = dict[str, str]

PROFILE = "PROFILE"
SESSION_PREFIX = "SESSION#"
PRODUCT = "PRODUCT"
LEDGER_PREFIX = "LEDGER#"
NAME_ID_SEPARATOR = "\x1f"  # ASCII unit separator: names may not contain control characters


def shard_of(item_id: str, shards: int) -> int:
    """A stable shard number for an id, spread evenly (see app/db/sharding.py)."""
    digest = hashlib.blake2b(item_id.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


def name_sort_key(text: str) -> str:
    """How names sort and match a search prefix: case- and width-insensitive."""
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True)
class Keys:
    store: str
    order_shards: int = 20

    def _pk(self, *parts: str) -> str:
        return "#".join(("S", self.store, *parts))

    # users and their sessions share the user's partition
    def user_partition(self, user_id: str) -> str:
        return self._pk("USER", user_id)

    def user(self, user_id: str) -> Key:
        return {"PK": self.user_partition(user_id), "SK": PROFILE}

    def session(self, user_id: str, session_id: str) -> Key:
        return {"PK": self.user_partition(user_id), "SK": SESSION_PREFIX + session_id}

    def email(self, email: str) -> Key:
        """The item that makes an e-mail unique, case-insensitively."""
        return {"PK": self._pk("EMAIL", email.casefold()), "SK": "EMAIL"}

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

    def admin_counter(self) -> Key:
        return {"PK": self._pk("COUNTER"), "SK": "ADMINS"}

    def users_listing(self) -> str:
        """GSI1PK of every user."""
        return self._pk("USERS")

    def users_by_email(self) -> str:
        """GSI2PK of every user, sorted by e-mail (case-insensitively)."""
        return self._pk("USERS-BY-EMAIL")

    # products, their SKU claims and their stock ledger (in the product's partition)
    def product_partition(self, product_id: str) -> str:
        return self._pk("PRODUCT", product_id)

    def product(self, product_id: str) -> Key:
        return {"PK": self.product_partition(product_id), "SK": PRODUCT}

    def ledger_entry(self, product_id: str, at: str, entry_id: str) -> Key:
        """A stock ledger entry; `at` (ISO 8601 UTC) first, so entries sort by time."""
        return {"PK": self.product_partition(product_id), "SK": f"{LEDGER_PREFIX}{at}#{entry_id}"}

    def sku(self, sku: str) -> Key:
        """The item that makes a SKU unique in the store, case-insensitively."""
        return {"PK": self._pk("SKU", sku.casefold()), "SK": "SKU"}

    def products_listing(self) -> str:
        """GSI1PK of every product (sorted by name)."""
        return self._pk("PRODUCTS")

    def category_listing(self, category: str) -> str:
        """GSI2PK of the products of one category (sorted by name)."""
        return self._pk("CATEGORY", name_sort_key(category))

    def category_counter(self, category: str) -> Key:
        """How many products a category has; all of a store's in one partition, by name."""
        return {"PK": self.categories_partition(), "SK": name_sort_key(category)}

    def categories_partition(self) -> str:
        return self._pk("CATEGORIES")

    def stock_listing(self) -> str:
        """GSI3PK of every product (sorted by stock level)."""
        return self._pk("STOCK")

    # orders and idempotency records
    def order(self, order_id: str) -> Key:
        return {"PK": self._pk("ORDER", order_id), "SK": "ORDER"}

    def user_orders_listing(self, user_id: str) -> str:
        """GSI1PK of one user's orders (sorted by creation time)."""
        return self._pk("USER", user_id, "ORDERS")

    def orders_listing(self, status: str, shard: int) -> str:
        """GSI2PK of one shard of the store's orders of one status (sorted by time)."""
        return self._pk("ORDERS", status, str(shard))

    def orders_listings(self, statuses: Sequence[str]) -> list[str]:
        """Every shard of the store's orders of these statuses."""
        return [self.orders_listing(s, n) for s in statuses for n in range(self.order_shards)]

    def order_listing_of(self, order_id: str, status: str) -> str:
        return self.orders_listing(status, shard_of(order_id, self.order_shards))

    def idempotency(self, user_id: str, key: str) -> Key:
        return {"PK": self._pk("IDEMPOTENCY", user_id, key), "SK": "IDEMPOTENCY"}

    def health(self) -> Key:
        return {"PK": self._pk("HEALTH"), "SK": "HEALTH"}
