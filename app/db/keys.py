"""Every key format of the single table, in one place.

Each partition key starts with the store prefix `S#<store_id>#` so several stores can share
the table later without a migration. Index use:

- GSI1 (GSI1PK, GSI1SK): listings -- users by creation time, products by name,
  a user's orders by time.
- GSI2 (GSI2PK, GSI2SK): products of one category by name.
- GSI3 (GSI3PK, stock:N): products by stock level (low-stock report).
"""

from __future__ import annotations

from dataclasses import dataclass

Key = dict[str, str]

PROFILE = "PROFILE"
SESSION_PREFIX = "SESSION#"


@dataclass(frozen=True)
class Keys:
    store: str

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

    def login_throttle(self, email: str) -> Key:
        return {"PK": self._pk("LOGIN", email.casefold()), "SK": "THROTTLE"}

    def admin_counter(self) -> Key:
        return {"PK": self._pk("COUNTER"), "SK": "ADMINS"}

    def users_listing(self) -> str:
        """GSI1PK of every user."""
        return self._pk("USERS")

    def health(self) -> Key:
        return {"PK": self._pk("HEALTH"), "SK": "HEALTH"}
