"""Under `make run`: DynamoDB Local's stream read in this process and fed to the consumer.

On AWS, Lambda's event source mapping reads the table's stream and invokes the stream
function with batches; here a thread does the same with the DynamoDB Streams API against
DynamoDB Local: the shards open at start are read from their latest record, shards that
appear later from their first, every `interval` seconds; each batch goes to the same
`LiveStock` the Lambda uses, which publishes to the in-process hub, and to the other
consumers (the catalog's events, into the log).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from app.db.table import Table
from app.live.consumer import LiveStock

logger = logging.getLogger(__name__)

SHARD_REFRESH_SECONDS = 2.0
IDLE_INTERVAL = 0.25  # the longest wait between polls of a quiet stream
FIRST_RETRY_WAIT = 1.0  # after a failed poll; doubled after each further failure ...
LAST_RETRY_WAIT = 30.0  # ... up to this


def retry_wait(failures: int) -> float:
    """The wait before the next poll after `failures` failed polls in a row."""
    return min(LAST_RETRY_WAIT, FIRST_RETRY_WAIT * 2.0 ** min(failures - 1, 16))


def streams_client(table: Table) -> Any:
    """A DynamoDB Streams client for the table's endpoint, with the table client's own
    credentials (DynamoDB Local takes any, but botocore insists on some)."""
    import boto3

    meta = table.client.meta
    credentials = table.client._request_signer._credentials
    return boto3.client(
        "dynamodbstreams",
        endpoint_url=meta.endpoint_url,
        region_name=meta.region_name,
        aws_access_key_id=credentials.access_key,
        aws_secret_access_key=credentials.secret_key,
    )


def every_record(table: Table) -> list[dict[str, Any]]:
    """Every record the table's stream holds, oldest first, each shard read from its start
    (tests and benchmarks: what a consumer would be handed over a whole run)."""
    streams = streams_client(table)
    arn = table.client.describe_table(TableName=table.name)["Table"]["LatestStreamArn"]
    records: list[dict[str, Any]] = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            answer = streams.get_records(ShardIterator=iterator)
            records += answer["Records"]
            iterator = answer.get("NextShardIterator") if answer["Records"] else None
    return sorted(records, key=lambda r: int(r["dynamodb"]["SequenceNumber"]))


class StreamPoller:
    def __init__(
        self,
        table: Table,
        live: LiveStock,
        *,
        interval: float = 0.1,
        also: Sequence[Callable[[list[dict[str, Any]]], object]] = (),
    ) -> None:
        self.table = table
        self.live = live
        self.also = also  # other consumers of each batch (the catalog's events)
        self.interval = interval
        self.streams = streams_client(table)
        self._iterators: dict[str, str | None] = {}  # shard id -> iterator (None: closed)
        self._stream_arn: str | None = None
        self._refreshed = 0.0
        self.stop = threading.Event()

    def _refresh_shards(self, *, first: bool) -> None:
        if self._stream_arn is None:
            table = self.table.client.describe_table(TableName=self.table.name)["Table"]
            self._stream_arn = table.get("LatestStreamArn")
            if self._stream_arn is None:
                raise RuntimeError(f"table {self.table.name} has no stream")
        shards: list[dict[str, Any]] = []
        start: str | None = None
        while True:
            request: dict[str, Any] = {"StreamArn": self._stream_arn}
            if start:
                request["ExclusiveStartShardId"] = start
            description = self.streams.describe_stream(**request)["StreamDescription"]
            shards += description.get("Shards", [])
            start = description.get("LastEvaluatedShardId")
            if not start:
                break
        for shard in shards:
            shard_id = shard["ShardId"]
            if shard_id in self._iterators:
                continue
            closed = "EndingSequenceNumber" in shard.get("SequenceNumberRange", {})
            if first and closed:
                self._iterators[shard_id] = None  # history from before this start
                continue
            self._iterators[shard_id] = self.streams.get_shard_iterator(
                StreamArn=self._stream_arn,
                ShardId=shard_id,
                ShardIteratorType="LATEST" if first else "TRIM_HORIZON",
            )["ShardIterator"]
        self._refreshed = time.monotonic()

    def poll_once(self) -> int:
        """Read every open shard once and hand the records to the consumer; then publish
        what is due. The number of records read."""
        if time.monotonic() - self._refreshed > SHARD_REFRESH_SECONDS:
            self._refresh_shards(first=not self._iterators)
        read = 0
        for shard_id, iterator in list(self._iterators.items()):
            if iterator is None:
                continue
            answer = self.streams.get_records(ShardIterator=iterator, Limit=1000)
            self._iterators[shard_id] = answer.get("NextShardIterator")
            records = answer.get("Records", [])
            if records:
                self.live.add(records)
                for consume in self.also:
                    consume(records)
                read += len(records)
        self.live.flush()
        return read

    def run(self) -> None:
        """Poll until stopped: every `interval` while records come, backing off to
        IDLE_INTERVAL while the stream is quiet (DynamoDB Local serves the tests too).

        A failed poll (DynamoDB Local stopped or restarting, a shard gone) is logged with
        its cause once, then retried after 1, 2, 4 ... up to 30 seconds without a word
        until a poll succeeds, which is logged too: a database stopped for a while costs
        one traceback and a handful of requests, not one of each every second."""
        wait = self.interval
        failures = 0
        while not self.stop.is_set():
            try:
                read = self.poll_once()
            except Exception:
                failures += 1
                if failures == 1:
                    logger.exception("live stock: reading the local stream failed; retrying")
                self._forget_stream()
                self.stop.wait(retry_wait(failures))
                continue
            if failures:
                logger.warning(
                    "live stock: reading the local stream again after %d failed attempts",
                    failures,
                )
                failures = 0
            busy = read > 0 or self.live.coalescer.pending
            wait = self.interval if busy else min(IDLE_INTERVAL, wait * 2)
            self.stop.wait(wait)

    def _forget_stream(self) -> None:
        """Look the stream and its shards up afresh on the next poll (a restarted DynamoDB
        Local may have given the table another stream)."""
        self._stream_arn = None
        self._iterators.clear()
        self._refreshed = 0.0

    def start(self) -> threading.Thread:
        self._refresh_shards(first=True)  # from now on: what happens after the start
        thread = threading.Thread(target=self.run, name="live-stock-stream", daemon=True)
        thread.start()
        return thread
