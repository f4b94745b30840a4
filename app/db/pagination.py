"""Opaque, tamper-proof page cursors and the page shape every listing shares.

A cursor is the DynamoDB key to continue from, bound to the listing it came from (its
"scope": index and partition) and signed with an HMAC. A cursor that was altered, forged or
taken from another listing is refused with 422 before any query runs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from functools import lru_cache
from typing import Any, Generic, Protocol, TypeVar, cast

from pydantic import BaseModel

from app.core import signing
from app.core.config import get_settings
from app.core.errors import InvalidInputError
from app.db.codec import RawItem

MAX_CURSOR_LENGTH = 2048
_SIGNATURE_BYTES = 16

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class InvalidCursorError(InvalidInputError):
    code, title = "invalid_cursor", "Invalid cursor"


@lru_cache(maxsize=8)
def _signing_key(secret: bytes) -> bytes:
    return hmac.new(secret, b"catalog/page-cursor/v1", hashlib.sha256).digest()


def _signature(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(_signing_key(secret), payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]


def _sign(payload: bytes) -> bytes:
    return _signature(signing.key_ring(get_settings()).current.secret, payload)


def _signed_by_us(payload: bytes, signature: bytes) -> bool:
    """Under the current key or, after a rotation, the previous one."""
    keys = signing.key_ring(get_settings()).keys
    return any(hmac.compare_digest(signature, _signature(k.secret, payload)) for k in keys)


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64decode(text: str) -> bytes:
    """Strict: only the canonical encoding is accepted, so no two cursors mean the same."""
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64encode(data) != text:
        raise ValueError("not canonical base64url")
    return data


def encode_cursor(last_key: RawItem | None, *, scope: str) -> str | None:
    if not last_key:
        return None
    payload = json.dumps({"s": scope, "k": last_key}, separators=(",", ":"), sort_keys=True)
    data = payload.encode()
    return f"{_b64encode(data)}.{_b64encode(_sign(data))}"


def decode_cursor(cursor: str | None, *, scope: str) -> RawItem | None:
    if cursor is None:
        return None
    try:
        encoded_payload, encoded_signature = cursor.split(".")
        payload = _b64decode(encoded_payload)
        signature = _b64decode(encoded_signature)
    except (ValueError, binascii.Error) as error:
        raise InvalidCursorError("The cursor is malformed.") from error
    if not _signed_by_us(payload, signature):
        raise InvalidCursorError("The cursor is not one this service issued.")
    try:
        decoded: Any = json.loads(payload)
    except ValueError as error:
        raise InvalidCursorError("The cursor is malformed.") from error
    if not isinstance(decoded, dict) or decoded.get("s") != scope:
        raise InvalidCursorError("The cursor belongs to another listing.")
    key = decoded.get("k")
    if not _is_key(key):
        raise InvalidCursorError("The cursor is malformed.")
    return cast(RawItem, key)


def _is_key(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and 0 < len(value) <= 4
        and all(
            isinstance(name, str)
            and isinstance(attr, dict)
            and len(attr) == 1
            and next(iter(attr)) in ("S", "N")
            and isinstance(next(iter(attr.values())), str)
            for name, attr in value.items()
        )
    )


class PageFetcher(Protocol[T]):
    """A repository's page of a listing: `fetch(start_key=...)` (None: the first page)
    returns the items and the key to continue from (None: the last page)."""

    def __call__(self, *, start_key: RawItem | None) -> tuple[list[T], RawItem | None]: ...


def paginate(
    cursor: str | None, *, scope: str, fetch: PageFetcher[T]
) -> tuple[list[T], str | None]:
    """Run one page of a listing: check the cursor, fetch from its key, sign the next one.
    The keys are DynamoDB's and stay between here and the repositories."""
    items, next_key = fetch(start_key=decode_cursor(cursor, scope=scope))
    return items, encode_cursor(next_key, scope=scope)
