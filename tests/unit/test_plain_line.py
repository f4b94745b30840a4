"""PlainLine: the one annotation every single-line text field (names, labels, reasons) uses."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import TypeAdapter, ValidationError

from app.core.text import PlainLine
from app.db.keys import name_sort_key

Name = TypeAdapter(Annotated[str, PlainLine(10, max_bytes=12, stored_as=name_sort_key)])
Raw = TypeAdapter(Annotated[str, PlainLine(5, strip=False)])


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
    assert Name.json_schema() == {"type": "string", "minLength": 1, "maxLength": 10}
