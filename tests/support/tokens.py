"""Forge tokens the way an attacker would, to prove the service refuses them."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from jose import jwt

from tests.conftest import TEST_JWT_SECRET


def claims_of(token: str) -> dict[str, Any]:
    return jwt.get_unverified_claims(token)


def sign(claims: dict[str, Any], secret: str = TEST_JWT_SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, secret, algorithm=algorithm)


def unsigned(claims: dict[str, Any]) -> str:
    """An `alg: none` token: header and claims, empty signature."""

    def encode(part: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()

    return f"{encode({'alg': 'none', 'typ': 'JWT'})}.{encode(claims)}."


def rewritten(token: str, **changes: Any) -> str:
    """Same header and signature, edited claims (what a tamperer without the key can do)."""
    header, _, signature = token.split(".")
    claims = {**claims_of(token), **changes}
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{body}.{signature}"


def expired_copy(token: str) -> str:
    now = int(time.time())
    return sign({**claims_of(token), "iat": now - 3600, "exp": now - 60})
