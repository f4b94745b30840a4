"""POST /products/{id}/image-upload: presigned POST to S3 (moto's server), image URLs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.table import Table
from app.products.images import s3_client
from tests.support.accounts import Account, Accounts
from tests.support.catalog import create_product
from tests.support.http import assert_problem
from tests.support.s3_policy import decode_policy, s3_would_accept, signature_is_valid

# the smallest valid PNG: 1x1 transparent pixel
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


@pytest.fixture
def admin(accounts: Accounts) -> Account:
    return accounts.make(Role.ADMIN)


@pytest.fixture
def product(client: TestClient, admin: Account) -> dict[str, Any]:
    return create_product(client, admin)


def request_upload(client: TestClient, admin: Account, product_id: str, **body: Any) -> Any:
    payload = {"content_type": "image/png", "content_length": len(PNG)} | body
    return client.post(f"/products/{product_id}/image-upload", headers=admin.headers, json=payload)


def upload(grant: dict[str, Any], data: bytes, content_type: str = "image/png") -> httpx.Response:
    return httpx.post(
        grant["url"], data=grant["fields"], files={"file": ("image", data, content_type)}
    )


def bucket_keys(s3_endpoint: str, bucket: str) -> list[str]:
    listing = s3_client(s3_endpoint, "us-east-1").list_objects_v2(Bucket=bucket)
    return [item["Key"] for item in listing.get("Contents", [])]


def test_upload_then_the_product_shows_a_working_image_url(
    client: TestClient, admin: Account, product: dict[str, Any], bucket: str, s3_endpoint: str
) -> None:
    response = request_upload(client, admin, product["id"])
    assert response.status_code == 200
    grant = response.json()
    assert grant["key"].startswith(f"products/{product['id']}/")
    assert grant["key"].endswith(".png")
    assert grant["fields"]["key"] == grant["key"]
    assert grant["max_bytes"] == len(PNG)
    assert upload(grant, PNG).status_code == 204
    assert bucket_keys(s3_endpoint, bucket) == [grant["key"]]

    shown = client.get(f"/products/{product['id']}").json()
    assert shown["image_url"]
    assert shown["version"] == product["version"] + 1
    image = httpx.get(shown["image_url"])
    assert image.status_code == 200
    assert image.content == PNG


def test_the_policy_makes_s3_enforce_type_size_and_key(
    client: TestClient, admin: Account, product: dict[str, Any], bucket: str
) -> None:
    grant = request_upload(client, admin, product["id"], content_length=1000).json()
    fields = grant["fields"]
    policy = decode_policy(fields)
    conditions = policy["conditions"]
    assert {"bucket": bucket} in conditions
    assert {"key": grant["key"]} in conditions
    assert {"Content-Type": "image/png"} in conditions
    assert ["content-length-range", 1, 1000] in conditions
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert timedelta(minutes=9) < expires - datetime.now(UTC) <= timedelta(minutes=10)
    assert fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    assert signature_is_valid(fields, secret_key="local")
    assert not signature_is_valid(
        {**fields, "policy": fields["policy"][:-4] + "AAA="}, secret_key="local"
    )

    assert s3_would_accept(policy, bucket, fields, file_size=len(PNG))
    assert not s3_would_accept(policy, bucket, {**fields, "Content-Type": "text/html"}, len(PNG))
    assert not s3_would_accept(policy, bucket, fields, file_size=1001)
    assert not s3_would_accept(policy, bucket, fields, file_size=0)
    assert not s3_would_accept(
        policy, bucket, {**fields, "key": "products/other/evil.png"}, len(PNG)
    )
    assert not s3_would_accept(policy, "another-bucket", fields, len(PNG))
    assert not s3_would_accept(policy, bucket, fields, len(PNG), now=expires + timedelta(seconds=1))


def test_replacing_the_image_removes_the_old_object(
    client: TestClient, admin: Account, product: dict[str, Any], bucket: str, s3_endpoint: str
) -> None:
    first = request_upload(client, admin, product["id"]).json()
    upload(first, PNG)
    second = request_upload(client, admin, product["id"], content_type="image/webp").json()
    assert second["key"] != first["key"]
    assert second["key"].endswith(".webp")
    upload(second, PNG, "image/webp")
    assert bucket_keys(s3_endpoint, bucket) == [second["key"]]
    shown = client.get(f"/products/{product['id']}").json()
    assert httpx.get(shown["image_url"]).status_code == 200


def test_deleting_the_product_removes_its_image(
    client: TestClient, admin: Account, product: dict[str, Any], bucket: str, s3_endpoint: str
) -> None:
    grant = request_upload(client, admin, product["id"]).json()
    upload(grant, PNG)
    assert client.delete(f"/products/{product['id']}", headers=admin.headers).status_code == 204
    assert bucket_keys(s3_endpoint, bucket) == []


@pytest.mark.parametrize(
    "body",
    [
        {"content_type": "image/gif"},
        {"content_type": "text/html"},
        {"content_length": 0},
        {"content_length": 5 * 1024 * 1024 + 1},
        {"content_length": "100"},
        {"filename": "x.png"},
    ],
)
def test_bad_requests_are_422_before_s3_is_asked(
    client: TestClient, table: Table, admin: Account, product: dict[str, Any], body: dict[str, Any]
) -> None:
    assert_problem(request_upload(client, admin, product["id"], **body), 422)
    assert table.get(table.keys.product(product["id"]))["version"] == 1  # type: ignore[index]


def test_the_largest_allowed_size(
    client: TestClient, admin: Account, product: dict[str, Any]
) -> None:
    response = request_upload(client, admin, product["id"], content_length=5 * 1024 * 1024)
    assert response.status_code == 200
    assert ["content-length-range", 1, 5 * 1024 * 1024] in decode_policy(response.json()["fields"])[
        "conditions"
    ]


def test_unknown_product(client: TestClient, admin: Account) -> None:
    assert_problem(request_upload(client, admin, "nope"), 404)


def test_only_admins(client: TestClient, accounts: Accounts, product: dict[str, Any]) -> None:
    manager = accounts.make(Role.STOCK_MANAGER)
    assert_problem(request_upload(client, manager, product["id"]), 403)


def test_cdn_urls_when_a_cdn_is_configured(
    client: TestClient, admin: Account, product: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import reset_caches

    grant = request_upload(client, admin, product["id"]).json()
    monkeypatch.setenv("IMAGES_CDN_BASE_URL", "https://cdn.example.com/")
    reset_caches()
    shown = client.get(f"/products/{product['id']}").json()
    assert shown["image_url"] == f"https://cdn.example.com/{grant['key']}"
