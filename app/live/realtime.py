"""`ws://<host>/event/realtime` under `make run`: the AWS AppSync Events WebSocket protocol,
the messages a client exchanges with AppSync, served by this process.

Handshake with the subprotocols `aws-appsync-event-ws` and `header-<base64url of {host,
x-api-key}>`; then `connection_init` → `connection_ack`; `subscribe` → `subscribe_success`
or `subscribe_error`; `data` messages for the subscription's channel (a trailing `/*` takes
every channel below); `ka` keep-alives; `unsubscribe` → `unsubscribe_success`. Publishing
from a client is refused (`publish_error`): on AWS only IAM may publish.

Not an AppSync emulator beyond these messages: one process's subscribers only, API-key
auth only, no channel-namespace handlers, no connection time limit.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import itertools
import json
from typing import Any

from fastapi import WebSocket
from starlette.websockets import WebSocketDisconnect

from app.http.access import PUBLIC
from app.http.routing import APIRouter
from app.live import channels
from app.live.hub import Subscription, get_hub
from app.live.service import subscriber_key

SUBPROTOCOL = "aws-appsync-event-ws"
HEADER_PREFIX = "header-"
CONNECTION_TIMEOUT_MS = 300_000
MAX_SUBSCRIPTIONS = 200  # per connection, as AppSync

router = APIRouter(dependencies=[PUBLIC])
_connection_ids = itertools.count(1)


def _auth_from_subprotocols(offered: list[str]) -> dict[str, Any] | None:
    for protocol in offered:
        if protocol.startswith(HEADER_PREFIX):
            encoded = protocol[len(HEADER_PREFIX) :]
            try:
                decoded = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
                auth = json.loads(decoded)
            except (binascii.Error, ValueError):
                return None
            return auth if isinstance(auth, dict) else None
    return None


def _authorized(auth: object) -> bool:
    return isinstance(auth, dict) and auth.get("x-api-key") == subscriber_key()


def _error(error_type: str, message: str) -> list[dict[str, str]]:
    return [{"errorType": error_type, "message": message}]


class Connection:
    def __init__(self, websocket: WebSocket, keepalive_seconds: int) -> None:
        self.websocket = websocket
        self.id = next(_connection_ids)
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.keepalive_seconds = keepalive_seconds
        self.initialised = False
        self.subscriptions: set[str] = set()

    async def send_all(self) -> None:
        while True:
            message = await self.outbox.get()
            await self.websocket.send_text(json.dumps(message, separators=(",", ":")))

    async def keep_alive(self) -> None:
        while True:
            await asyncio.sleep(self.keepalive_seconds)
            self.outbox.put_nowait({"type": "ka"})

    def answer(self, message: dict[str, Any]) -> None:
        self.outbox.put_nowait(message)

    def handle(self, message: object, tasks: list[asyncio.Task[None]]) -> None:
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            self.answer(
                {"type": "error", "errors": _error("BadRequestException", "Not a message.")}
            )
            return
        kind = message["type"]
        if kind == "connection_init":
            if not self.initialised:
                self.initialised = True
                tasks.append(asyncio.create_task(self.keep_alive()))
            self.answer({"type": "connection_ack", "connectionTimeoutMs": CONNECTION_TIMEOUT_MS})
        elif kind == "subscribe":
            self.subscribe(message)
        elif kind == "unsubscribe":
            self.unsubscribe(message)
        elif kind == "publish":
            self.answer(
                {
                    "type": "publish_error",
                    "id": message.get("id"),
                    "errors": _error("UnauthorizedException", "Only the service publishes here."),
                }
            )
        else:
            self.answer(
                {"type": "error", "errors": _error("UnsupportedOperation", f"Unknown type {kind}.")}
            )

    def subscribe(self, message: dict[str, Any]) -> None:
        subscription_id = message.get("id")
        if not isinstance(subscription_id, str) or not 1 <= len(subscription_id) <= 128:
            self.answer({"type": "error", "errors": _error("BadRequestException", "No id.")})
            return

        def refuse(error_type: str, text: str) -> None:
            self.answer(
                {
                    "type": "subscribe_error",
                    "id": subscription_id,
                    "errors": _error(error_type, text),
                }
            )

        channel = message.get("channel")
        parts = channels.segments(channel, wildcard=True) if isinstance(channel, str) else None
        if not self.initialised:
            refuse("BadRequestException", "Send connection_init first.")
        elif not _authorized(message.get("authorization")):
            refuse("UnauthorizedException", "The authorization is not valid.")
        elif parts is None:
            refuse("BadRequestException", "Not a valid channel.")
        elif parts[0] != channels.NAMESPACE:
            refuse("NamespaceNotFoundException", f"No channel namespace {parts[0]}.")
        elif len(self.subscriptions) >= MAX_SUBSCRIPTIONS:
            refuse("MaxSubscriptionsReachedError", "Too many subscriptions on this connection.")
        elif not get_hub().subscribe(
            Subscription(self.id, subscription_id, parts, self.outbox, asyncio.get_running_loop())
        ):
            refuse("BadRequestException", "That id is subscribed already.")
        else:
            self.subscriptions.add(subscription_id)
            self.answer({"type": "subscribe_success", "id": subscription_id})

    def unsubscribe(self, message: dict[str, Any]) -> None:
        subscription_id = message.get("id")
        if isinstance(subscription_id, str) and get_hub().unsubscribe(self.id, subscription_id):
            self.subscriptions.discard(subscription_id)
            self.answer({"type": "unsubscribe_success", "id": subscription_id})
        else:
            self.answer(
                {
                    "type": "unsubscribe_error",
                    "id": subscription_id,
                    "errors": _error("UnknownOperationError", "No such subscription."),
                }
            )


@router.websocket("/event/realtime")
async def realtime(websocket: WebSocket) -> None:
    from app.core.config import get_settings

    settings = get_settings()
    offered = list(websocket.scope.get("subprotocols") or [])
    if settings.live_mode != "local" or SUBPROTOCOL not in offered:
        await websocket.close(code=1008)  # before the handshake: refused (HTTP 403)
        return
    await websocket.accept(subprotocol=SUBPROTOCOL)
    if not _authorized(_auth_from_subprotocols(offered)):
        errors = _error("UnauthorizedException", "The authorization header is not valid.")
        await websocket.send_text(json.dumps({"type": "connection_error", "errors": errors}))
        await websocket.close(code=1008)
        return
    connection = Connection(websocket, settings.live_keepalive_seconds)
    tasks: list[asyncio.Task[None]] = [asyncio.create_task(connection.send_all())]
    try:
        while True:
            text = await websocket.receive_text()
            try:
                message = json.loads(text)
            except ValueError:
                message = None
            connection.handle(message, tasks)
    except WebSocketDisconnect:
        pass
    finally:
        get_hub().drop(connection.id)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
