"""Mail that works or says so: on AWS there is no default sender and no default link target;
without them nothing is sent, and the failure is counted (MailFailures, alarmed)."""

from __future__ import annotations

import pytest

from app.core import links, mail
from app.core.config import Settings


def settings(**values: str) -> Settings:
    return Settings(jwt_secret="x" * 40, **values)  # type: ignore[arg-type]


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
