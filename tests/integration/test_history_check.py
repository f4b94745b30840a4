"""The history check most stock tests end with (tests/support/history.py) finds what it is
there to find: a passing suite means little if the check it relies on cannot fail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.codec import serialize
from app.db.table import Table
from tests.support.accounts import Accounts
from tests.support.catalog import create_product
from tests.support.history import check_history, ledger_of
from tests.support.http import stored_item
from tests.support.invariants import check_invariants


class Sale:
    """A product of 5 and an order for 2 of it, as the service stored them."""

    def __init__(self, client: TestClient, table: Table, accounts: Accounts) -> None:
        product = create_product(client, accounts.make(Role.ADMIN), name="Anvil", stock=5)
        body = {"items": [{"product_id": product["id"], "quantity": 2}]}
        placed = client.post("/orders", headers=accounts.make().headers, json=body)
        assert placed.status_code == 201, placed.text
        self.table, self.product_id, self.order_id = table, product["id"], placed.json()["id"]

    def check(self) -> dict[str, int]:
        return check_history(self.table, [self.product_id], [self.order_id])

    def change(self, key: dict[str, str], **values: Any) -> None:
        """Rewrite the stored item at `key` with `values` changed, as no request would."""
        item = stored_item(self.table, key) | values
        self.table.client.put_item(TableName=self.table.name, Item=serialize(item))

    def delete(self, key: dict[str, str]) -> None:
        self.table.client.delete_item(TableName=self.table.name, Key=serialize(key))


@pytest.fixture
def sale(client: TestClient, table: Table, accounts: Accounts) -> Sale:
    return Sale(client, table, accounts)


def test_what_the_service_stored_passes(sale: Sale) -> None:
    assert sale.check() == {sale.product_id: 3}
    assert check_invariants(sale.table) == {"users": 2, "products": 1, "orders": 1}


def _lose_the_purchase_entry(sale: Sale) -> None:
    entry = ledger_of(sale.table, sale.product_id)[-1]
    sale.delete({"PK": entry["PK"], "SK": entry["SK"]})


def _add_a_unit_silently(sale: Sale) -> None:
    sale.change(sale.table.keys.stock_bucket(sale.product_id, 0), stock=4)


def _mark_it_sold_out(sale: Sale) -> None:
    sale.change(sale.table.keys.product(sale.product_id), in_stock=False)


def _sell_a_third_unit_on_paper(sale: Sale) -> None:
    key = sale.table.keys.order(sale.order_id)
    [line] = stored_item(sale.table, key)["lines"]
    sale.change(key, lines=[line | {"quantity": 3}])


def _lose_the_order(sale: Sale) -> None:
    sale.delete(sale.table.keys.order(sale.order_id))


TAMPERING: dict[str, tuple[Callable[[Sale], None], str]] = {
    "a ledger entry lost": (_lose_the_purchase_entry, "a stock change without its ledger entry"),
    "stock changed without an entry": (_add_a_unit_silently, "deltas do not add up"),
    "in_stock wrong": (_mark_it_sold_out, "in_stock disagrees with the stock"),
    "an order line's quantity changed": (_sell_a_third_unit_on_paper, "ledger and orders"),
    "the order lost": (_lose_the_order, "nothing stored at"),
}


@pytest.mark.parametrize("tampering", TAMPERING)
def test_a_broken_history_fails_the_check(sale: Sale, tampering: str) -> None:
    tamper, message = TAMPERING[tampering]
    tamper(sale)
    with pytest.raises(AssertionError, match=message):
        sale.check()
    with pytest.raises(AssertionError):  # the scan the invariants make, handed on
        check_invariants(sale.table)
