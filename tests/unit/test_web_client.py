"""The web app's typed client is generated from the app's own OpenAPI document: these fail
when the committed document or client drift from the app (`make web-client` mends both)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from devtools.openapi_dump import openapi_document, render

WEB = Path(__file__).resolve().parents[2] / "web"
HINT = "the app's API changed: run `make web-client` and commit web/openapi.json and schema.d.ts"


def test_the_committed_openapi_document_is_the_apps(app_env: None) -> None:
    committed = (WEB / "openapi.json").read_text()
    assert json.loads(committed) == openapi_document(), HINT
    assert committed == render(openapi_document()), HINT


def test_the_committed_client_is_generated_from_that_document(tmp_path: Path) -> None:
    generator = WEB / "node_modules" / ".bin" / "openapi-typescript"
    if not generator.exists() or shutil.which("node") is None:
        pytest.fail("web/node_modules is missing: `make test` installs it (make web)")
    output = tmp_path / "schema.d.ts"
    subprocess.run(
        [str(generator), "openapi.json", "-o", str(output)],
        cwd=WEB,
        check=True,
        capture_output=True,
    )
    assert output.read_text() == (WEB / "src" / "api" / "schema.d.ts").read_text(), HINT
