"""The DynamoDB table handle: a lazily created, cached client plus the table's name and keys."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from botocore.exceptions import ClientError

from app.core import caches
from app.core.config import get_settings
from app.db.codec import RawItem, deserialize, serialize
from app.db.keys import Key, Keys
from app.db.schema import INDEX_KEY_ATTRIBUTES, STREAM, TTL_ATTRIBUTE, create_table_request
from app.db.transactions import is_condition_failure

MAX_FILTERED_READS = 10
BATCH_WRITE_LIMIT = 25
BATCH_GET_LIMIT = 100


@lru_cache(maxsize=8)
def dynamodb_client(endpoint_url: str | None, region: str) -> Any:
    """One client per endpoint for the life of the process (a Lambda container reuses it)."""
    import boto3

    from app.core.faults import aws_client_config, watch_deadline

    # DynamoDB Local accepts any credentials, but botocore insists on having some.
    dummy = "local" if endpoint_url and not os.environ.get("AWS_ACCESS_KEY_ID") else None
    return watch_deadline(
        boto3.client(
            "dynamodb",
            endpoint_url=endpoint_url,
            region_name=region,
            config=aws_client_config(max_pool_connections=64),
            aws_access_key_id=dummy,
            aws_secret_access_key=dummy,
        )
    )


@dataclass(frozen=True)
class Sort:
    """A condition on the sort key of a Query: `Sort.begins_with("ORDER#")`, ..."""

    operator: str  # "<", "<=", ">", "begins_with" or "between"
    value: Any
    high: Any = None

    @classmethod
    def begins_with(cls, prefix: str) -> Sort:
        return cls("begins_with", prefix)

    @classmethod
    def below(cls, value: Any) -> Sort:
        return cls("<", value)

    @classmethod
    def at_most(cls, value: Any) -> Sort:
        return cls("<=", value)

    @classmethod
    def after(cls, value: Any) -> Sort:
        return cls(">", value)

    @classmethod
    def between(cls, low: Any, high: Any) -> Sort:
        return cls("between", low, high)

    def expression(self, name: str, values: dict[str, Any]) -> str:
        values[":sk"] = self.value
        if self.operator == "begins_with":
            return f"begins_with({name}, :sk)"
        if self.operator == "between":
            values[":sk_high"] = self.high
            return f"{name} BETWEEN :sk AND :sk_high"
        return f"{name} {self.operator} :sk"


@dataclass(frozen=True)
class Filter:
    """A FilterExpression with the attribute names and values it uses (not `#pk`, `#sk`,
    `:pk`, `:sk`: the key condition's)."""

    expression: str
    names: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Table:
    client: Any
    name: str
    keys: Keys
    key_attributes: Mapping[str | None, Sequence[str]] = field(
        default_factory=lambda: INDEX_KEY_ATTRIBUTES
    )
    _stores: dict[tuple[str, int], Table] = field(default_factory=dict, compare=False, repr=False)

    def for_store(self, store: str, client: Any = None) -> Table:
        """The same table, its keys bound to `store` (and, with tenant isolation, reached
        through `client`, whose credentials reach only that store's keys)."""
        client = self.client if client is None else client
        if store == self.keys.store and client is self.client:
            return self
        cache_key = (store, id(client))
        found = self._stores.get(cache_key)
        if found is None:
            if len(self._stores) > 1_000:  # clients come and go with their credentials
                self._stores.clear()
            found = Table(client=client, name=self.name, keys=replace(self.keys, store=store))
            self._stores[cache_key] = found
        return found

    def get(self, key: Key, *, consistent: bool = True) -> dict[str, Any] | None:
        response = self.client.get_item(
            TableName=self.name, Key=serialize(key), ConsistentRead=consistent
        )
        item = response.get("Item")
        return deserialize(item) if item else None

    def update_if(self, key: Key, expressions: Mapping[str, Any]) -> bool:
        """UpdateItem with `expressions` (update, condition, names, values): False when the
        condition fails, nothing changed."""
        try:
            self.client.update_item(TableName=self.name, Key=serialize(key), **expressions)
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def batch_get(self, keys: Sequence[Key], *, consistent: bool = True) -> list[dict[str, Any]]:
        """Read several items in one round trip per 100 keys (more only if DynamoDB leaves
        some unread)."""
        found: list[dict[str, Any]] = []
        for start in range(0, len(keys), BATCH_GET_LIMIT):
            chunk = keys[start : start + BATCH_GET_LIMIT]
            request: dict[str, Any] = {
                self.name: {"Keys": [serialize(k) for k in chunk], "ConsistentRead": consistent}
            }
            while request:
                response = self.client.batch_get_item(RequestItems=request)
                found.extend(deserialize(item) for item in response["Responses"].get(self.name, []))
                request = response.get("UnprocessedKeys") or {}
        return found

    def batch_put(self, items: Sequence[Mapping[str, Any]]) -> None:
        """Put items unconditionally: for items whose key makes a repeat harmless (the
        audit log)."""
        self._batch_write([{"PutRequest": {"Item": serialize(item)}} for item in items])

    def batch_delete(self, keys: Sequence[Key]) -> None:
        self._batch_write([{"DeleteRequest": {"Key": serialize(key)}} for key in keys])

    def _batch_write(self, requests: Sequence[dict[str, Any]]) -> None:
        """BatchWriteItem, 25 requests a call, retrying what DynamoDB leaves unprocessed."""
        for start in range(0, len(requests), BATCH_WRITE_LIMIT):
            pending: dict[str, Any] = {self.name: list(requests[start : start + BATCH_WRITE_LIMIT])}
            while pending:
                response = self.client.batch_write_item(RequestItems=pending)
                pending = response.get("UnprocessedItems") or {}

    def query_page(
        self,
        partition: str,
        *,
        limit: int,
        index: str | None = None,
        sort: Sort | None = None,
        start_key: RawItem | None = None,
        forward: bool = True,
        consistent: bool = False,
        item_filter: Filter | None = None,
    ) -> tuple[list[dict[str, Any]], RawItem | None]:
        """One Query of a partition (of the table, or of an index) for up to `limit` items,
        and the key to continue from when more exist. The key condition is built here from
        the index's key attributes (app/db/schema.py).

        It asks for one item more than needed, so that "more exist" is known exactly and the
        last page never comes with a cursor that leads to an empty page. With `item_filter`
        it reads on until the page is full, at most MAX_FILTERED_READS times: past that the
        page is short but its cursor goes on.
        """
        pk, sk = self.key_attributes[index][-2:]
        names = {"#pk": pk}
        values: dict[str, Any] = {":pk": partition}
        condition = "#pk = :pk"
        if sort is not None:
            names["#sk"] = sk
            condition += " AND " + sort.expression("#sk", values)
        if item_filter is not None:
            names.update(item_filter.names)
            values.update(item_filter.values)
        request: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": serialize(values),
            "Limit": limit + 1,
            "ScanIndexForward": forward,
        }
        if index:
            request["IndexName"] = index
        else:
            request["ConsistentRead"] = consistent
        if item_filter is not None:
            request["FilterExpression"] = item_filter.expression
        raw_items: list[RawItem] = []
        reads = 0
        while True:
            if start_key:
                request["ExclusiveStartKey"] = start_key
            response = self.client.query(**request)
            raw_items.extend(response.get("Items", []))
            start_key = response.get("LastEvaluatedKey")
            reads += 1
            if not (item_filter and start_key and len(raw_items) <= limit):
                break
            if reads >= MAX_FILTERED_READS:
                break
        next_key: RawItem | None = None
        if len(raw_items) > limit or (start_key and raw_items):
            # more beyond the page, or DynamoDB stopped early (1 MB per read, or the
            # filtered-read budget): continue after the last item shown
            raw_items = raw_items[:limit]
            last = raw_items[-1]
            next_key = {name: last[name] for name in self.key_attributes[index]}
        elif start_key:
            next_key = start_key  # nothing matched yet, but the listing goes on
        return [deserialize(item) for item in raw_items], next_key

    def query_pages(
        self, partition: str, *, sort: Sort | None = None, page_size: int = 100
    ) -> Iterator[list[dict[str, Any]]]:
        """Every item of a partition (strongly consistent), page by page. Not for request
        paths that promise one round trip: this reads until the end."""
        start_key: RawItem | None = None
        while True:
            items, start_key = self.query_page(
                partition, sort=sort, limit=page_size, start_key=start_key, consistent=True
            )
            yield items
            if start_key is None:
                return

    def create(self, *, stream: bool = True) -> bool:
        """Create the table (and turn on TTL) unless it exists, in which case its stream is
        turned on if it is not yet (tables made before there was one). True when created.
        `stream=False` is for tests' throwaway tables: DynamoDB Local slows down for every
        new table the more tables with streams it has seen come and go."""
        client = self.client
        try:
            client.create_table(**create_table_request(self.name, stream=stream))
        except client.exceptions.ResourceInUseException:
            described = client.describe_table(TableName=self.name)["Table"]
            if stream and not described.get("StreamSpecification", {}).get("StreamEnabled"):
                client.update_table(TableName=self.name, StreamSpecification=STREAM)
            return False
        client.get_waiter("table_exists").wait(TableName=self.name)
        client.update_time_to_live(
            TableName=self.name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
        )
        return True


@lru_cache(maxsize=1)
def environment_table() -> Table:
    """The table as a Lambda function without API settings (the stream's consumer, the
    webhook worker) reaches it: named by CATALOG_TABLE in AWS_REGION, any store's through
    `for_store`."""
    import os

    region = os.environ["AWS_REGION"]
    return Table(
        client=dynamodb_client(None, region), name=os.environ["CATALOG_TABLE"], keys=Keys("default")
    )


@lru_cache(maxsize=1)
def get_table() -> Table:
    settings = get_settings()
    client = dynamodb_client(settings.dynamodb_endpoint_url, settings.aws_region)
    keys = Keys(
        settings.store_id,
        order_shards=settings.order_partition_shards,
        low_stock_shards=settings.low_stock_shards,
    )
    return Table(client=client, name=settings.catalog_table, keys=keys)


caches.register("table", get_table.cache_clear)
caches.register("environment table", environment_table.cache_clear)
