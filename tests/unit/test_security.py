"""Password hashing and token checks, without AWS."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from app.core import security
from app.core.config import Settings
from tests.support.tokens import claims_of, sign, unsigned


def test_hashes_are_argon2id_and_salted(settings: Settings) -> None:
    first = security.hash_password("correct horse", settings)
    second = security.hash_password("correct horse", settings)
    assert first.startswith("$argon2id$")
    assert first != second
    assert security.verify_password(first, "correct horse", settings)
    assert not security.verify_password(first, "wrong horse", settings)
    assert not security.verify_password("not-a-hash", "correct horse", settings)


def test_unknown_account_still_runs_a_verification(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    hasher = security._settings_hasher(settings)
    original = type(hasher).verify

    def counted(self: Any, hash_: str, password: str) -> bool:
        calls.append(hash_)
        return original(self, hash_, password)

    monkeypatch.setattr(type(hasher), "verify", counted)
    assert security.verify_password(None, "anything", settings) is False
    assert len(calls) == 1
    assert calls[0].startswith("$argon2id$")


def test_rehash_is_needed_when_the_cost_changes(settings: Settings) -> None:
    cheap = security.hash_password("pw-123456", settings)
    stronger = settings.model_copy(update={"argon2_time_cost": settings.argon2_time_cost + 1})
    assert security.password_needs_rehash(cheap, stronger)
    assert not security.password_needs_rehash(cheap, settings)


def issue(settings: Settings, kind: security.TokenType = "access") -> str:
    return security.issue_token(
        user_id="u1", session_id="s1", token_type=kind, store="default", settings=settings
    ).token


def test_round_trip(settings: Settings) -> None:
    claims = security.decode_token(
        issue(settings), expected_type="access", store="default", settings=settings
    )
    assert (claims.user_id, claims.session_id, claims.token_type) == ("u1", "s1", "access")


@pytest.mark.parametrize(
    "forge",
    [
        lambda t: sign({**claims_of(t), "aud": "elsewhere"}),
        lambda t: sign({**claims_of(t), "iss": "elsewhere"}),
        lambda t: sign({**claims_of(t), "exp": int(time.time()) - 5}),
        lambda t: sign(claims_of(t), secret="z" * 40),
        lambda t: unsigned(claims_of(t)),
        lambda t: sign(claims_of(t), algorithm="HS384"),
        lambda t: sign({**claims_of(t), "typ": "refresh"}),
        lambda t: sign({k: v for k, v in claims_of(t).items() if k != "sid"}),
        lambda t: sign({**claims_of(t), "store": "another-store"}),  # issued elsewhere
        lambda t: sign({k: v for k, v in claims_of(t).items() if k != "store"}),
        lambda t: sign({**claims_of(t), "sub": 42}),
        lambda t: t[:-3],
    ],
)
def test_refuses_forgeries(settings: Settings, forge: Callable[[str], str]) -> None:
    token = issue(settings)
    with pytest.raises(security.InvalidTokenError):
        security.decode_token(
            forge(token), expected_type="access", store="default", settings=settings
        )
