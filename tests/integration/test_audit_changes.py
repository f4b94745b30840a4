"""The audit log beyond the catalog's events, from DynamoDB Local's real change stream:
role changes, removed accounts (by an admin or by themselves), a store's settings and its
webhooks -- each with who did it and what it was before and after."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.table import Table
from app.events.publishing import EventsOut, LogPublisher
from tests.integration.test_events_out import stream_records
from tests.support.accounts import Accounts

pytestmark = pytest.mark.dynamodb


def audit(client: TestClient, headers: dict[str, str], entity: str) -> list[dict[str, Any]]:
    answer = client.get(f"/admin/audit?entity={entity}", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def test_people_store_settings_and_webhooks_are_audited_with_who_did_it(
    table: Table, client: TestClient, accounts: Accounts
) -> None:
    table.create()  # the stream
    admin = accounts.make(Role.ADMIN)
    operator = accounts.make(Role.PLATFORM_ADMIN)
    clerk = accounts.make()
    leaver = accounts.make()
    closer = accounts.make()
    role = client.patch(
        f"/admin/users/{clerk.id}/role", headers=admin.headers, json={"role": "stock_manager"}
    )
    assert role.status_code == 200
    assert client.delete(f"/admin/users/{leaver.id}", headers=admin.headers).status_code == 204
    closed = client.request(
        "DELETE", "/auth/me", json={"password": closer.password}, headers=closer.headers
    )
    assert closed.status_code == 204, closed.text
    patched = client.patch(
        "/platform/stores/default",
        headers=operator.headers,
        json={"settings": {"low_stock_threshold": 2}},
    )
    assert patched.status_code == 200, patched.text
    hook = client.post(
        "/admin/webhooks",
        headers=admin.headers,
        json={"url": "http://127.0.0.1:9/h", "events": ["OrderPlaced"]},
    ).json()
    assert client.delete(f"/admin/webhooks/{hook['id']}", headers=admin.headers).status_code == 204

    consumer = EventsOut(LogPublisher(), table.for_store)
    records = stream_records(table)
    assert consumer.process(records) == []
    consumer.process(records)  # a replay writes the same entries again: no doubles

    as_admin = {"id": admin.id, "email": admin.email}
    # (the other accounts' roles were given by the tests' set-up, as the system)
    people = {clerk.id, leaver.id, closer.id}
    users = [e for e in audit(client, admin.headers, "user") if e["entity_id"] in people]
    assert any(e["actor"] == {"system": True} for e in audit(client, admin.headers, "user"))
    seen = sorted(
        (
            (e["action"], e["entity_id"], e["before"], e["after"], e["actor"].get("email"))
            for e in users
        ),
        key=repr,
    )
    assert seen == sorted(
        [
            ("role", clerk.id, {"role": "user"}, {"role": "stock_manager"}, admin.email),
            ("delete", leaver.id, {"email": leaver.email, "role": "user"}, None, admin.email),
            ("delete", closer.id, {"email": closer.email, "role": "user"}, None, None),
        ],
        key=repr,
    )
    # someone who closed their own account is named by id (their profile is gone)
    (own,) = [e for e in users if e["entity_id"] == closer.id]
    assert own["actor"] == {"id": closer.id, "email": None}

    (store,) = audit(client, admin.headers, "store")
    assert (store["action"], store["entity_id"]) == ("update", "default")
    assert store["before"] == {"settings.low_stock_threshold": 5}
    assert store["after"] == {"settings.low_stock_threshold": 2}
    assert store["actor"] == {"id": operator.id, "email": operator.email}

    webhooks = audit(client, admin.headers, "webhook")
    assert sorted((e["action"], e["actor"]["email"]) for e in webhooks) == [
        ("create", admin.email),
        ("delete", admin.email),
    ]
    created = next(e for e in webhooks if e["action"] == "create")
    assert created["after"] == {"url": "http://127.0.0.1:9/h", "events": ["OrderPlaced"]}
    assert all(e["actor"] == as_admin for e in webhooks)
    # the secret is never in the log
    assert "whsec_" not in repr(webhooks)
