"""`make run`: DynamoDB Local on :8001 (data under .data/), a local S3 on :8002 (moto), the
table and the images bucket, the web app built, and uvicorn on :8000. `make seed`: the demo
catalog.

- Ports come from API_PORT, DYNAMODB_PORT and S3_PORT. A DynamoDB Local or S3 already
  serving on its port is reused; a port taken by anything else stops this at once, with a
  message naming the variable to set.
- Ctrl-C, `kill -INT` or `kill -TERM` -- to this process or to the `make` above it -- stop
  everything this started within a few seconds: a signal handler stops the servers one by
  one, the API first (each runs in a process group of its own, so a Ctrl-C reaches this
  process alone), and each child is told by Linux to stop should this process die
  (PR_SET_PDEATHSIG), as this process is should `make` die.
- Mail (password resets) goes to .data/outbox/ as .eml files; each is printed as it arrives.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from pathlib import Path
from types import FrameType

from devtools import api_server, cli_steps, dynamodb_local, processes, s3_local, web

REPO = dynamodb_local.REPO
DATA = Path(os.environ.get("LOCAL_DATA_DIR", REPO / ".data"))
API_PORT = int(os.environ.get("API_PORT", "8000"))
DYNAMODB_PORT = int(os.environ.get("DYNAMODB_PORT", "8001"))
S3_PORT = int(os.environ.get("S3_PORT", "8002"))
OUTBOX = DATA / "outbox"
DEMO_PHOTOS = REPO / "devtools" / "demo_images"


class PortTakenError(RuntimeError):
    pass


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
    env.setdefault("LIVE_MODE", "local")  # /event/realtime, fed by DynamoDB Local's stream
    env.setdefault("CATALOG_TABLE", "catalog")
    env.setdefault("AWS_REGION", "us-east-1")
    env.setdefault("DYNAMODB_ENDPOINT_URL", f"http://127.0.0.1:{DYNAMODB_PORT}")
    env.setdefault("S3_ENDPOINT_URL", f"http://127.0.0.1:{S3_PORT}")
    env.setdefault("IMAGES_BUCKET", "catalog-images")
    env.setdefault("MAIL_OUTBOX_DIR", str(OUTBOX))
    env.setdefault("PUBLIC_APP_URL", f"http://127.0.0.1:{API_PORT}")
    if not env.get("JWT_SECRET"):
        env["JWT_SECRET"] = local_jwt_secret()
    return env


def port_is_free(port: int) -> bool:
    """Whether a server could listen on `port` now. SO_REUSEADDR, as the servers set it:
    connections a server just closed linger in TIME_WAIT for a minute and would make a
    port that `make seed` has just let go of look taken."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def check_port(port: int, variable: str, *, reusable: bool = False) -> None:
    """Fail at once, naming the variable to set, when a port is taken by a stranger."""
    if not port_is_free(port) and not reusable:
        raise PortTakenError(
            f"port {port} is already in use: choose another one, e.g. "
            f"`{variable}={port + 100} make run`"
        )


@contextmanager
def backing_services(env: dict[str, str]) -> Iterator[None]:
    """DynamoDB Local and S3 with the table and bucket in place, for the duration. Both
    servers start side by side (a JVM, moto's imports: seconds each); then the table, the
    bootstrap and the demo photos, in one process (devtools/cli_steps.py)."""
    database, s3 = env["DYNAMODB_ENDPOINT_URL"], env["S3_ENDPOINT_URL"]
    start_database = not dynamodb_local.is_serving(database)
    start_s3 = not s3_local.is_serving(s3)
    if start_database:  # a port taken by a stranger stops this before anything starts
        check_port(DYNAMODB_PORT, "DYNAMODB_PORT")
    if start_s3:
        check_port(S3_PORT, "S3_PORT")
    started: list[subprocess.Popen[bytes]] = []
    try:
        if start_database:
            print(f"starting DynamoDB Local on {database} (data in {DATA / 'dynamodb'})")
            database_process = dynamodb_local.launch(
                DYNAMODB_PORT,
                data_dir=DATA / "dynamodb",
                log_path=DATA / "dynamodb.log",
                cors_origin=f"http://127.0.0.1:{API_PORT}",
            )
            started.append(database_process)
        else:
            print(f"DynamoDB Local already serving on {database}: reusing it")
        if start_s3:
            print(f"starting a local S3 (moto) on {s3}; images last while it runs")
            s3_process = s3_local.launch(S3_PORT, log_path=DATA / "s3.log")
            started.append(s3_process)
        else:
            print(f"S3 already serving on {s3}: reusing it")
        if start_database:  # both launched: now wait for each
            dynamodb_local.until_serving(database_process, DYNAMODB_PORT)
        if start_s3:
            s3_local.until_serving(s3_process, S3_PORT)
        s3_local.ensure_bucket(s3, env["IMAGES_BUCKET"])
        # what a deployment gets (app/bootstrap.py): the smoke-test store; with ADMIN_EMAIL,
        # a first admin invited by mail (the link is printed from the outbox); and, as the
        # local S3 forgets everything when it stops, the demo photos again
        admin = ["--admin-email", env["ADMIN_EMAIL"]] if env.get("ADMIN_EMAIL") else []
        steps = (
            ["create-table"],
            ["bootstrap", *admin],
            ["demo-photos", "--images", str(DEMO_PHOTOS)],
        )
        subprocess.run(cli_steps.command_line(*steps), env=env, check=True)
        yield
    finally:
        for process in reversed(started):
            processes.stop(process, grace=3)


def build_web_app() -> None:
    """The web app, when its sources changed; without a usable Node, the API alone."""
    try:
        web.ensure_built()
    except web.NodeMissingError as error:
        print(f"web: {error}; serving the API alone")
    except subprocess.CalledProcessError:
        print("web: the build failed (see above); serving the API and the last build, if any")


def print_outbox(stop: threading.Event) -> None:
    """Show each mail the service sends (password-reset links) as it lands in the outbox."""
    seen = set(OUTBOX.glob("*.eml")) if OUTBOX.exists() else set()
    while not stop.wait(1):
        for path in sorted(set(OUTBOX.glob("*.eml")) - seen, key=lambda p: p.stat().st_mtime):
            seen.add(path)
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            body = message.get_body(preferencelist=("plain",))
            text = body.get_content() if body else ""
            print(
                f"\n--- mail to {message['To']}: {message['Subject']} ({path})\n{text}---",
                flush=True,
            )


def _caught_signals(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return int(line.split()[1], 16)
    return 0


def follow_make() -> None:
    """Stop when `make` above us is told to. GNU make, on SIGINT, does not pass it on: it
    expects a terminal to have sent it to the whole process group, and waits for its
    children -- so `kill -INT <make>` alone would leave everything running. What make does
    is stop catching the signal while it waits (it will re-raise it on itself), which
    /proc/<make>/status shows; that is the cue."""
    parent = os.getppid()
    try:
        if Path(f"/proc/{parent}/comm").read_text().strip() != "make":
            return
        watched = _caught_signals(parent) & sum(
            1 << (s - 1) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
        )
        while True:
            time.sleep(0.2)
            if _caught_signals(parent) & watched != watched:
                os.kill(os.getpid(), signal.SIGTERM)
                return
    except OSError:  # no /proc (not Linux), or make is gone (PR_SET_PDEATHSIG handles that)
        return


class Stopping(Exception):  # noqa: N818 - a signal, not an error
    pass


def _on_signal(signum: int, _: FrameType | None) -> None:
    for other in (signal.SIGINT, signal.SIGTERM):  # one is enough: let the stopping finish
        signal.signal(other, signal.SIG_IGN)
    raise Stopping(signal.Signals(signum).name)


def serve(env: dict[str, str]) -> int:
    check_port(API_PORT, "API_PORT")
    build_web_app()
    with backing_services(env):
        print(
            f"serving http://127.0.0.1:{API_PORT}/app/ (the web app); "
            f"Swagger UI: http://127.0.0.1:{API_PORT}/docs; mail goes to {OUTBOX}",
            flush=True,
        )
        server = processes.start_child(api_server.command(API_PORT), env=env)
        stop = threading.Event()
        threading.Thread(target=print_outbox, args=(stop,), daemon=True).start()
        try:
            return server.wait()
        except (Stopping, KeyboardInterrupt):
            return 0
        finally:
            stop.set()
            processes.stop(server, grace=3, first=signal.SIGINT)


def seed(env: dict[str, str], store: str | None = None) -> int:
    """The demo catalog in the default store, or in `store` (created first if missing)."""
    steps = []
    if store:
        name = store.replace("-", " ").title()
        steps.append(["create-store", "--slug", store, "--name", name])
    where = ["--store", store] if store else []
    steps.append(["seed", *where, "--images", str(DEMO_PHOTOS)])
    with backing_services(env):
        return subprocess.run(cli_steps.command_line(*steps), env=env, check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["serve", "seed"], nargs="?", default="serve")
    parser.add_argument("--store", default=os.environ.get("STORE") or None)
    arguments = parser.parse_args()
    command = arguments.command
    processes.die_with_parent()  # `make` killed: this stops, and so its children
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _on_signal)
    threading.Thread(target=follow_make, daemon=True).start()
    env = local_environment()
    DATA.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        return serve(env) if command == "serve" else seed(env, arguments.store)
    except PortTakenError as error:
        print(f"make run: {error}", file=sys.stderr)
        return 2
    except (Stopping, KeyboardInterrupt):
        return 0
    finally:
        if command == "serve":
            print(f"stopped after {time.monotonic() - started:.0f} s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
