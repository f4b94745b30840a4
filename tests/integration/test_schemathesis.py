"""Schemathesis, driven by the service's own OpenAPI document, against the API under
uvicorn: every answer to generated (and deliberately invalid) requests must be documented,
of the documented content type and schema, never a server error, and invalid data must be
refused. A fixed seed keeps `make test` reproducible; SCHEMATHESIS_SEED picks another.

Two runs, each with the token of the role that reaches its operations: a store's admin for
everything but /platform, and the platform's operator for /platform (an admin's token
would meet only 403s there)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx

from app.auth import repository
from app.core.roles import Role
from app.core.timeutil import now_iso
from app.db.keys import Keys
from app.db.table import Table, dynamodb_client
from app.products.images import s3_client
from devtools import api_server, dynamodb_local, processes
from tests.support.server import server_env

CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_schema_conformance,negative_data_rejection"
)
MAX_EXAMPLES = 40


def test_schemathesis_finds_nothing(
    dynamodb_endpoint: str, s3_endpoint: str, tmp_path: Path
) -> None:
    name = f"fuzz-{uuid.uuid4().hex[:10]}"
    table = Table(
        client=dynamodb_client(dynamodb_endpoint, "us-east-1"), name=name, keys=Keys("default")
    )
    table.create()
    s3_client(s3_endpoint, "us-east-1").create_bucket(Bucket=name)
    env = server_env(
        table=name,
        dynamodb_endpoint=dynamodb_endpoint,
        s3_endpoint=s3_endpoint,
        IMAGES_BUCKET=name,
        MAIL_OUTBOX_DIR=str(tmp_path / "outbox"),
    )
    port = dynamodb_local.free_port()
    server = api_server.start(env, port, log_path=tmp_path / "api.log")
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url) as http:
            token = token_of(http, table, "fuzz-admin@example.com", Role.ADMIN)
            for n in range(3):  # something for the generated requests to find
                http.post(
                    "/products",
                    headers={"Authorization": f"Bearer {token}"},
                    json={"name": f"Fuzzed {n}", "price": "2.50", "category": "Fuzz", "stock": 9},
                ).raise_for_status()
            operator = token_of(http, table, "fuzz-operator@example.com", Role.PLATFORM_ADMIN)
        runs = [
            fuzz(url, token, "--exclude-path-regex", "^/platform/"),
            fuzz(url, operator, "--include-path-regex", "^/platform/"),
        ]
    finally:
        processes.stop(server)
        table.client.delete_table(TableName=name)
    for run in runs:
        report = run.stdout[-6000:] + run.stderr[-2000:]
        assert run.returncode == 0, report
        summary = run.stdout.rsplit("SUMMARY", 1)[-1]
        assert " passed" in summary, report
        assert "failures" not in summary, report
        assert "Authentication failed" not in summary, report  # each run's token reaches it


def token_of(http: httpx.Client, table: Table, email: str, role: Role) -> str:
    """A new account's access token, the account given `role` in the table."""
    password = "fuzz-passphrase-" + role.value
    http.post("/auth/signup", json={"email": email, "password": password, "name": "Fuzz"})
    user = repository.get_by_email(table, email=email)
    assert user is not None
    repository.change_role(table, user=user, role=role, now=now_iso())
    login = http.post("/auth/login", data={"username": email, "password": password})
    return str(login.json()["access_token"])


def fuzz(url: str, token: str, *selection: str) -> subprocess.CompletedProcess[str]:
    """Schemathesis over the operations `selection` picks, as the holder of `token`."""
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"{url}/openapi.json",
            *selection,
            "--checks",
            CHECKS,
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            os.environ.get("SCHEMATHESIS_SEED", "20261126"),
            # no examples kept from earlier runs (.hypothesis/): the seed alone decides
            "--generation-database",
            "none",
            "--workers",
            "1",  # hypothesis' lambda introspection is not thread-safe
            "--header",
            f"Authorization: Bearer {token}",
            # logging out would end the session the rest of the run needs
            "--exclude-path",
            "/auth/logout",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
    )
