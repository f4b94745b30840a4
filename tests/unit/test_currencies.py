"""The currencies prices may be in are ISO 4217's, as pycountry (a maintained copy) has them."""

from __future__ import annotations

from devtools import currencies


def test_the_committed_list_is_pycountrys() -> None:
    assert currencies.TARGET.read_text() == currencies.render(), (
        "run `python -m devtools.currencies` and commit app/core/currencies.py"
    )


def test_real_currencies_are_in_and_non_currencies_are_not() -> None:
    from app.core.currencies import ISO_4217

    assert {"EUR", "USD", "JPY", "CHF", "XOF"} <= ISO_4217
    assert not {"XXX", "XTS", "ABC", "EURO"} & ISO_4217
