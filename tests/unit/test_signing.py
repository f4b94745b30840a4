"""Signing keys with ids, rotated without logging anyone out (app/core/signing.py)."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import ValidationError

from app.core import keyring, security, signing
from app.core.config import Settings
from app.core.security import InvalidTokenError
from app.db import pagination

A, B, C = "a" * 40, "b" * 40, "c" * 40


def ring(
    kid: str, current: str, previous_kid: str | None = None, previous: str | None = None
) -> str:
    document: dict[str, Any] = {"kid": kid, "current": current}
    if previous is not None:
        document |= {"previous_kid": previous_kid, "previous": previous}
    return json.dumps(document)


def settings_with(secret: str) -> Settings:
    return Settings(app_env="test", jwt_secret=secret)


def token_for(settings: Settings) -> str:
    return security.issue_token(
        user_id="u1", session_id="s1", token_type="access", store="default", settings=settings
    ).token


def test_a_plain_secret_is_one_key() -> None:
    parsed = keyring.parse(A)
    assert (parsed.current.kid, parsed.current.secret, parsed.previous) == (
        "default",
        A.encode(),
        None,
    )


@pytest.mark.parametrize(
    "secret",
    [
        ring("k1", "short"),
        ring("k1", A, "k0", "short"),
        ring("k1", A, "k1", B),  # the same id twice
        ring("", A),
        '{"kid": "k1"}',
    ],
)
def test_a_bad_key_ring_stops_the_app(secret: str) -> None:
    with pytest.raises((ValueError, ValidationError)):
        Settings(app_env="prod", jwt_secret=secret)


def test_tokens_name_their_key_and_outlive_one_rotation() -> None:
    before = settings_with(ring("k1", A))
    old_token = token_for(before)
    from jose import jwt

    assert jwt.get_unverified_header(old_token)["kid"] == "k1"
    after = settings_with(keyring.rotated(ring("k1", A), new_kid="k2", new_secret=B))
    assert (
        security.decode_token(
            old_token, expected_type="access", store="default", settings=after
        ).user_id
        == "u1"
    )
    new_token = token_for(after)
    assert jwt.get_unverified_header(new_token)["kid"] == "k2"
    assert security.decode_token(new_token, expected_type="access", store="default", settings=after)
    # a second rotation drops k1: its tokens are refused
    assert after.jwt_secret is not None
    later = settings_with(
        keyring.rotated(after.jwt_secret.get_secret_value(), new_kid="k3", new_secret=C)
    )
    with pytest.raises(InvalidTokenError, match="unknown signing key"):
        security.decode_token(old_token, expected_type="access", store="default", settings=later)
    assert security.decode_token(new_token, expected_type="access", store="default", settings=later)


def test_a_token_with_a_forged_key_id_is_refused() -> None:
    from jose import jwt

    settings = settings_with(ring("k2", B, "k1", A))
    claims = jwt.get_unverified_claims(token_for(settings))
    forged = jwt.encode(claims, C, algorithm="HS256", headers={"kid": "k1"})
    with pytest.raises(InvalidTokenError):
        security.decode_token(forged, expected_type="access", store="default", settings=settings)


def test_cursors_survive_a_rotation(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_with(ring("k1", A))
    monkeypatch.setattr(pagination, "get_settings", lambda: settings)
    cursor = pagination.encode_cursor({"PK": {"S": "x"}}, scope="s")
    rotated = settings_with(keyring.rotated(ring("k1", A), new_kid="k2", new_secret=B))
    monkeypatch.setattr(pagination, "get_settings", lambda: rotated)
    assert pagination.decode_cursor(cursor, scope="s") == {"PK": {"S": "x"}}
    assert pagination.encode_cursor({"PK": {"S": "x"}}, scope="s") != cursor  # signed with k2


def test_a_rotation_reaches_running_containers(
    secrets_manager: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI rotates the secret; a container that still holds the old keys accepts a
    token under the new key (it reads the secret again on an unknown id) and, after the
    refresh interval, signs with the new key itself."""
    from app import cli

    arn = secrets_manager.create_secret(Name="catalog/jwt", SecretString=ring("k1", A))["ARN"]
    running = Settings(app_env="prod", jwt_secret_arn=arn, aws_region="eu-west-1")
    signing.forget()
    old_token = token_for(running)
    assert (
        cli.main(["rotate-jwt-key", "--secret-id", arn, "--region", "eu-west-1", "--kid", "k2"])
        == 0
    )
    stored = keyring.parse(secrets_manager.get_secret_value(SecretId=arn)["SecretString"])
    assert (stored.current.kid, stored.previous.kid if stored.previous else None) == ("k2", "k1")
    assert stored.previous is not None
    assert stored.previous.secret == A.encode()
    new_secret = stored.current.secret.decode()

    # what a container that has read the new secret signs (this process still holds k1)
    from jose import jwt

    claims = jwt.get_unverified_claims(old_token) | {"sub": "u2"}
    new_token = jwt.encode(claims, new_secret, algorithm="HS256", headers={"kid": "k2"})
    assert signing.key_ring(running).current.kid == "k1"
    monkeypatch.setattr(signing, "MIN_RELOAD_SECONDS", 0.0)
    assert (
        security.decode_token(
            new_token, expected_type="access", store="default", settings=running
        ).user_id
        == "u2"
    )
    assert (
        security.decode_token(
            old_token, expected_type="access", store="default", settings=running
        ).user_id
        == "u1"
    )
    from jose import jwt

    assert jwt.get_unverified_header(token_for(running))["kid"] == "k2"


def test_a_rotation_to_a_key_id_in_use_is_refused(
    secrets_manager: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reusing the current or the previous key's id would make tokens name the wrong key:
    the CLI says so and the secret stays as it was."""
    from app import cli

    before = ring("k2", B, "k1", A)
    arn = secrets_manager.create_secret(Name="catalog/jwt4", SecretString=before)["ARN"]
    for kid in ("k1", "k2"):
        command = ["rotate-jwt-key", "--secret-id", arn, "--region", "eu-west-1", "--kid", kid]
        assert cli.main(command) == 2
        assert f"key id '{kid}' is in use: choose another --kid" in capsys.readouterr().err
    assert secrets_manager.get_secret_value(SecretId=arn)["SecretString"] == before


def test_after_a_snapstart_restore_the_keys_are_read_again(
    secrets_manager: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    arn = secrets_manager.create_secret(Name="catalog/jwt2", SecretString=ring("k1", A))["ARN"]
    settings = Settings(app_env="prod", jwt_secret_arn=arn, aws_region="eu-west-1")
    signing.forget()
    assert signing.key_ring(settings).current.kid == "k1"
    secrets_manager.put_secret_value(SecretId=arn, SecretString=ring("k2", B, "k1", A))
    assert signing.key_ring(settings).current.kid == "k1"  # within the refresh interval
    signing.forget()
    assert signing.key_ring(settings).current.kid == "k2"


def test_while_the_secret_cannot_be_read_the_keys_held_go_on(
    secrets_manager: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Secrets Manager down at a refresh: the container keeps signing and verifying with
    the keys it holds, and tries again after the next interval, not on every request."""
    clock = [1000.0]
    monkeypatch.setattr(signing, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    arn = secrets_manager.create_secret(Name="catalog/jwt3", SecretString=ring("k1", A))["ARN"]
    settings = Settings(app_env="prod", jwt_secret_arn=arn, aws_region="eu-west-1")
    signing.forget()
    token = token_for(settings)
    reads: list[str] = []

    def unreachable(secret_id: str, region: str) -> str:
        reads.append(secret_id)
        raise ConnectionError("Secrets Manager is not answering")

    monkeypatch.setattr(signing, "read_secret", unreachable)
    clock[0] += signing.REFRESH_SECONDS + 1
    assert signing.key_ring(settings).current.kid == "k1"  # the refresh failed: kept
    assert reads == [arn]
    for _ in range(3):
        clock[0] += 10
        claims = security.decode_token(
            token, expected_type="access", store="default", settings=settings
        )
        assert claims.user_id == "u1"
        assert signing.key_ring(settings).current.kid == "k1"
    assert reads == [arn]  # not tried again on every request
    clock[0] += signing.REFRESH_SECONDS
    signing.key_ring(settings)
    assert reads == [arn, arn]  # but after the next interval
