"""The table definition: the one source for `create-table` and the SAM template."""

from __future__ import annotations

from typing import Any

from app.db.keys import BY_GROUP, BY_NAME, BY_STOCK, STOCK_KEY

TTL_ATTRIBUTE = "expires_at"
# the change stream live stock (and whatever else follows changes) is read from
STREAM = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}

# index name -> (partition key, sort key, sort key type, projection)
INDEXES: dict[str, tuple[str, str, str, str]] = {
    BY_NAME: ("GSI1PK", "GSI1SK", "S", "ALL"),
    BY_GROUP: ("GSI2PK", "GSI2SK", "S", "ALL"),
    # what a low-stock page needs is in its keys: the bucket's product and its stock_key
    BY_STOCK: ("GSI3PK", STOCK_KEY, "N", "KEYS_ONLY"),
}

# attributes making up the primary key of each index's items (needed to build cursors)
INDEX_KEY_ATTRIBUTES: dict[str | None, tuple[str, ...]] = {
    None: ("PK", "SK"),
    **{name: ("PK", "SK", pk, sk) for name, (pk, sk, _, _) in INDEXES.items()},
}


def attribute_definitions() -> list[dict[str, str]]:
    types = {"PK": "S", "SK": "S"}
    for pk, sk, sk_type, _ in INDEXES.values():
        types[pk] = "S"
        types[sk] = sk_type
    return [{"AttributeName": name, "AttributeType": kind} for name, kind in types.items()]


def global_secondary_indexes() -> list[dict[str, Any]]:
    return [
        {
            "IndexName": name,
            "KeySchema": [
                {"AttributeName": pk, "KeyType": "HASH"},
                {"AttributeName": sk, "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": projection},
        }
        for name, (pk, sk, _, projection) in INDEXES.items()
    ]


def create_table_request(table_name: str, *, stream: bool = True) -> dict[str, Any]:
    request = {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": attribute_definitions(),
        "KeySchema": [
            {"AttributeName": "PK", "KeyType": "HASH"},
            {"AttributeName": "SK", "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": global_secondary_indexes(),
        "SSESpecification": {"Enabled": True},
    }
    if stream:
        request["StreamSpecification"] = STREAM
    return request
