"""Building UpdateExpressions without hand-numbering placeholders."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Update:
    """Collects SET / REMOVE / ADD clauses and the condition for one UpdateItem.

    Every attribute name gets a `#nX` placeholder (so reserved words are safe) and every
    value a `:vX` placeholder.
    """

    def __init__(self) -> None:
        self._names: dict[str, str] = {}
        self._values: dict[str, Any] = {}
        self._set: list[str] = []
        self._remove: list[str] = []
        self._add: list[str] = []
        self._conditions: list[str] = []

    def name(self, attribute: str) -> str:
        placeholder = f"#n{len(self._names)}"
        self._names[placeholder] = attribute
        return placeholder

    def value(self, value: Any) -> str:
        placeholder = f":v{len(self._values)}"
        self._values[placeholder] = value
        return placeholder

    def set(self, values: Mapping[str, Any]) -> Update:
        """SET each attribute; a None value REMOVEs it instead."""
        for attribute, value in values.items():
            if value is None:
                self._remove.append(self.name(attribute))
            else:
                self._set.append(f"{self.name(attribute)} = {self.value(value)}")
        return self

    def append(self, attribute: str, values: list[Any]) -> Update:
        """SET a list attribute to itself (or nothing) followed by `values`."""
        name = self.name(attribute)
        empty, more = self.value([]), self.value(values)
        self._set.append(f"{name} = list_append(if_not_exists({name}, {empty}), {more})")
        return self

    def add(self, attribute: str, amount: int) -> Update:
        self._add.append(f"{self.name(attribute)} {self.value(amount)}")
        return self

    def remove(self, *attributes: str) -> Update:
        self._remove.extend(self.name(attribute) for attribute in attributes)
        return self

    def condition(self, template: str, **values: Any) -> Update:
        """A condition such as `"{version} = {seen}"`: `{name}` placeholders in the template
        are filled with attribute names or, when passed as keyword arguments, values."""
        fields = {
            key: self.value(values[key]) if key in values else self.name(key)
            for key in dict.fromkeys(_fields(template))  # a name used twice: one placeholder
        }
        self._conditions.append(template.format(**fields))
        return self

    def condition_request(self) -> dict[str, Any]:
        """Just the condition (for a ConditionCheck or a conditional delete)."""
        from app.db.codec import serialize

        request: dict[str, Any] = {
            "ConditionExpression": " AND ".join(f"({c})" for c in self._conditions)
        }
        if self._names:
            request["ExpressionAttributeNames"] = self._names
        if self._values:
            request["ExpressionAttributeValues"] = serialize(self._values)
        return request

    def request(self) -> dict[str, Any]:
        from app.db.codec import serialize

        clauses = []
        if self._set:
            clauses.append("SET " + ", ".join(self._set))
        if self._remove:
            clauses.append("REMOVE " + ", ".join(self._remove))
        if self._add:
            clauses.append("ADD " + ", ".join(self._add))
        request: dict[str, Any] = {
            "UpdateExpression": " ".join(clauses),
            "ExpressionAttributeNames": self._names,
        }
        if self._values:
            request["ExpressionAttributeValues"] = serialize(self._values)
        if self._conditions:
            request["ConditionExpression"] = " AND ".join(f"({c})" for c in self._conditions)
        return request


def _fields(template: str) -> list[str]:
    import string

    return [field for _, field, _, _ in string.Formatter().parse(template) if field]
