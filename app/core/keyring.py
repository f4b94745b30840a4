"""The signing keys' secret, as text: one plain key of at least MIN_SECRET_BYTES bytes (id
"default"), or JSON naming the current key and, after a rotation, the previous one:

    {"kid": "2026-11-26", "current": "<secret>",
     "previous_kid": "2026-08-01", "previous": "<secret>"}

Parsing only: app/core/signing.py keeps the keys a process uses, and re-reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

MIN_SECRET_BYTES = 32
DEFAULT_KID = "default"


@dataclass(frozen=True)
class SigningKey:
    kid: str
    secret: bytes


@dataclass(frozen=True)
class KeyRing:
    current: SigningKey
    previous: SigningKey | None = None

    @property
    def keys(self) -> tuple[SigningKey, ...]:
        return (self.current,) if self.previous is None else (self.current, self.previous)

    def find(self, kid: str) -> SigningKey | None:
        return next((key for key in self.keys if key.kid == kid), None)


def _key(kid: object, secret: object) -> SigningKey:
    if not isinstance(kid, str) or not kid or not isinstance(secret, str):
        raise ValueError("each key needs a non-empty string id and a string secret")
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise ValueError(f"JWT_SECRET keys must be at least {MIN_SECRET_BYTES} bytes")
    return SigningKey(kid, secret.encode())


def parse(text: str) -> KeyRing:
    """A key ring from the secret's text: JSON (see the module docstring) or one plain key."""
    if not text.lstrip().startswith("{"):
        return KeyRing(_key(DEFAULT_KID, text))
    document = json.loads(text)
    current = _key(document.get("kid", DEFAULT_KID), document.get("current"))
    previous = None
    if document.get("previous") is not None:
        previous = _key(document.get("previous_kid"), document["previous"])
        if previous.kid == current.kid:
            raise ValueError("the previous key needs an id of its own")
    return KeyRing(current, previous)


class KeyIdInUseError(ValueError):
    """A rotation to the current or the previous key's id: tokens would name the wrong key."""


def rotated(text: str, *, new_kid: str, new_secret: str) -> str:
    """The secret's next value: a new current key, the current one kept as the previous
    (the one before it is dropped: tokens it signed have expired by now, if rotations are
    further apart than the refresh token's lifetime)."""
    ring = parse(text)
    if new_kid in {key.kid for key in ring.keys}:
        raise KeyIdInUseError(f"key id {new_kid!r} is in use")
    document = {
        "kid": new_kid,
        "current": new_secret,
        "previous_kid": ring.current.kid,
        "previous": ring.current.secret.decode(),
    }
    parse(json.dumps(document))  # the same rules as any secret
    return json.dumps(document)
