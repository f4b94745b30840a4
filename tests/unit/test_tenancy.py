"""Tenant isolation in IAM (TenantIsolation=enforced; app/stores/tenancy.py): the tenant
role's policy, that every key of a store falls under it, and how credentials are made."""

from __future__ import annotations

import inspect
import time
from collections.abc import Iterator
from typing import Any

import pytest

from app.db.keys import Keys
from tests.support.cloudformation import load_template


def test_the_tenant_role_reaches_only_the_tagged_stores_keys() -> None:
    resources = load_template()["Resources"]
    role = resources["TenantRole"]
    assert role["Condition"] == "TenantIsolationEnforced"
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"AWS": {"Fn::GetAtt": ["CatalogFunctionRole", "Arn"]}}
    assert set(trust["Action"]) == {"sts:AssumeRole", "sts:TagSession"}
    assert trust["Condition"]["ForAllValues:StringEquals"] == {"aws:TagKeys": ["store"]}
    (policy,) = role["Properties"]["Policies"]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Condition"] == {
        "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["S#${aws:PrincipalTag/store}#*"]}
    }
    assert "dynamodb:Scan" not in statement["Action"]  # a Scan has no leading key
    # the same actions the function itself has on the table, no more
    function = resources["CatalogFunction"]["Properties"]["Policies"][0]["Statement"]
    (table_statement,) = [s for s in function if s["Sid"] == "CatalogTable"]
    assert set(statement["Action"]) == set(table_statement["Action"])
    assert statement["Resource"] == table_statement["Resource"]


def partition_keys(keys: Keys) -> Iterator[tuple[str, str]]:
    """Every partition key (of the table or of an index) `Keys` can build, by method."""
    samples = {
        "user_id": "u",
        "session_id": "s",
        "email": "e@x",
        "client": "c",
        "token_hash": "h",
        "product_id": "p",
        "sku": "k",
        "category": "c",
        "text": "t",
        "bucket": 2,
        "shard": 3,
        "order_id": "o",
        "key": "k",
        "at": "t",
        "entry_id": "e",
        "position": 1,
        "suffix": "sfx",
        "name": "n",
        "created_at": "t",
        "partition": "x",
        "threshold": 5,
        "status": None,
        "email_prefix": None,
        "q": None,
        "store": "x",
        "upload_key": "up",
        "event_id": "ev",
        "actor": None,
        "entity": None,
        "webhook_id": "w",
        "staff": True,
        "job_id": "j",
        "row": 2,
        "chunk": 1,
    }
    for name, method in inspect.getmembers(keys, inspect.ismethod):
        if (
            name.startswith("_")
            or name.endswith("_scope")
            or name in ("product_id_of", "user_id_of")
        ):
            continue
        arguments = {p: samples[p] for p in inspect.signature(method).parameters}
        built: Any = method(**arguments)
        values = built if isinstance(built, list) else [built]
        for value in values:
            if isinstance(value, dict):
                for attribute in ("PK", "GSI1PK", "GSI2PK", "GSI3PK"):
                    if attribute in value:
                        yield name, value[attribute]
            elif isinstance(value, str):
                yield name, value


def test_every_key_of_a_store_starts_with_its_prefix() -> None:
    """What LeadingKeys checks: table and index partition keys alike."""
    found = list(partition_keys(Keys("north")))
    assert len(found) > 20
    for method, key in found:
        assert key.startswith("S#north#"), (method, key)


class FakeSts:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def assume_role(self, **request: Any) -> dict[str, Any]:
        self.calls.append(request)
        return {
            "Credentials": {
                "AccessKeyId": f"AKIA{len(self.calls)}",
                "SecretAccessKey": "secret",
                "SessionToken": "token",
            }
        }


def test_credentials_are_per_store_tagged_and_cached(
    app_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.stores import tenancy
    from tests.conftest import reset_caches

    monkeypatch.setenv("TENANT_ROLE_ARN", "arn:aws:iam::123456789012:role/catalog-prod-tenant")
    reset_caches()
    sts = FakeSts()
    monkeypatch.setattr(tenancy, "_sts", lambda: sts)
    north = tenancy.store_table("north")
    assert tenancy.store_table("north") is north  # cached: no STS call on a warm request
    south = tenancy.store_table("south")
    assert north.client is not south.client
    assert (north.keys.store, south.keys.store) == ("north", "south")
    assert [c["Tags"] for c in sts.calls] == [
        [{"Key": "store", "Value": "north"}],
        [{"Key": "store", "Value": "south"}],
    ]
    assert all(c["RoleArn"].endswith(":role/catalog-prod-tenant") for c in sts.calls)
    credentials = north.client._request_signer._credentials
    assert credentials.access_key == "AKIA1"
    # near expiry, the next request takes new credentials
    clock = time.monotonic() + tenancy.SESSION_SECONDS
    monkeypatch.setattr(time, "monotonic", lambda: clock)
    assert tenancy.store_table("north").client is not north.client
    assert len(sts.calls) == 3


def test_without_isolation_every_store_shares_the_functions_client(app_env: None) -> None:
    from app.stores import tenancy

    north, south = tenancy.store_table("north"), tenancy.store_table("south")
    assert north.client is south.client
    assert (north.keys.store, south.keys.store) == ("north", "south")


def test_a_store_s_client_signs_with_what_sts_issued_for_the_role(
    app_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real STS call, as moto answers it (botocore checks every parameter against the
    API), and the store's DynamoDB client signing with the role session's credentials."""
    from moto import mock_aws
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.sts.models import sts_backends

    from app.stores import tenancy
    from tests.conftest import reset_caches

    role = f"arn:aws:iam::{DEFAULT_ACCOUNT_ID}:role/catalog-prod-tenant"
    monkeypatch.setenv("TENANT_ROLE_ARN", role)
    reset_caches()
    with mock_aws():
        client = tenancy.store_table("north").client
        [session] = sts_backends[DEFAULT_ACCOUNT_ID]["aws"].assumed_roles
        signed_with = client._request_signer._credentials
    assert (session.role_arn, session.session_name) == (role, "store-north")
    assert (signed_with.access_key, signed_with.token) == (
        session.access_key_id,
        session.session_token,
    )
    assert client.meta.region_name == "us-east-1"
