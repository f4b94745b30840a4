"""Product images: a presigned POST to S3 (moto's server), the checked confirmation, image
URLs, removal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.table import Table
from app.products import service as products
from app.products.images import s3_client
from tests.support.accounts import Account, Accounts
from tests.support.catalog import create_product, notes_by
from tests.support.faults import aws_response, meanwhile
from tests.support.http import assert_problem, stored_item
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
    return sorted(item["Key"] for item in listing.get("Contents", []))


def confirm(client: TestClient, admin: Account, product_id: str, upload_key: str) -> Any:
    return client.put(
        f"/products/{product_id}/image", headers=admin.headers, json={"upload_key": upload_key}
    )


def attach(
    client: TestClient, admin: Account, product_id: str, data: bytes = PNG, **body: Any
) -> dict[str, Any]:
    """The whole flow, as the web app runs it: ticket, upload to S3, confirm."""
    grant = request_upload(client, admin, product_id, content_length=len(data), **body).json()
    assert upload(grant, data, body.get("content_type", "image/png")).status_code == 204
    response = confirm(client, admin, product_id, grant["upload_key"])
    assert response.status_code == 200, response.text
    return response.json()


def stored_version(table: Table, product_id: str) -> Any:
    item = stored_item(table, table.keys.product(product_id))
    return item["version"], item.get("image_key")


def test_upload_confirm_then_the_product_shows_a_working_image_url(
    client: TestClient,
    table: Table,
    admin: Account,
    product: dict[str, Any],
    bucket: str,
    s3_endpoint: str,
) -> None:
    response = request_upload(client, admin, product["id"])
    assert response.status_code == 200
    grant = response.json()
    assert set(grant) == {"url", "fields", "upload_key", "expires_at"}
    assert grant["upload_key"].startswith(f"uploads/default/{product['id']}/")
    assert grant["fields"]["key"] == grant["upload_key"]
    expires = datetime.fromisoformat(grant["expires_at"])
    assert timedelta(minutes=9) < expires - datetime.now(UTC) <= timedelta(minutes=10)
    # the ticket changes nothing on the product
    assert stored_version(table, product["id"]) == (1, None)
    assert upload(grant, PNG).status_code == 204
    assert stored_version(table, product["id"]) == (1, None)

    response = confirm(client, admin, product["id"], grant["upload_key"])
    assert response.status_code == 200
    shown = response.json()
    assert shown["version"] == 2
    assert response.headers["etag"] == f'"2.{1}"'
    version, key = stored_version(table, product["id"])
    assert version == 2
    assert key.startswith(f"products/default/{product['id']}/")
    assert key.endswith(".png")
    assert bucket_keys(s3_endpoint, bucket) == [key]  # the upload itself is gone

    read = client.get(f"/products/{product['id']}").json()
    # the same product; its image URL presigned anew (its signature moves with the second)
    assert read | {"image_url": None} == shown | {"image_url": None}
    assert read["image_url"].split("?")[0] == shown["image_url"].split("?")[0]
    image = httpx.get(shown["image_url"])
    assert image.status_code == 200
    assert image.content == PNG
    assert image.headers["content-type"] == "image/png"


def test_the_stored_type_is_what_the_bytes_are(
    client: TestClient, table: Table, admin: Account, product: dict[str, Any]
) -> None:
    shown = attach(client, admin, product["id"], PNG, content_type="image/webp")
    _, key = stored_version(table, product["id"])
    assert key.endswith(".png")
    assert httpx.get(shown["image_url"]).headers["content-type"] == "image/png"


def test_the_policy_makes_s3_enforce_type_size_and_key(
    client: TestClient, admin: Account, product: dict[str, Any], bucket: str
) -> None:
    grant = request_upload(client, admin, product["id"], content_length=1000).json()
    fields = grant["fields"]
    policy = decode_policy(fields)
    conditions = policy["conditions"]
    assert {"bucket": bucket} in conditions
    assert {"key": grant["upload_key"]} in conditions
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


def test_an_abandoned_upload_leaves_the_product_and_its_image_alone(
    client: TestClient,
    table: Table,
    admin: Account,
    product: dict[str, Any],
    bucket: str,
    s3_endpoint: str,
) -> None:
    shown = attach(client, admin, product["id"])
    before = stored_version(table, product["id"])
    grant = request_upload(client, admin, product["id"]).json()
    upload(grant, PNG)  # never confirmed
    assert stored_version(table, product["id"]) == before
    assert httpx.get(shown["image_url"]).status_code == 200
    assert bucket_keys(s3_endpoint, bucket) == sorted([before[1], grant["upload_key"]])


def test_replacing_the_image_removes_the_old_object(
    client: TestClient,
    table: Table,
    admin: Account,
    product: dict[str, Any],
    bucket: str,
    s3_endpoint: str,
) -> None:
    attach(client, admin, product["id"])
    _, first = stored_version(table, product["id"])
    shown = attach(client, admin, product["id"])
    version, second = stored_version(table, product["id"])
    assert (version, second != first) == (3, True)
    assert bucket_keys(s3_endpoint, bucket) == [second]
    assert httpx.get(shown["image_url"]).status_code == 200


HTML = b"<!doctype html><script>alert(1)</script>"
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (HTML, "not a JPEG, PNG or WebP"),
        (GIF, "not a JPEG, PNG or WebP"),
        (PNG + b"\x00" * (5 * 1024 * 1024), "limit"),
    ],
)
def test_a_file_that_is_not_an_acceptable_image_is_refused_and_removed(
    client: TestClient,
    table: Table,
    admin: Account,
    product: dict[str, Any],
    bucket: str,
    s3_endpoint: str,
    data: bytes,
    reason: str,
) -> None:
    # the local S3 enforces no POST policy: the confirmation's own check is the guard
    grant = request_upload(client, admin, product["id"]).json()
    assert upload(grant, data).status_code == 204
    body = assert_problem(confirm(client, admin, product["id"], grant["upload_key"]), 422)
    assert body["code"] == "image_invalid"
    assert reason in body["detail"]
    assert stored_version(table, product["id"]) == (1, None)
    assert bucket_keys(s3_endpoint, bucket) == []


def test_jpeg_and_webp_are_accepted(
    client: TestClient, table: Table, admin: Account, product: dict[str, Any]
) -> None:
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
    webp = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 20
    attach(client, admin, product["id"], jpeg, content_type="image/jpeg")
    assert stored_version(table, product["id"])[1].endswith(".jpg")
    attach(client, admin, product["id"], webp, content_type="image/webp")
    assert stored_version(table, product["id"])[1].endswith(".webp")


NAME = "0123456789abcdef0123456789abcdef"
WRONG_KEYS: dict[str, Callable[[str, str], str]] = {
    "another product's upload": lambda mine, theirs: theirs,
    "a path that climbs out": lambda mine, theirs: theirs.replace(
        "uploads/default/", f"uploads/default/{mine}/../", 1
    ),
    "a final image key": lambda mine, _: f"products/default/{mine}/{NAME}.png",
    "a name never issued": lambda mine, _: f"uploads/default/{mine}/missing",
    "nothing uploaded": lambda mine, _: f"uploads/default/{mine}/{NAME}",
}


@pytest.mark.parametrize("case", WRONG_KEYS)
def test_keys_not_issued_for_this_product_or_never_uploaded_are_refused(
    client: TestClient,
    table: Table,
    admin: Account,
    product: dict[str, Any],
    bucket: str,
    s3_endpoint: str,
    case: str,
) -> None:
    other = create_product(client, admin)
    grant = request_upload(client, admin, other["id"]).json()
    upload(grant, PNG)
    key = WRONG_KEYS[case](product["id"], grant["upload_key"])
    body = assert_problem(confirm(client, admin, product["id"], key), 422, "image_invalid")
    assert body["detail"]
    assert stored_version(table, product["id"]) == (1, None)
    assert stored_version(table, other["id"]) == (1, None)
    assert bucket_keys(s3_endpoint, bucket) == [grant["upload_key"]]  # theirs is untouched


def test_removing_the_image(
    client: TestClient,
    table: Table,
    admin: Account,
    product: dict[str, Any],
    bucket: str,
    s3_endpoint: str,
) -> None:
    attach(client, admin, product["id"])
    url = f"/products/{product['id']}/image"
    response = client.delete(url, headers=admin.headers)
    assert response.status_code == 204
    assert response.content == b""
    assert stored_version(table, product["id"]) == (3, None)
    assert client.get(f"/products/{product['id']}").json()["image_url"] is None
    assert bucket_keys(s3_endpoint, bucket) == []
    assert_problem(client.delete(url, headers=admin.headers), 404, "image_not_found")
    assert_problem(client.delete("/products/nope/image", headers=admin.headers), 404)


def test_a_removal_too_busy_to_land_keeps_the_image(
    client: TestClient,
    table: Table,
    admin: Account,
    product: dict[str, Any],
    bucket: str,
    s3_endpoint: str,
) -> None:
    """Another edit lands before every try of the removal: 503, and the product still shows
    its image, which is still stored (it goes only once nothing points at it); tried again,
    the removal works."""
    attached = attach(client, admin, product["id"])
    version, image_key = stored_version(table, product["id"])
    tries = products.MAX_UNCONDITIONAL_ATTEMPTS
    key = table.keys.product(product["id"])
    url = f"/products/{product['id']}/image"
    with meanwhile(table.client, key, notes_by(table, admin, product["id"]), times=tries) as done:
        busy = client.delete(url, headers=admin.headers)
    assert len(done) == tries
    assert_problem(busy, 503, "contention")
    assert busy.headers["retry-after"] == "1"
    assert stored_version(table, product["id"]) == (version + tries, image_key)
    assert bucket_keys(s3_endpoint, bucket) == [image_key]
    shown = client.get(f"/products/{product['id']}").json()["image_url"]
    assert urlsplit(shown).path == urlsplit(attached["image_url"]).path  # signed anew each time

    assert client.delete(url, headers=admin.headers).status_code == 204
    assert stored_version(table, product["id"]) == (version + tries + 1, None)
    assert bucket_keys(s3_endpoint, bucket) == []


def test_deleting_the_product_removes_its_image(
    client: TestClient, admin: Account, product: dict[str, Any], bucket: str, s3_endpoint: str
) -> None:
    attach(client, admin, product["id"])
    assert client.delete(f"/products/{product['id']}", headers=admin.headers).status_code == 204
    assert bucket_keys(s3_endpoint, bucket) == []


def test_a_product_deleted_before_the_confirmation_keeps_no_image(
    client: TestClient, admin: Account, product: dict[str, Any], bucket: str, s3_endpoint: str
) -> None:
    grant = request_upload(client, admin, product["id"]).json()
    upload(grant, PNG)
    assert client.delete(f"/products/{product['id']}", headers=admin.headers).status_code == 204
    assert_problem(confirm(client, admin, product["id"], grant["upload_key"]), 404)


def test_a_product_deleted_while_its_image_is_confirmed_keeps_no_image(
    client: TestClient,
    table: Table,
    admin: Account,
    product: dict[str, Any],
    bucket: str,
    s3_endpoint: str,
) -> None:
    """The image is checked and stored, then the product is removed just before it is
    pointed at it: a 404, and the stored image goes too (no object without its product)."""
    grant = request_upload(client, admin, product["id"]).json()
    assert upload(grant, PNG).status_code == 204

    def removed_meanwhile() -> None:
        products.delete(table, product["id"], actor_id=admin.id)

    with meanwhile(table.client, table.keys.product(product["id"]), removed_meanwhile) as done:
        response = confirm(client, admin, product["id"], grant["upload_key"])
    assert done == [None]
    assert_problem(response, 404)
    assert table.get(table.keys.product(product["id"])) is None
    assert bucket_keys(s3_endpoint, bucket) == []


def test_a_confirmation_too_busy_to_land_leaves_the_upload_for_a_retry(
    client: TestClient,
    table: Table,
    admin: Account,
    product: dict[str, Any],
    bucket: str,
    s3_endpoint: str,
) -> None:
    """Another edit of the product lands before every try of the confirmation: 503, no
    image and no stored copy left behind; the upload is kept and its claim given back, so
    the same confirmation, tried again, works."""
    grant = request_upload(client, admin, product["id"]).json()
    assert upload(grant, PNG).status_code == 204
    tries = products.MAX_UNCONDITIONAL_ATTEMPTS
    key = table.keys.product(product["id"])
    with meanwhile(table.client, key, notes_by(table, admin, product["id"]), times=tries) as done:
        busy = confirm(client, admin, product["id"], grant["upload_key"])
    assert len(done) == tries
    assert_problem(busy, 503, "contention")
    assert stored_version(table, product["id"]) == (1 + tries, None)
    assert bucket_keys(s3_endpoint, bucket) == [grant["upload_key"]]

    again = confirm(client, admin, product["id"], grant["upload_key"])
    assert again.status_code == 200, again.text
    version, image_key = stored_version(table, product["id"])
    assert version == 2 + tries
    assert bucket_keys(s3_endpoint, bucket) == [image_key]


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
    assert stored_item(table, table.keys.product(product["id"]))["version"] == 1


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
    assert_problem(confirm(client, admin, "nope", "uploads/default/nope/x"), 404)


def test_only_admins(client: TestClient, accounts: Accounts, product: dict[str, Any]) -> None:
    manager = accounts.make(Role.STOCK_MANAGER)
    url = f"/products/{product['id']}/image"
    assert_problem(request_upload(client, manager, product["id"]), 403)
    assert_problem(confirm(client, manager, product["id"], "uploads/x"), 403)
    assert_problem(client.delete(url, headers=manager.headers), 403)
    assert_problem(client.delete(url), 401)


def test_cdn_urls_when_a_cdn_is_configured(
    client: TestClient, admin: Account, product: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.db.table import get_table
    from tests.conftest import reset_caches

    attach(client, admin, product["id"])
    monkeypatch.setenv("IMAGES_CDN_BASE_URL", "https://cdn.example.com/")
    reset_caches()
    shown = client.get(f"/products/{product['id']}").json()
    _, key = stored_version(get_table(), product["id"])
    assert shown["image_url"] == f"https://cdn.example.com/{key}"


def test_a_missing_upload_is_422_when_s3_says_403(
    client: TestClient, table: Table, admin: Account, product: dict[str, Any], s3_endpoint: str
) -> None:
    """On AWS, a role without s3:ListBucket is told 403 by HeadObject for a key that does
    not exist (not 404): the same 422 as any missing upload, never a 500."""
    from botocore.awsrequest import AWSResponse

    from app.core.config import get_settings

    grant = request_upload(client, admin, product["id"]).json()  # issued, never uploaded
    s3 = s3_client(s3_endpoint, get_settings().aws_region)

    def forbidden(request: Any, **_: Any) -> AWSResponse | None:
        if request.method == "HEAD":
            return aws_response(request.url, 403)
        return None

    s3.meta.events.register("before-send", forbidden)
    try:
        answer = confirm(client, admin, product["id"], grant["upload_key"])
    finally:
        s3.meta.events.unregister("before-send", forbidden)
    body = assert_problem(answer, 422, "image_invalid")
    assert "Nothing was uploaded" in body["detail"]
    assert stored_version(table, product["id"]) == (1, None)


def test_six_confirmations_of_one_upload_race_one_wins_the_rest_are_refused_alike(
    client: TestClient,
    table: Table,
    admin: Account,
    product: dict[str, Any],
    bucket: str,
    s3_endpoint: str,
) -> None:
    """They were three 500s (NoSuchKey: another request had consumed the upload). Now the
    first to claim the key confirms it; every other racer gets the same 422."""
    from tests.integration.test_accounts_concurrency import race

    grant = request_upload(client, admin, product["id"]).json()
    assert upload(grant, PNG).status_code == 204
    answers = race(6, lambda _: confirm(client, admin, product["id"], grant["upload_key"]))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] + [422] * 5, [a.text for a in answers]
    refusals = {a.json()["detail"] for a in answers if a.status_code == 422}
    assert len(refusals) == 1
    (winner,) = [a.json() for a in answers if a.status_code == 200]
    version, image_key = stored_version(table, product["id"])
    assert version == 2
    assert bucket_keys(s3_endpoint, bucket) == [image_key]  # one image, no upload left
    assert winner["version"] == 2


def test_an_s3_outage_during_a_confirmation_leaves_the_upload_usable(
    client: TestClient, table: Table, admin: Account, product: dict[str, Any], s3_endpoint: str
) -> None:
    """The claim is given back when S3 failed, so the same upload can be confirmed again."""
    from app.core.config import get_settings
    from tests.support.faults import Faults

    grant = request_upload(client, admin, product["id"]).json()
    assert upload(grant, PNG).status_code == 204
    faults = Faults(s3_client(s3_endpoint, get_settings().aws_region), "s3")
    try:
        with faults.failing("internal", from_call=1):
            assert_problem(confirm(client, admin, product["id"], grant["upload_key"]), 503)
    finally:
        faults.close()
    assert confirm(client, admin, product["id"], grant["upload_key"]).status_code == 200
