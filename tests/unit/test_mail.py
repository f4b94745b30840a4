"""Mail that works or says so: on AWS there is no default sender and no default link target;
without them nothing is sent, and the failure is counted (MailFailures, alarmed)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from app.core import links, mail
from app.core.config import Settings


def settings(**values: str) -> Settings:
    return Settings(jwt_secret="x" * 40, **values)


def test_no_default_url_on_aws_and_the_local_server_elsewhere() -> None:
    assert settings(app_env="prod").app_url is None
    assert settings(app_env="local").app_url == "http://127.0.0.1:8000"
    assert settings(app_env="prod", public_app_url="https://shop.example.com").app_url == (
        "https://shop.example.com"
    )


def test_links_lead_to_the_store() -> None:
    def link(store: str, domains: list[str], url: str | None) -> str | None:
        return links.app_url(
            "reset-password",
            store=store,
            domains=domains,
            public_app_url=url,
            default_store="default",
        )

    assert (
        link("default", [], "https://shop.example.com/")
        == "https://shop.example.com/app/reset-password"
    )
    assert link("north", [], "https://shop.example.com") == (
        "https://shop.example.com/app/reset-password?store=north"
    )
    assert (
        link("south", ["shop.south.example"], None)
        == "https://shop.south.example/app/reset-password"
    )
    assert link("north", [], None) is None


def test_no_sender_no_mail() -> None:
    with pytest.raises(mail.MailNotConfiguredError):
        mail.send(to="a@example.com", subject="s", text="t", settings=settings(app_env="prod"))


@pytest.fixture
def ses() -> Iterator[Any]:
    """SES as moto answers it, the sender's address verified; the module's cached client
    made inside it and forgotten after."""
    from moto import mock_aws
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    mail._ses_client.cache_clear()
    with mock_aws():
        identities = boto3.client("sesv2", region_name="eu-west-1")
        identities.create_email_identity(EmailIdentity="shop@example.com")
        yield ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"]
    mail._ses_client.cache_clear()


def test_on_aws_mail_goes_out_through_ses_from_the_sender(ses: Any) -> None:
    on_aws = settings(app_env="prod", mail_from="shop@example.com", aws_region="eu-west-1")
    mail.send(
        to="ann@example.com", subject="Back in stock", text="The mug is back.", settings=on_aws
    )

    [sent] = ses.sent_messages
    assert (sent.source, sent.destinations) == (
        "shop@example.com",
        {"ToAddresses": ["ann@example.com"]},
    )
    assert (sent.subject, sent.body) == ("Back in stock", "The mug is back.")


def test_a_sender_ses_refuses_is_an_error_not_a_silent_loss(ses: Any) -> None:
    """SES's refusal reaches the caller (which counts it as a failed mail, alarmed)."""
    unverified = settings(app_env="prod", mail_from="sales@example.com", aws_region="eu-west-1")
    with pytest.raises(ClientError, match="MessageRejected"):
        mail.send(to="ann@example.com", subject="s", text="t", settings=unverified)
    assert ses.sent_messages == []
