"""Which store a request belongs to.

In this order: the request's host name, when it is one of a store's `domains` (behind
CloudFront, the viewer's host arrives as X-Forwarded-Host); else the `X-Store` header (a
slug); else the default store (`STORE_ID`, "default"). An unknown slug is 404
`store_not_found`; a suspended store is 403 `store_suspended`. The platform's own routes
(/platform/*) always run in the default store, where platform admins live.

Stores are read through a small in-process cache: CACHE_SECONDS for a store or a host
that was found, NEGATIVE_CACHE_SECONDS for one that was not, so a warm request costs no
DynamoDB round trip for this, and a suspension (or a new domain) takes effect everywhere
within CACHE_SECONDS (each Lambda container reads the store again after that). The
container that makes the change forgets at once.

The default store needs no item: until an operator gives it one (a name, settings), it is
an implicit active store.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from typing import TypeVar

from app.core import caches
from app.core.config import get_settings
from app.core.errors import ForbiddenError, NotFoundError
from app.db.table import Table
from app.stores import repository
from app.stores.schemas import SLUG_PATTERN, StoreRecord

CACHE_SECONDS = 30.0
NEGATIVE_CACHE_SECONDS = 5.0
PLATFORM_PREFIX = "/platform"
_EPOCH = "1970-01-01T00:00:00+00:00"
T = TypeVar("T")


class StoreNotFoundError(NotFoundError):
    code, title = "store_not_found", "Store not found"


class StoreSuspendedError(ForbiddenError):
    code, title = "store_suspended", "Store suspended"


@dataclass
class _Cached:
    value: object
    expires: float


class _Cache:
    def __init__(self) -> None:
        self.entries: dict[str, _Cached] = {}
        self.lock = threading.Lock()

    def get(self, key: str) -> tuple[bool, object]:
        with self.lock:
            entry = self.entries.get(key)
        if entry is None or entry.expires < time.monotonic():
            return False, None
        return True, entry.value

    def put(self, key: str, value: object) -> None:
        seconds = CACHE_SECONDS if value is not None else NEGATIVE_CACHE_SECONDS
        with self.lock:
            if len(self.entries) > 10_000:  # a flood of made-up hosts or slugs
                self.entries.clear()
            self.entries[key] = _Cached(value, time.monotonic() + seconds)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_cache = _Cache()


def forget() -> None:
    """After a change to a store, here: the next request reads it again."""
    _cache.clear()


caches.register("stores.resolution", forget)


def default_slug() -> str:
    return get_settings().store_id


def _implicit_default(slug: str) -> StoreRecord:
    return StoreRecord(slug=slug, name="Catalog", created_at=_EPOCH, updated_at=_EPOCH)


def _store(table: Table, slug: str) -> StoreRecord | None:
    found, value = _cache.get(f"store:{slug}")
    if not found:
        value = repository.get(table, slug)
        if value is None and slug == default_slug():
            value = _implicit_default(slug)
        _cache.put(f"store:{slug}", value)
    return value if isinstance(value, StoreRecord) else None


def _slug_for_host(table: Table, host: str) -> str | None:
    found, value = _cache.get(f"host:{host}")
    if not found:
        value = repository.slug_for_domain(table, host)
        _cache.put(f"host:{host}", value)
    return value if isinstance(value, str) else None


def host_name(header: str | None) -> str | None:
    """A header's host name without its port; None for addresses and bare names (they
    cannot be a store's domain, so they are never looked up)."""
    if not header:
        return None
    host = header.split(",")[0].strip().lower().rstrip(".")
    host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if "." not in host or re.fullmatch(r"[\d.]+", host) or ":" in host:
        return None
    return host


def resolve(table: Table, *, path: str, host: str | None, store_header: str | None) -> StoreRecord:
    """The store of a request (see the module docstring); raises 404 or 403."""
    if path == PLATFORM_PREFIX or path.startswith(PLATFORM_PREFIX + "/"):
        slug = default_slug()
    else:
        name = host_name(host)
        slug = (_slug_for_host(table, name) if name else None) or (
            store_header.strip() if store_header else default_slug()
        )
    if not re.fullmatch(SLUG_PATTERN, slug) and slug != default_slug():
        raise StoreNotFoundError(f"No store {slug[:40]!r}.")
    store = _store(table, slug)
    if store is None:
        raise StoreNotFoundError(f"No store {slug!r}.")
    if not store.active:
        raise StoreSuspendedError(f"The store {slug} is suspended.")
    return store


def is_cached(*, path: str, host: str | None, store_header: str | None) -> bool:
    """Whether `resolve` would answer from memory (then it is not worth a thread hop)."""
    if path == PLATFORM_PREFIX or path.startswith(PLATFORM_PREFIX + "/"):
        return _cache.get(f"store:{default_slug()}")[0]
    name = host_name(host)
    if name:
        found, slug = _cache.get(f"host:{name}")
        if not found:
            return False
        if isinstance(slug, str):
            return _cache.get(f"store:{slug}")[0]
    slug = store_header.strip() if store_header else default_slug()
    return _cache.get(f"store:{slug}")[0] or not re.fullmatch(SLUG_PATTERN, slug)
