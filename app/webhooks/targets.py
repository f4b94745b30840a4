"""Where a webhook may send: public https addresses only (SSRF).

A URL is checked when the webhook is made (its scheme, its host, and every address the
host resolves to) and again at every delivery, after resolving the host anew: a name that
resolved to a public address yesterday may resolve to 169.254.169.254 today (DNS
rebinding), so the delivery connects to the very address it checked
(app/webhooks/sending.py), never to the name.

Refused: loopback, private (RFC 1918, unique local), link-local (the cloud metadata
service), carrier-grade NAT, multicast, reserved and unspecified addresses, IPv4 hidden in
IPv6 (mapped, 6to4, Teredo), and names that are internal by convention. Outside AWS
(`APP_ENV` local or test) `http://127.0.0.1` (or `localhost`, `[::1]`) is allowed, so a
developer can point a webhook at `make webhook-echo`.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from app.core.errors import InvalidInputError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]  # (host, port) -> addresses

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
INTERNAL_SUFFIXES = (".localhost", ".local", ".internal", ".intranet", ".lan", ".home.arpa")
MAX_URL_LENGTH = 2048


class UnsafeTargetError(InvalidInputError):
    code, title = "unsafe_webhook_url", "The webhook URL is not allowed"

    def __init__(self, message: str) -> None:
        super().__init__(
            f"url: {message}",
            errors=[
                {"field": "url", "location": "body", "message": message, "type": "value_error"}
            ],
        )


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (`address`) and what to say to it (`host`, TLS)."""

    scheme: str
    host: str
    port: int
    path: str  # with its query
    address: str  # the checked IP address to connect to

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        name = f"[{self.host}]" if ":" in self.host else self.host
        return name if self.port == default else f"{name}:{self.port}"


def system_resolver(host: str, port: int) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeTargetError(f"{host} does not resolve") from error
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def _is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        hidden = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if hidden is not None:
            return _is_public(hidden)
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_unspecified
    )


def check(url: str, *, allow_loopback: bool, resolve: Resolver | None = None) -> Target:
    """The URL's target, if it is one a webhook may send to; UnsafeTargetError (422) if not.

    `allow_loopback`: outside AWS, plain http to this machine is allowed (and only that)."""
    parts, host, port = _split(url)
    loopback = _is_this_machine(parts.scheme, host, allow_loopback=allow_loopback)
    addresses = _addresses(host, port, resolve or system_resolver)
    for address in addresses:
        if not (loopback and address.is_loopback) and not _is_public(address):
            raise UnsafeTargetError(f"{host} leads to a private or reserved address")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, str(addresses[0]))


def _split(url: str) -> tuple[SplitResult, str, int]:
    """The URL's parts, host and port, if it is a web address without credentials."""
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeTargetError(f"must be at most {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise UnsafeTargetError("is not a valid URL") from error
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise UnsafeTargetError("must be an https:// URL")
    if parts.username is not None or parts.password is not None:
        raise UnsafeTargetError("must not carry a user name or password")
    return parts, host, port


def _is_this_machine(scheme: str, host: str, *, allow_loopback: bool) -> bool:
    """Whether the URL names this machine, where it may (outside AWS); plain http to
    anywhere else, or an internal name, is refused."""
    loopback = allow_loopback and host in LOOPBACK_NAMES
    if scheme == "http" and not loopback:
        message = "must be an https:// URL" + (
            " (or http://127.0.0.1 on this machine)" if allow_loopback else ""
        )
        raise UnsafeTargetError(message)
    if not loopback and (host in LOOPBACK_NAMES or host.endswith(INTERNAL_SUFFIXES)):
        raise UnsafeTargetError(f"{host} is an internal name")
    return loopback


def _addresses(host: str, port: int, resolve: Resolver) -> list[IPAddress]:
    """The host's addresses: itself if it is one, else what it resolves to now."""
    try:
        found = [str(ipaddress.ip_address(host))]
    except ValueError:
        found = list(resolve(host, port))
    if not found:
        raise UnsafeTargetError(f"{host} does not resolve")
    return [ipaddress.ip_address(text.split("%", 1)[0]) for text in found]  # no IPv6 zone
