"""Passwords and tokens. The only module that imports the JWT and password-hashing libraries.

Both libraries are imported on first use, not at module import, to keep cold starts short.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from app.core import signing
from app.core.config import Settings

TokenType = Literal["access", "refresh"]
TOKEN_TYPES: tuple[TokenType, TokenType] = ("access", "refresh")
JWT_ALGORITHM = "HS256"
_REQUIRED_CLAIMS = ("sub", "exp", "iat", "iss", "aud", "jti", "sid", "typ", "store")


class InvalidTokenError(Exception):
    """The token is not one this service issued, or it is expired or of the wrong kind."""


@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    session_id: str
    token_id: str
    token_type: TokenType
    expires_at: int


@dataclass(frozen=True)
class IssuedToken:
    token: str
    token_id: str
    expires_at: int


# --- passwords -------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> Any:
    from argon2 import PasswordHasher, Type

    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
    )


def _settings_hasher(settings: Settings) -> Any:
    return _hasher(
        settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
    )


def hash_password(password: str, settings: Settings) -> str:
    return str(_settings_hasher(settings).hash(password))


@lru_cache(maxsize=4)
def _dummy_hash(time_cost: int, memory_kib: int, parallelism: int) -> str:
    return str(_hasher(time_cost, memory_kib, parallelism).hash(secrets.token_urlsafe(16)))


def verify_password(password_hash: str | None, password: str, settings: Settings) -> bool:
    """Check a password. With no hash (unknown account) a dummy hash is verified instead, so
    the answer takes as long whether or not the account exists."""
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = _settings_hasher(settings)
    if password_hash is None:
        dummy = _dummy_hash(
            settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
        )
        with contextlib.suppress(VerificationError):
            hasher.verify(dummy, password)
        return False
    try:
        return bool(hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str, settings: Settings) -> bool:
    return bool(_settings_hasher(settings).check_needs_rehash(password_hash))


# --- tokens ----------------------------------------------------------------------------


def issue_token(
    *,
    user_id: str,
    session_id: str,
    token_type: TokenType,
    store: str,
    settings: Settings,
    now: int | None = None,
) -> IssuedToken:
    from jose import jwt

    issued_at = int(time.time()) if now is None else now
    ttl = (
        settings.access_token_ttl_seconds
        if token_type == "access"  # noqa: S105 - a token kind, not a secret
        else settings.refresh_token_ttl_seconds
    )
    token_id = secrets.token_urlsafe(16)
    claims = {
        "sub": user_id,
        "sid": session_id,
        "store": store,
        "jti": token_id,
        "typ": token_type,
        "iat": issued_at,
        "exp": issued_at + ttl,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
    }
    key = signing.key_ring(settings).current
    token = jwt.encode(claims, key.secret, algorithm=JWT_ALGORITHM, headers={"kid": key.kid})
    return IssuedToken(token=token, token_id=token_id, expires_at=issued_at + ttl)


def _verification_key(token: str, settings: Settings) -> bytes:
    """The key the token's `kid` names (current or previous); tokens from before key ids
    (no `kid`) are checked against the current key."""
    from jose import JWTError, jwt

    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except JWTError as error:
        raise InvalidTokenError(str(error)) from error
    key = signing.key_ring(settings).current if kid is None else None
    if kid is not None:
        key = signing.key_for(str(kid), settings)
    if key is None:
        raise InvalidTokenError("unknown signing key")
    return key.secret


def decode_token(
    token: str, *, expected_type: TokenType, store: str, settings: Settings
) -> TokenClaims:
    """Verify signature (HS256 only), expiry, issuer, audience, kind and store (a token
    names the store it was issued in, and works nowhere else); return the claims."""
    from jose import JWTError, jwt

    try:
        claims = jwt.decode(
            token,
            _verification_key(token, settings),
            algorithms=[JWT_ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={
                f"require_{claim}": True for claim in ("sub", "exp", "iat", "iss", "aud", "jti")
            },
        )
    except (JWTError, ValueError, TypeError) as error:
        raise InvalidTokenError(str(error)) from error
    if any(not claims.get(claim) for claim in _REQUIRED_CLAIMS):
        raise InvalidTokenError("missing claims")
    if claims["typ"] != expected_type:
        raise InvalidTokenError("wrong token type")
    if claims.get("store") != store:
        raise InvalidTokenError("a token of another store")
    if not all(isinstance(claims[c], str) for c in ("sub", "sid", "jti")):
        raise InvalidTokenError("malformed claims")
    return TokenClaims(
        user_id=claims["sub"],
        session_id=claims["sid"],
        token_id=claims["jti"],
        token_type=expected_type,
        expires_at=int(claims["exp"]),
    )
