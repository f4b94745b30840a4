"""Conversion between plain Python values and DynamoDB's attribute-value format."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

AttributeValue = dict[str, Any]
RawItem = dict[str, AttributeValue]


def serialize(values: Mapping[str, Any]) -> RawItem:
    """Serialize a mapping, leaving out None values (DynamoDB has no use for them)."""
    return {
        name: cast(AttributeValue, _serializer.serialize(value))
        for name, value in values.items()
        if value is not None
    }


def deserialize(item: Mapping[str, AttributeValue]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(cast(Any, value)) for name, value in item.items()}
