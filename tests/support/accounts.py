"""Make users of any role through the public API (and the CLI path for admins)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

from app.auth import repository
from app.core.roles import Role
from app.core.timeutil import now_iso
from app.db.table import Table

_numbers = itertools.count(1)


@dataclass
class Account:
    id: str
    email: str
    password: str
    role: Role
    access_token: str = ""
    refresh_token: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    store: str | None = None  # X-Store: the account's store (None: the default one)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"} | self.store_header

    @property
    def store_header(self) -> dict[str, str]:
        return {"X-Store": self.store} if self.store else {}


class Accounts:
    def __init__(self, client: TestClient, table: Table, store: str | None = None) -> None:
        self.client = client
        self.store = store
        self.table = table.for_store(store) if store else table

    def sign_up(self, email: str | None = None, password: str = "s3cret-passphrase") -> Account:
        email = email or f"user{next(_numbers)}@example.com"
        response = self.client.post(
            "/auth/signup",
            json={"email": email, "password": password, "name": "Test User"},
            headers={"X-Store": self.store} if self.store else {},
        )
        assert response.status_code == 201, response.text
        return Account(
            id=response.json()["id"],
            email=email,
            password=password,
            role=Role.USER,
            store=self.store,
        )

    def log_in(self, account: Account) -> Account:
        response = self.client.post(
            "/auth/login",
            data={"username": account.email, "password": account.password},
            headers=account.store_header,
        )
        assert response.status_code == 200, response.text
        tokens = response.json()
        account.access_token = tokens["access_token"]
        account.refresh_token = tokens["refresh_token"]
        return account

    def make(self, role: Role = Role.USER, email: str | None = None) -> Account:
        """A logged-in account with the given role (set directly in the table)."""
        account = self.sign_up(email)
        if role != Role.USER:
            user = repository.get(self.table, user_id=account.id)
            assert user is not None
            repository.change_role(self.table, user=user, role=role, now=now_iso())
            account.role = role
        return self.log_in(account)
