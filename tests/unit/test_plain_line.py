"""PlainLine: the one annotation every single-line text field (names, labels, reasons) uses."""

from __future__ import annotations

import re
from typing import Annotated

import pytest
from pydantic import TypeAdapter, ValidationError

from app.core.text import BIDI_CONTROLS, LINE_PATTERN, TEXT_PATTERN, PlainLine, PlainText
from app.db.keys import name_sort_key

Name = TypeAdapter(Annotated[str, PlainLine(10, max_bytes=12, stored_as=name_sort_key)])
Raw = TypeAdapter(Annotated[str, PlainLine(5, strip=False)])
Text = TypeAdapter(Annotated[str, PlainText(50)])
Line = TypeAdapter(Annotated[str, PlainLine(50)])


def test_a_line_is_stripped_and_kept_otherwise() -> None:
    assert Name.validate_python("  Tea cup ") == "Tea cup"
    assert Name.validate_python(" " + "x" * 9) == "x" * 9
    assert Raw.validate_python(" a b ") == " a b "


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "at least 1 character"),
        ("x" * 11, "at most 10 characters"),
        # the limit is on the text as sent (the OpenAPI document's maxLength), blanks too
        (" " + "x" * 10, "at most 10 characters"),
        ("\u000b" + "x" * 10, "at most 10 characters"),
        ("two\nlines", "control characters"),
        ("right\u202eleft", "bidirectional control characters"),
        ("bell\x07", "control characters"),
        # half a UTF-16 pair (JSON's "\ud800", or bytes that are not UTF-8 in a command-line
        # argument): pydantic's own str refuses it, before the checks above run
        (b"caf\xe9".decode("utf-8", "surrogateescape"), "unable to parse raw data"),
        # one character NFKC-folds to 18: 2 of them are 36 bytes stored, over 12
        ("\ufdfa\ufdfa", "at most 12 bytes in UTF-8"),
    ],
)
def test_what_a_line_refuses(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Name.validate_python(text)


def test_its_limits_are_in_the_json_schema() -> None:
    assert Name.json_schema() == {
        "type": "string",
        "minLength": 1,
        "maxLength": 10,
        "pattern": LINE_PATTERN,
    }
    assert Text.json_schema() == {"type": "string", "maxLength": 50, "pattern": TEXT_PATTERN}


def test_a_control_character_is_refused_even_where_it_would_be_stripped() -> None:
    # the documented pattern holds for the text as sent
    for text in ("\u000bTea", "Tea\t", "Tea\u001f"):
        with pytest.raises(ValidationError, match="control characters"):
            Name.validate_python(text)


# every character the checks treat specially, a few on each side of them, and a sample of
# the rest of the Basic Multilingual Plane
CHARACTERS = sorted(
    {*range(0x00, 0xA1), *(ord(c) + d for c in BIDI_CONTROLS for d in (-1, 0, 1))}
    | set(range(0xA1, 0xD800, 97))
)


@pytest.mark.parametrize(
    ("adapter", "pattern"), [(Line, LINE_PATTERN), (Text, TEXT_PATTERN)], ids=["line", "text"]
)
def test_the_documented_pattern_says_what_the_checks_accept(
    adapter: TypeAdapter[str], pattern: str
) -> None:
    for code in CHARACTERS:
        text = f"a{chr(code)}b"
        try:
            adapter.validate_python(text)
            accepted = True
        except ValidationError:
            accepted = False
        assert accepted == bool(re.fullmatch(pattern, text)), hex(code)
