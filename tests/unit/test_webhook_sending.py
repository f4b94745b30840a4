"""A webhook over HTTPS goes to the address that was checked, while TLS checks the URL's
name: SNI, the certificate and the Host header all name the host, and a certificate that
does not name it (or that no trusted authority signed) stops the delivery before the body
is sent."""

from __future__ import annotations

import datetime
import http.server
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.webhooks import sending
from app.webhooks.targets import Target

HOST = "hooks.example.test"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(
    subject: str, key: Any, issuer: str, issuer_key: Any, *, ca: bool
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


@dataclass
class Authority:
    """A certificate authority of the test's own, and the server certificates it signs."""

    folder: Path
    name: str = "Test CA"
    key: Any = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))

    def __post_init__(self) -> None:
        self.certificate = _certificate(self.name, self.key, self.name, self.key, ca=True)
        self.file = self.folder / "ca.pem"
        self.file.write_bytes(_pem(self.certificate))

    def server_context(self, name: str) -> ssl.SSLContext:
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = _certificate(name, key, self.name, self.key, ca=False)
        chain, key_file = self.folder / f"{name}.pem", self.folder / f"{name}.key"
        chain.write_bytes(_pem(certificate))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(chain, key_file)
        return context


@dataclass
class Seen:
    server_names: list[str | None] = field(default_factory=list)
    requests: list[tuple[str, str, bytes]] = field(default_factory=list)  # path, Host, body


@pytest.fixture
def authority(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Authority:
    """The test's authority, trusted as the system's would be (SSL_CERT_FILE)."""
    made = Authority(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(made.file))
    return made


def serve(context: ssl.SSLContext) -> tuple[int, Seen, Any]:
    """An HTTPS server on 127.0.0.1 answering 204, and what it saw."""
    seen = Seen()

    def note_server_name(_: Any, server_name: str | None, __: Any) -> None:
        seen.server_names.append(server_name)

    context.sni_callback = note_server_name

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.requests.append((self.path, self.headers["Host"], body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1], seen, server


@pytest.fixture
def stop() -> Iterator[list[Any]]:
    servers: list[Any] = []
    yield servers
    for server in servers:
        server.shutdown()
        server.server_close()


def target(port: int) -> Target:
    return Target(scheme="https", host=HOST, port=port, path="/hooks?x=1", address="127.0.0.1")


def test_https_goes_to_the_checked_address_and_names_the_host(
    authority: Authority, stop: list[Any]
) -> None:
    port, seen, server = serve(authority.server_context(HOST))
    stop.append(server)
    status = sending.post(target(port), b'{"id":"1"}', {"X-Signature": "s"}, timeout=5)
    assert status == 204
    assert seen.server_names == [HOST]  # SNI: the URL's name, not the address
    assert seen.requests == [("/hooks?x=1", f"{HOST}:{port}", b'{"id":"1"}')]


def test_a_certificate_for_another_name_stops_the_delivery_before_the_body(
    authority: Authority, stop: list[Any]
) -> None:
    port, seen, server = serve(authority.server_context("other.example.test"))
    stop.append(server)
    with pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"):
        sending.post(target(port), b'{"id":"1"}', {}, timeout=5)
    assert seen.requests == []


def test_a_certificate_no_trusted_authority_signed_stops_the_delivery(
    authority: Authority, stop: list[Any], tmp_path: Path
) -> None:
    (tmp_path / "stranger").mkdir()
    stranger = Authority(tmp_path / "stranger", name="Stranger CA")
    port, seen, server = serve(stranger.server_context(HOST))
    stop.append(server)
    with pytest.raises(ssl.SSLCertVerificationError, match="unable to get local issuer"):
        sending.post(target(port), b'{"id":"1"}', {}, timeout=5)
    assert seen.requests == []
