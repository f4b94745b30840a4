"""The keys that sign tokens and page cursors, and how they rotate without logging anyone out.

The secret (`JWT_SECRET`, or the Secrets Manager secret `JWT_SECRET_ARN` names) is one key
or a key ring naming the current key and, after a rotation, the previous one
(app/core/keyring.py reads it).

Tokens are signed with the current key and carry its id (`kid` in the JWT header); a token
is verified with the key its `kid` names, current or previous, so tokens issued before a
rotation stay valid until they expire. Cursors are signed with the current key and accepted
under either.

Rotation (`python -m app.cli rotate-jwt-key --secret-id <arn>`) makes the current key the
previous one and a new key current. Each Lambda container re-reads the secret every
REFRESH_SECONDS, and at once (at most every MIN_RELOAD_SECONDS) when a token names a key
it does not know -- one signed by a container that has already moved on.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from app.core import caches
from app.core.config import Settings, read_secret
from app.core.keyring import KeyRing, SigningKey, parse

REFRESH_SECONDS = 300.0
MIN_RELOAD_SECONDS = 30.0


@dataclass
class _Loaded:
    ring: KeyRing
    source: str  # the text it came from
    read_at: float  # time.monotonic() when read


class _KeyStore:
    """The process's keys (one per Lambda container), shared by its threads."""

    def __init__(self) -> None:
        self.loaded: _Loaded | None = None
        self.lock = threading.Lock()

    def reload(self, settings: Settings) -> None:
        """Read the secret again from Secrets Manager; keep what we had if that fails."""
        now = time.monotonic()
        try:
            text = read_secret(settings.jwt_secret_arn or "", settings.aws_region)
            ring = parse(text)
        except Exception:
            if self.loaded is not None:
                self.loaded.read_at = now  # try again after the next interval, not at once
            return
        self.loaded = _Loaded(ring, text, now)

    def ring(self, settings: Settings) -> KeyRing:
        with self.lock:
            loaded = self.loaded
            from_arn = bool(settings.jwt_secret_arn)
            if loaded is None or (not from_arn and loaded.source != _secret_text(settings)):
                text = _secret_text(settings)
                self.loaded = loaded = _Loaded(parse(text), text, time.monotonic())
            elif from_arn and time.monotonic() - loaded.read_at > REFRESH_SECONDS:
                self.reload(settings)
            return (self.loaded or loaded).ring

    def find_after_reload(self, kid: str, settings: Settings) -> SigningKey | None:
        with self.lock:
            loaded = self.loaded
            if loaded is not None and time.monotonic() - loaded.read_at >= MIN_RELOAD_SECONDS:
                self.reload(settings)
            return self.loaded.ring.find(kid) if self.loaded else None

    def forget(self) -> None:
        with self.lock:
            if self.loaded is not None:
                self.loaded.read_at = float("-inf")
                self.loaded.source = ""


_store = _KeyStore()


def _secret_text(settings: Settings) -> str:
    if settings.jwt_secret is None:  # pragma: no cover - the settings validator fills it in
        raise RuntimeError("JWT secret missing")
    return settings.jwt_secret.get_secret_value()


def key_ring(settings: Settings) -> KeyRing:
    """The keys as they are now: from the settings' secret, re-read from Secrets Manager
    every REFRESH_SECONDS when it came from there."""
    return _store.ring(settings)


def key_for(kid: str, settings: Settings) -> SigningKey | None:
    """The key a token names; an unknown id makes the secret be read again (rarely)."""
    found = key_ring(settings).find(kid)
    if found is not None or not settings.jwt_secret_arn:
        return found
    return _store.find_after_reload(kid, settings)


def forget() -> None:
    """After a SnapStart restore: the keys in memory are as old as the snapshot. The next
    use reads the secret afresh (or, without Secrets Manager, the settings again)."""
    _store.forget()


caches.register("signing keys", forget)
