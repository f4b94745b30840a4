"""`make run`'s orchestrator: serves, keeps data and secret between runs, stops cleanly."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from devtools import dynamodb_local, s3_local
from tests.support.smoke import make_smoke


def wait_for(url: str, process: subprocess.Popen[str] | None = None, timeout: float = 90) -> None:
    """Until `url` answers 200; fails at once, with what it printed, if `process` ends."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            output, _ = process.communicate()
            raise AssertionError(f"exited {process.returncode} before {url} came up:\n{output}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    if process is not None:
        os.killpg(process.pid, signal.SIGINT)
        output, _ = process.communicate(timeout=60)
        raise AssertionError(f"{url} did not come up in {timeout} s:\n{output}")
    raise AssertionError(f"{url} did not come up")


def assert_stopped_cleanly(output: str) -> None:
    """What a Ctrl-C in the terminal leaves: the API ran its own shutdown (its stream
    reader stopped while the database it reads was still up), and nothing logged an error
    on the way out."""
    assert "Application shutdown complete" in output, output
    assert "Traceback" not in output, output
    assert '"level": "ERROR"' not in output, output


def port_is_closed(port: int) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
    except httpx.TransportError:
        return True
    return False


class LocalRun:
    def __init__(self, data_dir: Path, dynamodb_port: int) -> None:
        self.api_port = dynamodb_local.free_port()
        self.dynamodb_port = dynamodb_port
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"JWT_SECRET", "DYNAMODB_ENDPOINT_URL", "CATALOG_TABLE", "APP_ENV"}
        } | {
            "API_PORT": str(self.api_port),
            "DYNAMODB_PORT": str(dynamodb_port),
            "S3_PORT": str(dynamodb_local.free_port()),
            "LOCAL_DATA_DIR": str(data_dir),
        }
        self.process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def seed(self) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "devtools.run_local", "seed"],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return result.stdout

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "devtools.run_local", "serve"],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # like a terminal: Ctrl-C reaches the whole group
        )
        wait_for(f"{self.url}/health", self.process)

    def interrupt(self) -> str:
        """Ctrl-C in its terminal: SIGINT to its whole process group; what it printed."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGINT)
        output, _ = self.process.communicate(timeout=60)
        return output


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def test_second_run_sees_the_data_and_secret_of_the_first(data_dir: Path) -> None:
    run = LocalRun(data_dir, dynamodb_local.free_port())
    run.start()
    try:
        signup = httpx.post(
            f"{run.url}/auth/signup",
            json={"email": "keep@example.com", "password": "keep-me-please", "name": "K"},
        )
        assert signup.status_code == 201
        token = httpx.post(
            f"{run.url}/auth/login",
            data={"username": "keep@example.com", "password": "keep-me-please"},
        ).json()["access_token"]
    finally:
        output = run.interrupt()
    assert_stopped_cleanly(output)
    assert port_is_closed(run.api_port)
    assert port_is_closed(run.dynamodb_port)
    secret = data_dir / "jwt_secret"
    assert secret.stat().st_mode & 0o777 == 0o600

    second = LocalRun(data_dir, run.dynamodb_port)
    second.start()
    try:
        me = httpx.get(f"{second.url}/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200
        assert me.json()["email"] == "keep@example.com"
    finally:
        output = second.interrupt()
    assert_stopped_cleanly(output)


def test_reuses_a_dynamodb_local_already_serving(data_dir: Path, dynamodb_endpoint: str) -> None:
    port = int(dynamodb_endpoint.rsplit(":", 1)[1])
    run = LocalRun(data_dir, port)
    run.start()
    output = run.interrupt()
    assert "reusing it" in output
    assert dynamodb_local.is_serving(dynamodb_endpoint)


def test_seed_then_serve_with_images(data_dir: Path) -> None:
    run = LocalRun(data_dir, dynamodb_local.free_port())
    assert "32 products created" in run.seed()
    assert port_is_closed(run.dynamodb_port)  # seed stops the DynamoDB Local it started
    run.start()
    try:
        assert len(httpx.get(f"{run.url}/products?limit=100").json()["items"]) == 32
        s3 = f"http://127.0.0.1:{run.env['S3_PORT']}"
        assert s3_local.is_serving(s3)
        buckets = s3_local.bucket_names(s3)
        assert "catalog-images" in buckets
    finally:
        output = run.interrupt()
    assert_stopped_cleanly(output)
    assert port_is_closed(int(run.env["S3_PORT"]))


REPO = Path(__file__).resolve().parents[2]
MAKE = shutil.which("make") or "/usr/bin/make"


def listening_addresses(port: int) -> set[str]:
    """The addresses something listens on at `port` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                raw = bytes.fromhex(address)
                if width == 8:
                    found.add(".".join(str(b) for b in raw[::-1]))
                else:
                    words = [raw[i : i + 4][::-1].hex() for i in range(0, 16, 4)]
                    found.add(":".join(words))
    return found


class MakeRun(LocalRun):
    """`make run` itself, as a developer starts it."""

    def start(self) -> None:
        self.process = subprocess.Popen(
            [MAKE, "--no-print-directory", "run"],
            cwd=REPO,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        wait_for(f"{self.url}/health")

    def ports(self) -> list[int]:
        return [self.api_port, self.dynamodb_port, int(self.env["S3_PORT"])]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_to_make_stops_everything_within_five_seconds(data_dir: Path, signum: int) -> None:
    run = MakeRun(data_dir, dynamodb_local.free_port())
    run.start()
    assert run.process is not None
    # the servers it starts listen on 127.0.0.1 only -- but DynamoDB Local, which cannot
    # be told where to listen (docs/DEVELOPING.md: "What `make run` starts")
    assert listening_addresses(run.api_port) == {"127.0.0.1"}
    assert listening_addresses(int(run.env["S3_PORT"])) == {"127.0.0.1"}
    os.kill(run.process.pid, signum)  # to make alone, as `kill -INT <pid of make>` does
    started = time.monotonic()
    while any(not port_is_closed(port) for port in run.ports()):
        assert time.monotonic() - started < 5, f"still serving after 5 s: {run.ports()}"
        time.sleep(0.1)
    run.process.wait(timeout=5)


def test_a_taken_port_fails_at_once_naming_its_variable(data_dir: Path) -> None:
    run = MakeRun(data_dir, dynamodb_local.free_port())
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", run.api_port))
        squatter.listen()
        started = time.monotonic()
        result = subprocess.run(
            [MAKE, "--no-print-directory", "run"],
            cwd=REPO,
            env=run.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode != 0
    assert f"port {run.api_port} is already in use" in result.stderr
    assert "API_PORT=" in result.stderr
    assert time.monotonic() - started < 60
    assert port_is_closed(run.dynamodb_port)  # nothing was started


CREDENTIALS = ("AWS_", "SMOKE_", "ADMIN_", "JWT_SECRET")


def test_make_smoke_passes_against_a_fresh_empty_stack_with_no_credentials(
    data_dir: Path,
) -> None:
    """As after a first `make deploy`: an empty stack (no product, no admin), and `make
    smoke` with nothing in its environment but the URL -- no password, no AWS keys. It
    gets what it needs from the deployment (the smoke-test store its bootstrap made) and
    removes the account it made."""
    run = MakeRun(data_dir, dynamodb_local.free_port())
    run.start()
    try:
        shop = httpx.get(f"{run.url}/products").json()
        assert shop["items"] == []
        bare = {k: v for k, v in os.environ.items() if not k.startswith(CREDENTIALS)}
        smoke = make_smoke(run.url, env=bare)
        assert smoke.returncode == 0, smoke.stdout + smoke.stderr
        assert "smoke test passed" in smoke.stdout
        for step in ("order", "cancellation", "account closed"):
            assert f"ok   {step}" in smoke.stdout
        # what it leaves: one cancelled order in the smoke-test store, its stock whole
        smoke_store = {"X-Store": "smoke"}
        (item,) = httpx.get(f"{run.url}/products", headers=smoke_store).json()["items"]
        page = httpx.get(f"{run.url}/products/{item['id']}", headers=smoke_store).json()
        assert page["stock"] == 1_000_000
        assert httpx.get(f"{run.url}/products").json()["items"] == []
    finally:
        run.interrupt()
