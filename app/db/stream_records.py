"""A change-stream record, read once for every consumer (live stock, events, the audit log).

Records come in the same shape whether Lambda hands them over (an event source mapping) or
the local poller reads them (app/live/local_stream.py): `eventID`, `eventName` and
`dynamodb` with `Keys`, `OldImage`, `NewImage`, `SequenceNumber`. The images are turned
into plain values only when asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property
from typing import Any

from app.db.codec import deserialize


class StreamChange:
    def __init__(self, record: Mapping[str, Any]) -> None:
        self.record = record
        self.change: Mapping[str, Any] = record.get("dynamodb") or {}
        keys = self.change.get("Keys") or {}
        self.keys: dict[str, str] = {name: value.get("S", "") for name, value in keys.items()}

    @property
    def pk(self) -> str:
        return self.keys.get("PK", "")

    @property
    def sk(self) -> str:
        return self.keys.get("SK", "")

    @property
    def sequence(self) -> str:
        return str(self.change.get("SequenceNumber", ""))

    @property
    def event_id(self) -> str:
        """The record's id: the same when a batch is handed over again."""
        return str(self.record.get("eventID", self.sequence))

    @property
    def removed(self) -> bool:
        return self.record.get("eventName") == "REMOVE"

    @cached_property
    def old(self) -> dict[str, Any] | None:
        image = self.change.get("OldImage")
        return deserialize(image) if image else None

    @cached_property
    def new(self) -> dict[str, Any] | None:
        image = self.change.get("NewImage")
        return deserialize(image) if image else None


def stream_changes(records: Iterable[Mapping[str, Any]]) -> Iterator[StreamChange]:
    return (StreamChange(record) for record in records)
