"""A WebSocket client that speaks AppSync Events' protocol (the `websockets` package), for
tests and benchmarks of live stock against the local endpoint."""

from __future__ import annotations

import base64
import json
import time
import uuid
from contextlib import ExitStack
from typing import Any

from websockets.sync.client import ClientConnection, connect

SUBPROTOCOL = "aws-appsync-event-ws"


def header_protocol(auth: dict[str, str]) -> str:
    encoded = base64.urlsafe_b64encode(json.dumps(auth).encode()).decode().rstrip("=")
    return f"header-{encoded}"


class LiveClient:
    """One connection: `subscribe()` a channel, `next_event()` or `events_for()` read it."""

    def __init__(self, info: dict[str, Any], *, auth: dict[str, str] | None = None) -> None:
        self.auth = auth if auth is not None else info["auth"]
        self._stack = ExitStack()
        protocols = [SUBPROTOCOL, header_protocol(self.auth)]
        self.socket: ClientConnection = self._stack.enter_context(
            connect(info["realtime_url"], subprotocols=protocols)  # type: ignore[arg-type]
        )
        self.backlog: list[dict[str, Any]] = []

    def send(self, message: dict[str, Any]) -> None:
        self.socket.send(json.dumps(message))

    def receive(self, timeout: float = 5.0) -> dict[str, Any]:
        return json.loads(self.socket.recv(timeout=timeout))  # type: ignore[no-any-return]

    def expect(self, kind: str, timeout: float = 5.0) -> dict[str, Any]:
        """The next message of that type (keep-alives and data set aside)."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.receive(max(0.01, deadline - time.monotonic()))
            if message["type"] == kind:
                return message
            if message["type"] == "data":
                self.backlog.append(message)
            elif message["type"] != "ka":
                raise AssertionError(f"expected {kind}, got {message}")

    def init(self) -> dict[str, Any]:
        self.send({"type": "connection_init"})
        return self.expect("connection_ack")

    def subscribe(self, channel: str, *, authorization: dict[str, str] | None = None) -> str:
        subscription_id = str(uuid.uuid4())
        self.send(
            {
                "type": "subscribe",
                "id": subscription_id,
                "channel": channel,
                "authorization": self.auth if authorization is None else authorization,
            }
        )
        answer = self.receive()
        while answer["type"] == "ka":
            answer = self.receive()
        if answer != {"type": "subscribe_success", "id": subscription_id}:
            raise RuntimeError(f"subscribing to {channel} failed: {answer}")
        return subscription_id

    def next_event(self, timeout: float = 5.0) -> dict[str, Any]:
        """The next data message's event, decoded, with `_id` (its subscription)."""
        message = self.backlog.pop(0) if self.backlog else self.expect("data", timeout)
        return json.loads(message["event"]) | {"_id": message["id"]}  # type: ignore[no-any-return]

    def events_for(self, seconds: float) -> list[dict[str, Any]]:
        """Every event that arrives within `seconds`."""
        events = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                events.append(self.next_event(left))
            except TimeoutError:
                break
        return events

    def close(self) -> None:
        self._stack.close()
