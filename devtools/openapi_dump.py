"""Write the app's OpenAPI document (the source of the web app's typed client) to a file.

`make web-client` runs it, then openapi-typescript; tests/unit/test_web_client.py fails when
the committed document or client no longer match the app.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def openapi_document() -> dict[str, Any]:
    from app.main import create_app

    return create_app().openapi()


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else Path("web/openapi.json")
    target.write_text(render(openapi_document()))
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
