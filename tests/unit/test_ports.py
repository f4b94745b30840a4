"""`make run` refuses a port taken by a stranger, not one a server it ran has just let go
of (`make seed` then `make run` failed so, at random: connections the seeding's S3 had
closed were still in TIME_WAIT)."""

from __future__ import annotations

import socket

from devtools.run_local import port_is_free


def test_a_listening_port_is_taken() -> None:
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 0))
        server.listen()
        assert not port_is_free(server.getsockname()[1])


def test_a_port_whose_server_just_closed_its_connections_is_free() -> None:
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = server.accept()
    accepted.close()  # the server closes first: its side of the connection is in TIME_WAIT
    client.recv(1)  # sees the end
    client.close()
    server.close()
    assert port_is_free(port)
