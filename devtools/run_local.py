"""`make run`: DynamoDB Local on :8001 (data under .data/), a local S3 on :8002 (moto), the
table and the images bucket, and uvicorn on :8000. `make seed`: the demo catalog.

Services already serving on their ports are reused. Ctrl-C stops what this started.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devtools import api_server, dynamodb_local, processes, s3_local, web

REPO = dynamodb_local.REPO
DATA = Path(os.environ.get("LOCAL_DATA_DIR", REPO / ".data"))
API_PORT = int(os.environ.get("API_PORT", "8000"))
DYNAMODB_PORT = int(os.environ.get("DYNAMODB_PORT", "8001"))
S3_PORT = int(os.environ.get("S3_PORT", "8002"))


def local_jwt_secret() -> str:
    """The JWT secret of this checkout: generated once, kept in .data/ (gitignored)."""
    path = DATA / "jwt_secret"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def local_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("APP_ENV", "local")
    env.setdefault("CATALOG_TABLE", "catalog")
    env.setdefault("AWS_REGION", "us-east-1")
    env.setdefault("DYNAMODB_ENDPOINT_URL", f"http://127.0.0.1:{DYNAMODB_PORT}")
    env.setdefault("S3_ENDPOINT_URL", f"http://127.0.0.1:{S3_PORT}")
    env.setdefault("IMAGES_BUCKET", "catalog-images")
    if not env.get("JWT_SECRET"):
        env["JWT_SECRET"] = local_jwt_secret()
    return env


@contextmanager
def backing_services(env: dict[str, str], *, with_s3: bool) -> Iterator[None]:
    """DynamoDB Local (and S3) with the table (and bucket) in place, for the duration."""
    started: list[subprocess.Popen[bytes]] = []
    try:
        endpoint = env["DYNAMODB_ENDPOINT_URL"]
        if dynamodb_local.is_serving(endpoint):
            print(f"DynamoDB Local already serving on {endpoint}: reusing it")
        else:
            print(f"starting DynamoDB Local on {endpoint} (data in {DATA / 'dynamodb'})")
            started.append(
                dynamodb_local.start(
                    DYNAMODB_PORT,
                    data_dir=DATA / "dynamodb",
                    log_path=DATA / "dynamodb.log",
                    cors_origin=f"http://127.0.0.1:{API_PORT}",
                )
            )
        if with_s3:
            s3 = env["S3_ENDPOINT_URL"]
            if s3_local.is_serving(s3):
                print(f"S3 already serving on {s3}: reusing it")
            else:
                print(f"starting a local S3 (moto) on {s3}; images last while it runs")
                started.append(s3_local.start(S3_PORT, log_path=DATA / "s3.log"))
            s3_local.ensure_bucket(s3, env["IMAGES_BUCKET"])
        subprocess.run([sys.executable, "-m", "app.cli", "create-table"], env=env, check=True)
        yield
    finally:
        for process in reversed(started):
            processes.stop(process)


def build_web_app() -> None:
    """The web app, when its sources changed; without a usable Node, the API alone."""
    try:
        web.ensure_built()
    except web.NodeMissingError as error:
        print(f"web: {error}; serving the API alone")
    except subprocess.CalledProcessError:
        print("web: the build failed (see above); serving the API and the last build, if any")


def serve(env: dict[str, str]) -> int:
    build_web_app()
    with backing_services(env, with_s3=True):
        print(
            f"serving http://127.0.0.1:{API_PORT}/app/ (the web app); "
            f"Swagger UI: http://127.0.0.1:{API_PORT}/docs"
        )
        server = subprocess.Popen(api_server.command(API_PORT), env=env)
        signal.signal(signal.SIGTERM, lambda *_: server.send_signal(signal.SIGINT))
        try:
            return server.wait()
        except KeyboardInterrupt:
            server.wait()
            return 0


def seed(env: dict[str, str]) -> int:
    with backing_services(env, with_s3=False):
        return subprocess.run(
            [sys.executable, "-m", "app.cli", "seed"], env=env, check=False
        ).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["serve", "seed"], nargs="?", default="serve")
    command = parser.parse_args().command
    env = local_environment()
    DATA.mkdir(parents=True, exist_ok=True)
    try:
        return serve(env) if command == "serve" else seed(env)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
