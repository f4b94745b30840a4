"""The `Catalog-Signature` header: `t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">`,
keyed with the webhook's secret. Signing the time with the body lets a receiver refuse a
replayed old delivery; `v1` names the scheme so that a later one can be added alongside."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
