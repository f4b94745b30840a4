"""Lambda SnapStart: do the slow work of a cold start before the snapshot, and undo what
must not be shared by every container restored from it.

With SnapStart (template parameter `EnableSnapStart`), Lambda runs the init phase once per
published version, snapshots the memory, and starts new containers from the snapshot. Work
done at init is then free for every cold start, so the app builds all its routers and loads
its security libraries there (without SnapStart they are built on first use, see
app/routers.py). After a restore, each container re-seeds `random` (which the snapshot
froze: every container would draw the same bucket choices and backoff jitter; `secrets` and
`uuid` read the OS's randomness and need nothing) and forgets the signing keys it held (a
snapshot can be days old: app/core/signing.py reads them again).
"""

from __future__ import annotations

import os
import random
from typing import Any

from app.core import signing

INIT_TYPE_VARIABLE = "AWS_LAMBDA_INITIALIZATION_TYPE"


def initializing_for_a_snapshot() -> bool:
    return os.environ.get(INIT_TYPE_VARIABLE) == "snap-start"


def after_restore() -> None:
    random.seed()
    signing.forget()


def warm(app: Any) -> None:
    """Build what a request would otherwise build on first use."""
    app.state.routers.ensure_all()
    from argon2 import PasswordHasher  # noqa: F401 - imported for the snapshot
    from jose import jwt  # noqa: F401 - imported for the snapshot


def prepare(app: Any) -> bool:
    """At init: when a snapshot follows, warm up and register the restore hook."""
    if not initializing_for_a_snapshot():
        return False
    warm(app)
    from snapshot_restore_py import register_after_restore  # type: ignore[import-untyped]

    register_after_restore(after_restore)
    return True
