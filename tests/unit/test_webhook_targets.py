"""Where a webhook may send (SSRF), decided without the network: a fake resolver."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from app.events.catalog import DETAIL_TYPES
from app.webhooks.schemas import EventType
from app.webhooks.signatures import signature_header
from app.webhooks.targets import UnsafeTargetError, check

PUBLIC = {"shop.example.com": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]}


def resolve(host: str, port: int) -> list[str]:
    return {
        **PUBLIC,
        "rebound.example.com": ["93.184.216.34", "127.0.0.1"],
        "cgnat.example.com": ["100.64.1.1"],
        "teredo.example.com": ["2001:0:4136:e378:8000:63bf:3fff:fdd2"],  # hides 192.0.2.45
        "sixtofour.example.com": ["2002:0a00:0001::1"],  # hides 10.0.0.1
    }.get(host, [])


def test_public_https_targets_connect_to_the_checked_address() -> None:
    target = check("https://shop.example.com:8443/hooks?x=1", allow_loopback=False, resolve=resolve)
    assert (target.scheme, target.host, target.port, target.path, target.address) == (
        "https",
        "shop.example.com",
        8443,
        "/hooks?x=1",
        "93.184.216.34",
    )
    assert target.host_header == "shop.example.com:8443"
    assert check("https://93.184.216.34", allow_loopback=False).path == "/"


@pytest.mark.parametrize(
    "url",
    [
        "http://shop.example.com/",
        "http://127.0.0.1:8080/",  # on AWS, not even this machine
        "https://localhost/",
        "https://127.0.0.1/",
        "https://[::1]/",
        "https://rebound.example.com/",  # one private answer among public ones
        "https://cgnat.example.com/",
        "https://teredo.example.com/",
        "https://sixtofour.example.com/",
        "https://nowhere.example.com/",  # does not resolve
        "https://224.0.0.1/",
        "https://240.0.0.1/",
        "https://printer.local/",
        "https://shop.example.com:99999/",
        "https:///path-only",
        "javascript:alert(1)",
        "https://" + "a" * 2100 + ".com/",
    ],
)
def test_private_reserved_and_odd_targets_are_refused_on_aws(url: str) -> None:
    with pytest.raises(UnsafeTargetError):
        check(url, allow_loopback=False, resolve=resolve)


def test_locally_only_this_machine_may_be_plain_http() -> None:
    assert check("http://127.0.0.1:8765/hook", allow_loopback=True).address == "127.0.0.1"
    assert check("http://localhost:8765/", allow_loopback=True, resolve=lambda h, p: ["127.0.0.1"])
    for url in ("http://10.0.0.1/", "http://shop.example.com/"):
        with pytest.raises(UnsafeTargetError):
            check(url, allow_loopback=True, resolve=resolve)
    with pytest.raises(UnsafeTargetError):  # localhost that resolves elsewhere
        check("http://localhost/", allow_loopback=True, resolve=lambda h, p: ["10.0.0.1"])


def test_the_signature_is_hmac_sha256_of_time_dot_body() -> None:
    body = b'{"id":"e1"}'
    header = signature_header("whsec_k", 1_700_000_000, body)
    expected = hmac.new(b"whsec_k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"


def test_webhooks_subscribe_to_exactly_the_catalogs_event_types() -> None:
    assert set(EventType.__args__) == set(DETAIL_TYPES)  # type: ignore[attr-defined]


def test_the_echo_sink_checks_signatures_as_a_receiver_should() -> None:
    from devtools.webhook_echo import signature_ok

    body = b'{"id":"e1"}'
    now = 1_700_000_000
    header = signature_header("whsec_k", now, body)
    assert signature_ok("whsec_k", header, body, now + 5)
    assert not signature_ok("whsec_k", header, body + b" ", now)  # body changed
    assert not signature_ok("whsec_other", header, body, now)  # someone else's secret
    assert not signature_ok("whsec_k", header, body, now + 3600)  # replayed an hour later
    assert not signature_ok("whsec_k", "garbage", body, now)
