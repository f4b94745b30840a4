"""Write app/core/currencies.py, the ISO 4217 codes prices may be in, from pycountry (a
maintained copy of the standard, a dev dependency). The app does not import pycountry: a
list of codes is all it needs, and the package's translations would triple the Lambda's
size. tests/unit/test_currencies.py fails when the two drift apart.

    python -m devtools.currencies
"""

from __future__ import annotations

import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "app" / "core" / "currencies.py"
# ISO 4217 codes that are not money anybody pays with
NOT_FOR_PRICES = frozenset({"XTS", "XXX"})  # the testing code, and "no currency"


def codes() -> list[str]:
    import pycountry

    return sorted({c.alpha_3 for c in pycountry.currencies} - NOT_FOR_PRICES)


def render() -> str:
    import pycountry

    version = getattr(pycountry, "__version__", "") or _installed_version()
    lines = [
        f'"""ISO 4217 currency codes, generated from pycountry {version} by',
        '`python -m devtools.currencies` (do not edit). XTS and XXX are left out."""',
        "",
        "ISO_4217: frozenset[str] = frozenset(",
        "    {",
        *(f'        "{code}",' for code in codes()),
        "    }",
        ")",
        "",
    ]
    return "\n".join(lines)


def _installed_version() -> str:
    from importlib.metadata import version

    return version("pycountry")


def main() -> int:
    TARGET.write_text(render())
    print(f"wrote {TARGET} ({len(codes())} codes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
