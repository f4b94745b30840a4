"""SnapStart: with a snapshot to come, the init phase builds everything and registers the
restore hook; without one, routers stay lazy (app/core/snapstart.py). Each case imports
the handler in a fresh interpreter, as Lambda's init phase does."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

REPORT = textwrap.dedent(
    """
    import random, snapshot_restore_py
    import app.lambda_handler as handler
    from app.core import signing
    routers = handler.app.state.routers
    built = routers.included == routers.segments
    hooks = [f for f, *_ in snapshot_restore_py._after_restore_registry]
    print("built" if built else "lazy", len(hooks))
    if hooks:
        random.seed(7)
        before = random.random()
        random.seed(7)
        signing.key_ring(handler.settings)
        hooks[0]()  # what Lambda calls after restoring a snapshot
        print("reseeded" if random.random() != before else "same",
              "forgotten" if signing._store.loaded.read_at == float("-inf") else "kept")
    """
)


def init(initialization_type: str | None, script: str = REPORT) -> list[str]:
    """What `script` prints after importing the handler in a fresh interpreter, as Lambda's
    init phase of that type (None: the variable unset) does."""
    env = dict(os.environ) | {
        "APP_ENV": "prod",
        "JWT_SECRET": "snapstart-test-" + "s" * 40,
        "AWS_REGION": "us-east-1",
        "CATALOG_TABLE": "unused",
    }
    env.pop("AWS_LAMBDA_INITIALIZATION_TYPE", None)
    if initialization_type is not None:
        env["AWS_LAMBDA_INITIALIZATION_TYPE"] = initialization_type
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.split()


@pytest.mark.parametrize(
    ("initialization_type", "expected"),
    [
        ("snap-start", ["built", "1", "reseeded", "forgotten"]),
        ("on-demand", ["lazy", "0"]),
    ],
)
def test_init_builds_everything_only_for_a_snapshot(
    initialization_type: str, expected: list[str]
) -> None:
    assert init(initialization_type) == expected


def test_a_cold_start_without_a_snapshot_loads_no_router_and_no_domain() -> None:
    """Importing the handler loads the app's core and its HTTP plumbing only: the routers,
    their access policies and every domain come with the first request that needs them
    (a cold start's import cost: bench/cold_start.py)."""
    probe = (
        "import sys, app.lambda_handler; print(*sorted(m for m in sys.modules if m[:4] == 'app.'))"
    )
    loaded = init(None, probe)
    beyond = [
        name
        for name in loaded
        if not name.startswith("app.core.")
        and name
        not in {
            "app.core",
            "app.http",
            "app.http.apigateway",
            "app.http.blocking",
            "app.http.cors",
            "app.http.middleware",
            "app.http.mounting",
            "app.http.problems",
            "app.lambda_handler",
            "app.main",
            "app.routers",
        }
    ]
    assert "app.lambda_handler" in loaded
    assert beyond == []
