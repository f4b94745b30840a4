"""Rotating the secret CloudFront proves itself with (`python -m app.cli
rotate-origin-secret`, RUNBOOK.md): start, deploy, finish -- and a running function admits
what CloudFront sends at every step."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app import cli
from app.core import origin
from tests.support.clock import Clock


def rotate(step: str, arn: str) -> int:
    return cli.main(["rotate-origin-secret", step, "--secret-id", arn, "--region", "eu-west-1"])


def stored(secrets_manager: Any, arn: str) -> dict[str, str]:
    values: dict[str, str] = json.loads(
        secrets_manager.get_secret_value(SecretId=arn)["SecretString"]
    )
    return values


def test_start_then_finish_never_refuses_what_cloudfront_sends(
    secrets_manager: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = secrets_manager.create_secret(Name="origin", SecretString='{"current": "old"}')["ARN"]
    clock = Clock()
    running = origin.OriginSecret(
        lambda: secrets_manager.get_secret_value(SecretId=arn)["SecretString"], clock=clock
    )
    assert running.admits("old")

    assert rotate("start", arn) == 0
    assert "run `make deploy`" in capsys.readouterr().out
    values = stored(secrets_manager, arn)
    new = values["current"]
    assert values["previous"] == "old"
    assert len(new) == 48  # 36 random bytes, URL-safe base64
    clock.now += origin.MAX_AGE_SECONDS
    assert running.admits("old")  # CloudFront before the deploy
    assert running.admits(new)  # and after it

    assert rotate("finish", arn) == 0
    assert stored(secrets_manager, arn) == {"current": new}
    clock.now += origin.MAX_AGE_SECONDS
    assert running.admits(new)
    assert not running.admits("old")


def test_a_second_start_before_finish_is_refused_and_changes_nothing(
    secrets_manager: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Starting again would drop the value CloudFront may still send (the first start's
    deploy not done): every request would be refused until the next deploy."""
    arn = secrets_manager.create_secret(Name="origin2", SecretString='{"current": "old"}')["ARN"]
    assert rotate("start", arn) == 0
    under_way = stored(secrets_manager, arn)
    capsys.readouterr()

    assert rotate("start", arn) == 2
    assert "a rotation is under way" in capsys.readouterr().err
    assert stored(secrets_manager, arn) == under_way
    versions = secrets_manager.list_secret_version_ids(SecretId=arn)["Versions"]
    assert len(versions) == 2  # the first value and the start's: nothing written since


def test_finish_without_a_rotation_under_way_writes_nothing(
    secrets_manager: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = secrets_manager.create_secret(Name="origin3", SecretString='{"current": "v"}')["ARN"]
    assert rotate("finish", arn) == 0
    assert "nothing to finish" in capsys.readouterr().out
    assert stored(secrets_manager, arn) == {"current": "v"}
    assert len(secrets_manager.list_secret_version_ids(SecretId=arn)["Versions"]) == 1
