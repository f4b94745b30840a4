"""Answers that shared caches (CloudFront) may keep for a few seconds, with an ETag so a
re-read that finds nothing new costs a 304 and no body."""

from __future__ import annotations

import hashlib

from fastapi.responses import Response
from pydantic import BaseModel

from app.core import etags


def cacheable(
    model: BaseModel,
    *,
    max_age: int,
    if_none_match: str | None,
    etag: str | None = None,
    shared: bool = True,
) -> Response:
    """`model` as JSON, public for `max_age` seconds; 304 when If-None-Match names it.
    Without an `etag` of its own, the answer's is a hash of its body.

    A request that is not `shared` (it carries a token: staff editing, a client that wants
    it fresh) gets `private, no-cache`: no cache keeps it, and the caller's own copy is
    revalidated every time (a 304 when nothing changed).

    The store is part of what the answer depends on (a store comes from the host or from
    `X-Store`): `Vary: X-Store`, or a browser that switches stores with `?store=` would be
    shown the previous store's copy for up to `max_age` seconds."""
    body = model.model_dump_json().encode()
    tag = etag or f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {
        "ETag": tag,
        "Cache-Control": f"public, max-age={max_age}" if shared else "private, no-cache",
        "Vary": "Accept-Encoding, X-Store",
    }
    if if_none_match is not None and etags.if_none_match_hits(if_none_match, tag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
