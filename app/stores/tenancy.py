"""The table a request uses, bound to its store -- and, with tenant isolation on, reached
with credentials that can touch only that store's keys.

With `TENANT_ROLE_ARN` set (template parameter `TenantIsolation=enforced`), each store's
requests use a DynamoDB client whose credentials come from `sts:AssumeRole` on that role
with the session tag `store=<slug>`; the role's policy allows DynamoDB only on items whose
partition key starts with `S#${aws:PrincipalTag/store}#` (`dynamodb:LeadingKeys`, which for
a Query on an index is the index's partition key: every index key of a store starts with
its prefix too). A bug that builds another store's key is then refused by IAM, not only by
the code. The credentials are cached per store per container until five minutes before
they expire, so a warm request makes no STS call (bench/tenant_isolation.py).

What it does not cover: the store resolution and the platform's own items (`P#...`) are
read with the function's own role; S3 keys are under the store's prefix but checked by the
code (the role could be extended with an `s3:prefix` condition); and the function's role
can assume the tenant role for any store -- this contains mistakes in the code, not a
compromised function.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from app.core import caches
from app.core.config import get_settings
from app.db.table import Table, dynamodb_client, get_table

SESSION_SECONDS = 3600
RENEW_BEFORE_SECONDS = 300


@dataclass
class _Scoped:
    client: Any
    expires: float  # time.monotonic()


_scoped: dict[str, _Scoped] = {}
_lock = threading.Lock()


def _sts() -> Any:
    import boto3

    from app.core.faults import aws_client_config

    settings = get_settings()
    return boto3.client("sts", region_name=settings.aws_region, config=aws_client_config())


def _assume(role_arn: str, store: str) -> _Scoped:
    import boto3

    from app.core.faults import aws_client_config, watch_deadline

    settings = get_settings()
    answer = _sts().assume_role(
        RoleArn=role_arn,
        RoleSessionName=f"store-{store}"[:64],
        DurationSeconds=SESSION_SECONDS,
        Tags=[{"Key": "store", "Value": store}],
    )
    credentials = answer["Credentials"]
    client = watch_deadline(
        boto3.client(
            "dynamodb",
            region_name=settings.aws_region,
            endpoint_url=settings.dynamodb_endpoint_url,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            config=aws_client_config(max_pool_connections=64),
        )
    )
    return _Scoped(client, time.monotonic() + SESSION_SECONDS - RENEW_BEFORE_SECONDS)


def scoped_client(store: str) -> Any:
    """A DynamoDB client that reaches only `store`'s keys (tenant isolation on), cached."""
    role_arn = get_settings().tenant_role_arn
    if not role_arn:
        settings = get_settings()
        return dynamodb_client(settings.dynamodb_endpoint_url, settings.aws_region)
    with _lock:
        found = _scoped.get(store)
        if found is None or found.expires < time.monotonic():
            found = _scoped[store] = _assume(role_arn, store)
        return found.client


def store_table(store: str) -> Table:
    base = get_table()
    if not get_settings().tenant_role_arn:
        return base.for_store(store)
    return base.for_store(store, client=scoped_client(store))


def forget() -> None:
    with _lock:
        _scoped.clear()


caches.register("stores.tenancy", forget)
