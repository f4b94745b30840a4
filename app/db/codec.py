"""Conversion between plain Python values and DynamoDB's attribute-value format.

The common types (strings, numbers, booleans, maps, lists) are converted here directly:
boto3's TypeSerializer/TypeDeserializer are general and slow, and every item of every
request passes through this module. Anything else (Decimal, sets, bytes, None inside a
collection) goes to boto3's converters, which also reject what DynamoDB cannot hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, cast

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

AttributeValue = dict[str, Any]
RawItem = dict[str, AttributeValue]


def serialize(values: Mapping[str, Any]) -> RawItem:
    """Serialize a mapping, leaving out None values (DynamoDB has no use for them)."""
    return {name: _to_attribute(value) for name, value in values.items() if value is not None}


def deserialize(item: Mapping[str, AttributeValue]) -> dict[str, Any]:
    return {name: _from_attribute(value) for name, value in item.items()}


def _to_attribute(value: Any) -> AttributeValue:
    kind = type(value)
    if kind is str:
        return {"S": value}
    if kind is bool:
        return {"BOOL": value}
    if kind is int:
        return {"N": str(value)}
    if kind is dict:
        return {"M": {k: _to_attribute(v) for k, v in value.items()}}
    if kind is list:
        return {"L": [_to_attribute(v) for v in value]}
    return cast(AttributeValue, _serializer.serialize(value))


def _from_attribute(value: AttributeValue) -> Any:
    if "S" in value:
        return value["S"]
    if "N" in value:
        return Decimal(value["N"])
    if "BOOL" in value:
        return value["BOOL"]
    if "M" in value:
        return {k: _from_attribute(v) for k, v in value["M"].items()}
    if "L" in value:
        return [_from_attribute(v) for v in value["L"]]
    return _deserializer.deserialize(cast(Any, value))
