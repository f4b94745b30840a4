"""Ids that sort by creation time (ULIDs: 48 bits of milliseconds, 80 random bits, in
Crockford's base 32): orders are listed newest first by their id alone."""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def time_sorted_id(now_ms: int | None = None) -> str:
    stamp = int(time.time() * 1000) if now_ms is None else now_ms
    value = (stamp << 80) | secrets.randbits(80)
    return "".join(_ALPHABET[(value >> shift) & 31] for shift in range(125, -1, -5))
