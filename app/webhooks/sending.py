"""One HTTP POST to a checked target, connected to the address that was checked.

The connection goes to `target.address` (resolved and checked just before,
app/webhooks/targets.py), while the Host header and TLS (SNI and certificate check) use the
URL's name: a second DNS answer cannot send it elsewhere. No redirect is followed (a 3xx
is a failed delivery), and the answer's body is not read beyond a few bytes.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Mapping

from app.webhooks.targets import Target

TIMEOUT_SECONDS = 10.0
USER_AGENT = "Catalog-Webhooks/1"


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(
    target: Target, body: bytes, headers: Mapping[str, str], timeout: float = TIMEOUT_SECONDS
) -> int:
    """POST the body; the answer's status code. OSError / HTTPException when there is none."""
    connection: http.client.HTTPConnection = (
        _PinnedHTTPSConnection(target, timeout)
        if target.scheme == "https"
        else _PinnedHTTPConnection(target, timeout)
    )
    try:
        connection.putrequest("POST", target.path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", target.host_header)
        for name, value in {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            **headers,
        }.items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        response.read(1024)
        return response.status
    finally:
        connection.close()
