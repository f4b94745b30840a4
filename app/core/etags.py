"""Entity tags (RFC 9110): conditional edits (If-Match) and cheap re-reads (If-None-Match).

Every conditional write compares versions, read from If-Match the same way (`IfMatch`).
A product has two validators with different jobs. Its representation (what GET returns)
changes with its definition (name, price...) and with its live stock, so the ETag of a
product is `"<version>.<stock_version>"`: a poll with If-None-Match gets 304 only while
neither moved. An edit of the definition, though, must not fail because somebody bought
one meanwhile: If-Match on PATCH compares only the `<version>` part. A bare `"<version>"`
is accepted too (that is what writes answered before stock was part of the tag).
"""

from __future__ import annotations

from dataclasses import dataclass


def strong(version: int) -> str:
    return f'"{version}"'


def representation(version: int, stock_version: int) -> str:
    """The tag of a representation made of a definition and a live counter."""
    return f'"{version}.{stock_version}"'


def _candidates(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",") if tag.strip()]


@dataclass(frozen=True)
class IfMatch:
    """An If-Match header, read once (app/http/conditional.py) for every conditional write:
    `*`, or the `<version>` of each strong tag it lists (`"<version>"` or
    `"<version>.<stock_version>"`). Weak tags never match: If-Match compares strongly."""

    versions: frozenset[str]
    anything: bool = False

    @classmethod
    def parse(cls, header: str) -> IfMatch:
        tags = _candidates(header)
        versions = frozenset(v for tag in tags if (v := _opaque_version(tag)) is not None)
        return cls(versions=versions, anything="*" in tags)

    def allows(self, version: int) -> bool:
        """Whether the caller saw `version` (or does not mind which)."""
        return self.anything or str(version) in self.versions


def _opaque_version(tag: str) -> str | None:
    """The `<version>` of `"<version>"` or `"<version>.<stock_version>"`."""
    if len(tag) < 2 or not (tag.startswith('"') and tag.endswith('"')):
        return None
    return tag[1:-1].split(".", 1)[0]


def if_none_match_hits(if_none_match: str, current: str) -> bool:
    """If-None-Match uses the weak comparison: `W/"x"` matches `"x"`; `*` matches anything."""
    opaque = current.removeprefix("W/")
    return any(tag == "*" or tag.removeprefix("W/") == opaque for tag in _candidates(if_none_match))
