"""Money: a Decimal inside (never a float), a string with two places on the wire."""

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, PlainSerializer, StringConstraints

from app.core.currencies import ISO_4217


def as_text(value: Decimal) -> str:
    """Money as the API writes it: two places ("30.00", never 30 or 30.0)."""
    return f"{value:.2f}"


Money = Annotated[Decimal, PlainSerializer(as_text, return_type=str, when_used="json")]


def _iso_4217(code: str) -> str:
    if code not in ISO_4217:
        raise ValueError("must be an ISO 4217 currency code, e.g. EUR")
    return code


Currency = Annotated[
    str,
    StringConstraints(to_upper=True, pattern=r"^[A-Za-z]{3}$"),  # as sent: no spaces
    AfterValidator(_iso_4217),
    Field(description="ISO 4217 code, e.g. EUR."),
]
