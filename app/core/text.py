"""What text the service accepts: limits in bytes where text becomes a key, and no
characters that hide or disguise what is shown.

DynamoDB limits a partition key to 2,048 bytes and a sort key to 1,024, in UTF-8, of the
text as stored -- which for names is their NFKC-casefolded form, and NFKC can multiply a
character (U+FDFA becomes 18). A limit in characters does not bound that; these do, with a
422 that names the field, before anything reaches DynamoDB.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from annotated_types import GroupedMetadata
from pydantic import AfterValidator, GetJsonSchemaHandler, StringConstraints
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

# bidirectional overrides, embeddings and isolates: they make text display as something else
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
MULTILINE_WHITESPACE = frozenset("\n\r\t")

# The same rules as regular expressions, for the OpenAPI document (clients, fuzzers): Cc is
# U+0000..U+001F and U+007F..U+009F. tests/unit/test_plain_line.py checks they agree.
_BIDI_CLASS = "".join(f"\\u{ord(char):04x}" for char in sorted(BIDI_CONTROLS))
LINE_PATTERN = rf"^[^\x00-\x1f\x7f-\x9f{_BIDI_CLASS}]*$"
TEXT_PATTERN = rf"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI_CLASS}]*$"


def _check_characters(value: str, *, multiline: bool) -> str:
    for char in value:
        category = unicodedata.category(char)
        if category == "Cc" and not (multiline and char in MULTILINE_WHITESPACE):
            raise ValueError("must not contain control characters")
        if char in BIDI_CONTROLS:
            raise ValueError("must not contain bidirectional control characters")
    return value


def plain_line(value: str) -> str:
    """One line of text as people see it: no control or bidi-control characters (pydantic's
    str has refused unpaired surrogates already)."""
    return _check_characters(value, multiline=False)


def plain_text(value: str) -> str:
    """Like plain_line, but line breaks and tabs are fine."""
    return _check_characters(value, multiline=True)


def _as_typed(text: str) -> str:
    return text


def utf8_at_most(limit: int, transform: Callable[[str], str] = _as_typed) -> AfterValidator:
    """At most `limit` bytes in UTF-8 after `transform` (the form the text is stored in)."""

    def check(value: str) -> str:
        if len(transform(value).encode("utf-8", "surrogatepass")) > limit:
            raise ValueError(f"is too long: at most {limit} bytes in UTF-8 once normalised")
        return value

    return AfterValidator(check)


def _stripped(value: str, *, min_length: int) -> str:
    stripped = value.strip()
    if len(stripped) < min_length:  # pydantic's own error, as for a string sent too short
        raise PydanticCustomError(
            "string_too_short",
            "String should have at least {min_length} character{expected_plural}",
            {"min_length": min_length, "expected_plural": "" if min_length == 1 else "s"},
        )
    return stripped


@dataclass(frozen=True)
class DocumentedPattern:
    """A `pattern` in the JSON schema that a validator of ours enforces (with clearer
    errors than a failed regular expression's)."""

    pattern: str

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {**handler(schema), "pattern": self.pattern}


@dataclass(frozen=True)
class PlainText(GroupedMetadata):
    """Text people see, line breaks and tabs allowed: `Annotated[str, PlainText(5000)]`."""

    max_length: int

    def __iter__(self) -> Iterator[Any]:
        yield from StringConstraints(max_length=self.max_length)
        yield AfterValidator(plain_text)
        yield DocumentedPattern(TEXT_PATTERN)


@dataclass(frozen=True)
class PlainLine(GroupedMetadata):
    """A line of text people see, as one annotation: `Annotated[str, PlainLine(200)]`.

    As sent: at most `max_length` characters, none of them one that `plain_line` refuses
    (the limit and the pattern the OpenAPI document states). Once surrounding whitespace is
    stripped (unless `strip` is False): at least `min_length` characters, so a blank name is
    no name. Where the text becomes part of a key: at most `max_bytes` in UTF-8 of its
    stored form (`stored_as`)."""

    max_length: int
    min_length: int = 1
    strip: bool = True
    max_bytes: int | None = None
    stored_as: Callable[[str], str] = _as_typed

    def __iter__(self) -> Iterator[Any]:
        yield from StringConstraints(min_length=self.min_length, max_length=self.max_length)
        yield AfterValidator(plain_line)
        yield DocumentedPattern(LINE_PATTERN)
        if self.strip:
            yield AfterValidator(partial(_stripped, min_length=self.min_length))
        if self.max_bytes is not None:
            yield utf8_at_most(self.max_bytes, self.stored_as)


# the id of anything the service stores (UUIDs, seed ids): ASCII, so bytes = characters
ID_PATTERN = r"^[A-Za-z0-9._~-]{1,128}$"
