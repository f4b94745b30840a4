"""The fast attribute-value conversion agrees with boto3's converters on every type."""

from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer

from app.db.codec import deserialize, serialize

VALUES = {
    "text": "Käse ☕",
    "empty_text": "",
    "count": 3,
    "negative": -12,
    "flag": True,
    "off": False,
    "price": Decimal("10.50"),
    "nested": {"list": [1, "y", False, {"deep": Decimal("1.5")}, None], "empty": {}},
    "tags": {"a", "b"},
    "sizes": {1, 2},
    "blob": b"\x00\x01",
    "nothing_inside": [],
}


def test_serialize_matches_boto3_and_leaves_out_none() -> None:
    reference = TypeSerializer()
    expected = {name: reference.serialize(value) for name, value in VALUES.items()}
    assert serialize(VALUES | {"absent": None}) == expected


def test_deserialize_matches_boto3() -> None:
    reference = TypeDeserializer()
    raw: dict[str, Any] = serialize(VALUES)
    expected = {name: reference.deserialize(value) for name, value in raw.items()}
    ours = deserialize(raw)
    assert ours == expected
    assert isinstance(ours["count"], Decimal)
    assert isinstance(ours["blob"], Binary)


@pytest.mark.parametrize("value", [1.5, Decimal("1e-200"), object()])
def test_what_dynamodb_cannot_hold_is_refused(value: object) -> None:
    with pytest.raises((TypeError, ValueError, ArithmeticError)):
        serialize({"x": value})
