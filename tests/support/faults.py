"""A seam for fault injection: botocore's `before-send` event, on the app's own clients.

`Faults(client)` counts the HTTP attempts the client makes, and can make them fail from the
Nth one on (an outage that starts mid-request) or the Nth one only (a blip that botocore's
retries absorb), with each error class DynamoDB and S3 really answer with. `Collisions`
cancels transactions that write an item, as a concurrent transaction would; `meanwhile`
lets another write land on the item just before a transaction writes (or a request reads) it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError

# kind -> (HTTP status, error code); None: the connection fails instead
DYNAMODB_ERRORS: dict[str, tuple[int, str] | None] = {
    "throughput": (400, "ProvisionedThroughputExceededException"),
    "throttling": (400, "ThrottlingException"),
    "request-limit": (400, "RequestLimitExceeded"),
    "internal": (500, "InternalServerError"),
    "unavailable": (503, "ServiceUnavailable"),
    "timeout": None,
    "refused": None,
}
S3_ERRORS: dict[str, tuple[int, str] | None] = {
    "slow-down": (503, "SlowDown"),
    "internal": (500, "InternalError"),
    "timeout": None,
    "refused": None,
}


def http_headers(values: dict[str, str]) -> HTTPHeaders:
    """Headers as botocore's responses carry them."""
    headers = HTTPHeaders()
    for name, value in values.items():
        headers[name] = value
    return headers


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


def _error_response(service: str, url: str, status: int, code: str, **fields: Any) -> AWSResponse:
    """An error answer as the service sends it; DynamoDB's may carry more `fields`."""
    if service == "s3":
        body = f"<Error><Code>{code}</Code><Message>injected</Message></Error>".encode()
        headers = {"Content-Type": "application/xml"}
    else:
        body = json.dumps(
            {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": "injected", **fields}
        ).encode()
        headers = {"Content-Type": "application/x-amz-json-1.0"}
    return aws_response(url, status, body, headers)


def aws_response(
    url: str, status: int, body: bytes = b"", headers: dict[str, str] | None = None
) -> AWSResponse:
    """An HTTP answer as botocore receives it from the wire."""
    return AWSResponse(url, status, http_headers(headers or {}), _Body(body))


def _operation(request: Any) -> str:
    """The DynamoDB operation a request calls ("" for other services)."""
    target = request.headers.get("X-Amz-Target", b"")
    target = target.decode() if isinstance(target, bytes) else str(target)
    return target.rsplit(".", 1)[-1]


@dataclass
class Faults:
    client: Any
    service: str  # "dynamodb" or "s3"
    calls: list[str] = field(default_factory=list)
    _plan: tuple[str, int, bool, bool, float] | None = None  # kind, nth, only, after_send, delay

    def __post_init__(self) -> None:
        self.client.meta.events.register("before-send", self._before_send)

    def close(self) -> None:
        self.client.meta.events.unregister("before-send", self._before_send)

    @contextmanager
    def failing(
        self,
        kind: str,
        *,
        from_call: int,
        only_that_one: bool = False,
        after_send: bool = False,
        delay: float = 0.0,
    ) -> Iterator[None]:
        """Attempts from the `from_call`th on (or just that one) fail with `kind`. With
        `after_send`, the attempt reaches the server first, then its answer is lost; with
        `delay`, the failure comes that many seconds late."""
        self.calls.clear()
        self._plan = (kind, from_call, only_that_one, after_send, delay)
        try:
            yield
        finally:
            self._plan = None

    @contextmanager
    def counting(self) -> Iterator[list[str]]:
        self.calls.clear()
        yield self.calls

    def _before_send(self, request: Any, **_: Any) -> AWSResponse | None:
        self.calls.append(_operation(request) or f"{request.method} {request.url}")
        if self._plan is None:
            return None
        kind, nth, only_that_one, after_send, delay = self._plan
        number = len(self.calls)
        if number < nth or (only_that_one and number != nth):
            return None
        errors = S3_ERRORS if self.service == "s3" else DYNAMODB_ERRORS
        error = errors[kind]
        if after_send:
            self.client._endpoint.http_session.send(request)  # it happens; the answer is lost
        time.sleep(delay)
        if error is None:
            if kind == "refused":
                raise EndpointConnectionError(endpoint_url=request.url)
            raise ReadTimeoutError(endpoint_url=request.url)
        status, code = error
        return _error_response(self.service, request.url, status, code)


@dataclass
class Collisions:
    """Makes the next `times` transactions that write the item `key` be cancelled the way
    DynamoDB cancels a transaction that meets another on an item (`code` on that action,
    `TransactionConflict` by default; `ThrottlingError` for a partition written too fast)."""

    client: Any
    key: dict[str, str]  # {"PK": ..., "SK": ...}
    times: int
    code: str = "TransactionConflict"
    made: int = 0

    def __post_init__(self) -> None:
        self.client.meta.events.register("before-send", self._before_send)

    def close(self) -> None:
        self.client.meta.events.unregister("before-send", self._before_send)

    def _before_send(self, request: Any, **_: Any) -> AWSResponse | None:
        if _operation(request) != "TransactWriteItems" or self.made >= self.times:
            return None
        actions = json.loads(request.body)["TransactItems"]
        reasons = [
            {"Code": self.code, "Message": "injected"}
            if _writes(action, self.key)
            else {"Code": "None"}
            for action in actions
        ]
        if all(reason["Code"] == "None" for reason in reasons):
            return None
        self.made += 1
        return _error_response(
            "dynamodb",
            request.url,
            400,
            "TransactionCanceledException",
            CancellationReasons=reasons,
        )


def _writes(action: dict[str, Any], key: dict[str, str]) -> bool:
    """Whether a TransactWriteItems action writes the item `key`."""
    (spec,) = action.values()
    written = spec.get("Key") or spec.get("Item", {})
    return all(written.get(name, {}).get("S") == value for name, value in key.items())


_SINGLE_WRITES = {"PutItem": "Put", "UpdateItem": "Update", "DeleteItem": "Delete"}


def _written_by(request: Any) -> list[dict[str, Any]]:
    """The write actions of a DynamoDB request, as TransactWriteItems would name them."""
    operation = _operation(request)
    if operation == "TransactWriteItems":
        actions: list[dict[str, Any]] = json.loads(request.body)["TransactItems"]
        return actions
    if operation in _SINGLE_WRITES:
        return [{_SINGLE_WRITES[operation]: json.loads(request.body)}]
    return []


def _reads(request: Any, key: dict[str, str]) -> bool:
    """Whether a DynamoDB request is a GetItem of the item `key`."""
    if _operation(request) != "GetItem":
        return False
    read = json.loads(request.body)["Key"]
    return {name: value.get("S") for name, value in read.items()} == key


@contextmanager
def meanwhile(
    client: Any,
    key: dict[str, str],
    act: Callable[[], Any],
    *,
    times: int = 1,
    when: Literal["write", "read"] = "write",
) -> Iterator[list[Any]]:
    """Runs `act` just before each of the first `times` writes of the item `key` (in a
    transaction or alone) is sent: another request's change landing between this one's
    read and its conditional write. With `when="read"`, before each GetItem of it instead:
    a change landing between a refused write and the read that follows it. The list it
    yields holds what `act` returned, each time it ran (`act` may use the same client; its
    own requests do not set it off)."""
    done: list[Any] = []
    acting = False

    def meets(request: Any) -> bool:
        if when == "read":
            return _reads(request, key)
        return any(_writes(action, key) for action in _written_by(request))

    def before_send(request: Any, **_: Any) -> None:
        nonlocal acting
        if acting or len(done) >= times:
            return
        if meets(request):
            acting = True
            try:
                done.append(act())
            finally:
                acting = False

    client.meta.events.register("before-send", before_send)
    try:
        yield done
    finally:
        client.meta.events.unregister("before-send", before_send)


@contextmanager
def transactions_writing(client: Any, key: dict[str, str]) -> Iterator[list[int]]:
    """Counts the transactions sent that write the item `key`, each try on its own: the
    list it yields holds each one's number of actions, in the order they were sent."""
    sent: list[int] = []

    def before_send(request: Any, **_: Any) -> None:
        if _operation(request) == "TransactWriteItems":
            actions = _written_by(request)
            if any(_writes(action, key) for action in actions):
                sent.append(len(actions))

    client.meta.events.register("before-send", before_send)
    try:
        yield sent
    finally:
        client.meta.events.unregister("before-send", before_send)
