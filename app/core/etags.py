"""Entity tags for optimistic concurrency (RFC 9110)."""

from __future__ import annotations


def strong(version: int) -> str:
    return f'"{version}"'


def if_match_allows(if_match: str, current: str) -> bool:
    """If-Match: `*`, or a comma-separated list of strong entity tags one of which is current."""
    candidates = [tag.strip() for tag in if_match.split(",")]
    return "*" in candidates or current in candidates
