from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pydantic import ValidationError

from app.core.config import Settings


def test_prod_refuses_to_start_without_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JWT_SECRET", raising=False)
    with pytest.raises(ValidationError, match="JWT_SECRET"):
        Settings(app_env="prod")


def test_prod_refuses_a_short_secret() -> None:
    with pytest.raises(ValidationError, match="32 bytes"):
        Settings(app_env="prod", jwt_secret="x" * 31)


def test_default_environment_is_prod(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.delenv("JWT_SECRET", raising=False)
    with pytest.raises(ValidationError):
        Settings()


def test_local_without_secret_gets_a_random_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JWT_SECRET", raising=False)
    first, second = Settings(app_env="local"), Settings(app_env="local")
    assert first.jwt_secret is not None
    assert second.jwt_secret is not None
    assert len(first.jwt_secret.get_secret_value()) >= 32
    assert first.jwt_secret.get_secret_value() != second.jwt_secret.get_secret_value()


def test_a_short_secret_is_refused_everywhere() -> None:
    with pytest.raises(ValidationError):
        Settings(app_env="local", jwt_secret="short")


def test_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "prod")
    monkeypatch.setenv("JWT_SECRET", "s" * 32)
    monkeypatch.setenv("CATALOG_TABLE", "shop")
    monkeypatch.setenv("DYNAMODB_ENDPOINT_URL", "http://127.0.0.1:9")
    settings = Settings()
    assert settings.catalog_table == "shop"
    assert settings.dynamodb_endpoint_url == "http://127.0.0.1:9"


def test_default_password_hashing_cost_follows_owasp() -> None:
    settings = Settings(app_env="test", jwt_secret="s" * 32)
    assert (settings.argon2_memory_kib, settings.argon2_time_cost, settings.argon2_parallelism) == (
        19456,
        2,
        1,
    )


@pytest.fixture
def stored_secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], str]]:
    """Store a secret in (moto's) Secrets Manager; returns its ARN."""
    from moto import mock_aws

    monkeypatch.delenv("JWT_SECRET", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        import boto3

        client = boto3.client("secretsmanager", region_name="eu-west-1")
        yield lambda value: str(client.create_secret(Name="catalog/jwt", SecretString=value)["ARN"])


def test_reads_the_jwt_secret_from_secrets_manager(stored_secret: Callable[[str], str]) -> None:
    arn = stored_secret("k" * 64)
    settings = Settings(app_env="prod", jwt_secret_arn=arn, aws_region="eu-west-1")
    assert settings.jwt_secret is not None
    assert settings.jwt_secret.get_secret_value() == "k" * 64


def test_a_short_secret_from_secrets_manager_is_refused(
    stored_secret: Callable[[str], str],
) -> None:
    arn = stored_secret("short")
    with pytest.raises(ValidationError):
        Settings(app_env="prod", jwt_secret_arn=arn, aws_region="eu-west-1")


def test_a_process_that_signs_no_tokens_needs_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stream function (mail, events) runs in prod without the signing key."""
    monkeypatch.delenv("JWT_SECRET", raising=False)
    settings = Settings(app_env="prod", signs_tokens=False)
    assert settings.jwt_secret is None
    with pytest.raises(ValidationError, match="JWT_SECRET"):
        Settings(app_env="prod")  # the API still refuses to start without it
