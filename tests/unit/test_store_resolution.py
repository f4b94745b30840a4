"""Which host names can select a store (app/stores/resolution.py)."""

from __future__ import annotations

import pytest

from app.stores.resolution import host_name


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("shop.north.example", "shop.north.example"),
        ("Shop.North.Example.", "shop.north.example"),
        ("shop.north.example:8443", "shop.north.example"),
        ("shop.north.example, proxy.example", "shop.north.example"),
        ("127.0.0.1:8000", None),  # addresses are no store's domain: never looked up
        ("localhost:8000", None),
        ("[::1]:8000", None),
        ("", None),
        (None, None),
    ],
)
def test_host_names(header: str | None, expected: str | None) -> None:
    assert host_name(header) == expected
