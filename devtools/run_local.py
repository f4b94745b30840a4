"""`make run`: DynamoDB Local on :8001 (data under .data/), the table, and uvicorn on :8000.

Reuses a DynamoDB Local already serving on :8001. Ctrl-C stops what this started.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

from devtools import dynamodb_local

REPO = dynamodb_local.REPO
DATA = Path(os.environ.get("LOCAL_DATA_DIR", REPO / ".data"))
API_PORT = int(os.environ.get("API_PORT", "8000"))
DYNAMODB_PORT = int(os.environ.get("DYNAMODB_PORT", "8001"))


def local_jwt_secret() -> str:
    """The JWT secret of this checkout: generated once, kept in .data/ (gitignored)."""
    path = DATA / "jwt_secret"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def local_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("APP_ENV", "local")
    env.setdefault("CATALOG_TABLE", "catalog")
    env.setdefault("AWS_REGION", "us-east-1")
    env.setdefault("DYNAMODB_ENDPOINT_URL", f"http://127.0.0.1:{DYNAMODB_PORT}")
    if not env.get("JWT_SECRET"):
        env["JWT_SECRET"] = local_jwt_secret()
    return env


def main() -> int:
    env = local_environment()
    endpoint = env["DYNAMODB_ENDPOINT_URL"]
    started: list[subprocess.Popen[bytes]] = []
    if dynamodb_local.is_serving(endpoint):
        print(f"DynamoDB Local already serving on {endpoint}: reusing it")
    else:
        print(f"starting DynamoDB Local on {endpoint} (data in .data/dynamodb)")
        started.append(
            dynamodb_local.start(
                DYNAMODB_PORT, data_dir=DATA / "dynamodb", log_path=DATA / "dynamodb.log"
            )
        )
    try:
        subprocess.run([sys.executable, "-m", "app.cli", "create-table"], env=env, check=True)
        print(f"serving http://127.0.0.1:{API_PORT} (Swagger UI: http://127.0.0.1:{API_PORT}/docs)")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(API_PORT),
            ],
            env=env,
        )
        started.append(server)
        signal.signal(signal.SIGTERM, lambda *_: server.send_signal(signal.SIGINT))
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for process in reversed(started):
            dynamodb_local.stop(process)


if __name__ == "__main__":
    sys.exit(main())
