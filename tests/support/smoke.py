"""`make smoke` itself, as the pipeline runs it after each deployment."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def make_smoke(
    url: str, *, origin: str | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    variables = [f"URL={url}"] + ([f"ORIGIN={origin}"] if origin else [])
    return subprocess.run(
        [shutil.which("make") or "make", "--no-print-directory", "smoke", *variables],
        cwd=REPO,
        env=dict(env) if env is not None else None,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
