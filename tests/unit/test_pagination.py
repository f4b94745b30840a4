from __future__ import annotations

import pytest

from app.core import caches
from app.db.pagination import InvalidCursorError, decode_cursor, encode_cursor

KEY = {"PK": {"S": "S#default#USER#1"}, "SK": {"S": "PROFILE"}, "GSI1PK": {"S": "S#default#USERS"}}


@pytest.mark.usefixtures("app_env")
class TestCursors:
    def test_round_trip(self) -> None:
        cursor = encode_cursor(KEY, scope="users")
        assert cursor is not None
        assert "USER" not in cursor or "." in cursor
        assert decode_cursor(cursor, scope="users") == KEY

    def test_no_key_no_cursor(self) -> None:
        assert encode_cursor(None, scope="users") is None
        assert decode_cursor(None, scope="users") is None

    def test_bound_to_its_listing(self) -> None:
        cursor = encode_cursor(KEY, scope="users")
        with pytest.raises(InvalidCursorError):
            decode_cursor(cursor, scope="products")

    @pytest.mark.parametrize("bad", ["", "abc", "a.b.c", "!!!.???", "eyJ9.AAAA"])
    def test_garbage(self, bad: str) -> None:
        with pytest.raises(InvalidCursorError):
            decode_cursor(bad, scope="users")

    def test_signed_with_the_secret(self, monkeypatch: pytest.MonkeyPatch) -> None:

        cursor = encode_cursor(KEY, scope="users")
        monkeypatch.setenv("JWT_SECRET", "another-secret-" + "q" * 40)
        caches.reset()
        with pytest.raises(InvalidCursorError):
            decode_cursor(cursor, scope="users")
