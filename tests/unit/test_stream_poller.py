"""The local stream reader (app/live/local_stream.py) when DynamoDB Local goes away: one
traceback, retries ever further apart, a line when it reads again."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any, cast

import pytest
from botocore.exceptions import EndpointConnectionError

from app.db.keys import Keys
from app.db.table import Table, dynamodb_client
from app.live import local_stream
from app.live.local_stream import StreamPoller


class RecordedStop:
    """A stop event that never blocks: records each wait, and is set from the outside."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.set_ = False

    def is_set(self) -> bool:
        return self.set_

    def wait(self, seconds: float) -> bool:
        self.waits.append(seconds)
        return self.set_


def poller_reading(outcomes: Sequence[int | None]) -> tuple[StreamPoller, RecordedStop]:
    """A poller whose polls read `outcomes` in turn (None: the database is unreachable),
    stopped after the last."""
    table = Table(
        client=dynamodb_client("http://127.0.0.1:9", "us-east-1"), name="t", keys=Keys("s")
    )
    live = cast(Any, SimpleNamespace(coalescer=SimpleNamespace(pending=False)))
    poller = StreamPoller(table, live, interval=0.1)
    stop = RecordedStop()
    poller.stop = cast(Any, stop)
    pending = list(outcomes)

    def poll_once() -> int:
        outcome = pending.pop(0)
        stop.set_ = not pending
        if outcome is None:
            poller._stream_arn = "arn:of:the:old:stream"
            raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9")
        return outcome

    poller.poll_once = poll_once  # type: ignore[method-assign]
    return poller, stop


def test_an_outage_is_logged_once_and_retried_ever_further_apart(
    caplog: pytest.LogCaptureFixture,
) -> None:
    poller, stop = poller_reading([None] * 7 + [3, 0, None, 0])
    with caplog.at_level(logging.INFO, logger=local_stream.__name__):
        poller.run()
    # then: records read (the interval), a quiet poll (twice that), a failure, a quiet poll
    assert stop.waits == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 0.1, 0.2, 1.0, 0.25]
    records = [(r.levelname, r.getMessage(), r.exc_info is not None) for r in caplog.records]
    assert records == [
        ("ERROR", "live stock: reading the local stream failed; retrying", True),
        ("WARNING", "live stock: reading the local stream again after 7 failed attempts", False),
        ("ERROR", "live stock: reading the local stream failed; retrying", True),
        ("WARNING", "live stock: reading the local stream again after 1 failed attempts", False),
    ]
    assert poller._stream_arn is None  # looked up afresh after a failure


def test_the_wait_never_passes_thirty_seconds() -> None:
    assert local_stream.retry_wait(1) == 1.0
    assert local_stream.retry_wait(5) == 16.0
    assert local_stream.retry_wait(6) == local_stream.retry_wait(10_000) == 30.0
