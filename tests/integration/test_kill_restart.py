"""A real outage under load: DynamoDB Local is killed, restarted, then frozen (SIGSTOP)
while clients keep buying, adjusting stock and browsing through the API under uvicorn.

Every answer is a success, a 4xx the request deserved, or 503 problem+json with
Retry-After -- never a 500 -- and none takes longer than the request deadline allows.
Afterwards the stored data is consistent, and each purchase whose outcome was unknown is
settled by retrying it with its Idempotency-Key. The figures go to
build/reliability/kill_restart.json (and docs/RELIABILITY.md).
"""

from __future__ import annotations

import json
import signal
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.auth import repository
from app.core.roles import Role
from app.core.timeutil import now_iso
from app.db.keys import Keys
from app.db.table import Table, dynamodb_client
from devtools import api_server, dynamodb_local, processes
from tests.support.invariants import check_invariants
from tests.support.server import server_env

REPORT = Path(__file__).resolve().parents[2] / "build" / "reliability" / "kill_restart.json"
DOWN_SECONDS = 5
FROZEN_SECONDS = 8
WORST_LATENCY_BOUND = 11.0  # the request budget (6 s) + one attempt (3 s) + slack
ALLOWED = {200, 201, 204, 409, 503}


class Load:
    def __init__(self, url: str, people: list[dict[str, str]], products: list[str]) -> None:
        self.url = url
        self.people = people
        self.products = products
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answers: Counter[int] = Counter()
        self.codes: Counter[str] = Counter()
        self.worst = 0.0
        self.sent = 0
        self.unknown: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.bad: list[str] = []

    def record(self, response: httpx.Response, took: float, what: str) -> None:
        with self.lock:
            self.sent += 1
            self.answers[response.status_code] += 1
            self.worst = max(self.worst, took)
            if response.status_code >= 400:
                self.codes[response.json().get("code", "?")] += 1
            if response.status_code not in ALLOWED:
                self.bad.append(f"{what}: {response.status_code} {response.text[:200]}")
            if response.status_code == 503 and not response.headers.get("retry-after"):
                self.bad.append(f"{what}: 503 without Retry-After")

    def worker(self, n: int) -> None:
        headers = self.people[n % len(self.people)]
        with httpx.Client(base_url=self.url, timeout=30) as http:
            i = 0
            while not self.stop.is_set():
                i += 1
                product = self.products[(n + i) % len(self.products)]
                if i % 3 == 0:
                    key = uuid.uuid4().hex
                    body = {"items": [{"product_id": product, "quantity": 1}]}
                    request: dict[str, Any] = {
                        "headers": {**headers, "Idempotency-Key": key},
                        "json": body,
                    }
                    started = time.monotonic()
                    response = http.post("/orders", **request)
                    self.record(response, time.monotonic() - started, "purchase")
                    if response.status_code == 503 and response.json()["code"] == "outcome_unknown":
                        with self.lock:
                            self.unknown.append((request["headers"], body))
                elif i % 3 == 1:
                    started = time.monotonic()
                    response = http.get(f"/products/{product}")
                    self.record(response, time.monotonic() - started, "read")
                else:
                    started = time.monotonic()
                    response = http.get("/products", params={"limit": 5})
                    self.record(response, time.monotonic() - started, "page")


@pytest.fixture
def database(tmp_path: Path) -> Any:
    port = dynamodb_local.free_port()
    data = tmp_path / "dynamodb"
    process = dynamodb_local.start(port, data_dir=data)
    holder: dict[str, Any] = {"process": process, "port": port, "data": data}
    yield holder
    processes.stop(holder["process"])


def test_kill_restart_and_freeze_under_load(
    database: dict[str, Any], tmp_path: Path, s3_endpoint: str
) -> None:
    endpoint = f"http://127.0.0.1:{database['port']}"
    table = Table(
        client=dynamodb_client(endpoint, "us-east-1"), name="catalog", keys=Keys("default")
    )
    table.create()
    env = server_env(table="catalog", dynamodb_endpoint=endpoint, s3_endpoint=s3_endpoint)
    port = dynamodb_local.free_port()
    server = api_server.start(env, port, log_path=tmp_path / "api.log")
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, timeout=30) as http:
            people = []
            for n in range(4):
                email = f"load{n}@example.com"
                http.post(
                    "/auth/signup", json={"email": email, "password": "long-enough-pw", "name": "L"}
                )
                login = http.post(
                    "/auth/login", data={"username": email, "password": "long-enough-pw"}
                )
                people.append({"Authorization": f"Bearer {login.json()['access_token']}"})
            admin = repository.get_by_email(table, email="load0@example.com")
            assert admin is not None
            repository.change_role(table, user=admin, role=Role.ADMIN, now=now_iso())
            products = [
                http.post(
                    "/products",
                    headers=people[0],
                    json={"name": f"Load {n}", "price": "1.00", "category": "Load", "stock": 400},
                ).json()["id"]
                for n in range(6)
            ]
        load = Load(url, people, products)
        threads = [threading.Thread(target=load.worker, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(3)
        processes.kill(database["process"])  # SIGKILL: no goodbye
        time.sleep(DOWN_SECONDS)
        database["process"] = dynamodb_local.start(database["port"], data_dir=database["data"])
        time.sleep(3)
        database["process"].send_signal(signal.SIGSTOP)
        time.sleep(FROZEN_SECONDS)
        database["process"].send_signal(signal.SIGCONT)
        time.sleep(4)
        load.stop.set()
        for thread in threads:
            thread.join(timeout=30)

        # purchases whose answer was lost: the same key settles each one, once
        settled: Counter[int] = Counter()
        with httpx.Client(base_url=url, timeout=30) as http:
            for headers, body in load.unknown:
                settled[http.post("/orders", headers=headers, json=body).status_code] += 1
        checked = check_invariants(table)
    finally:
        processes.stop(server)

    report = {
        "requests": load.sent,
        "answers": dict(sorted(load.answers.items())),
        "problem codes": dict(load.codes),
        "worst latency s": round(load.worst, 2),
        "outcome unknown, settled by retry": dict(settled),
        "invariants checked over": checked,
        "down s": DOWN_SECONDS,
        "frozen s": FROZEN_SECONDS,
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report))
    assert load.bad == []
    assert load.answers[503] > 0, "the outage was not seen: the test did not test"
    assert load.answers[200] + load.answers[201] > 0
    assert load.worst <= WORST_LATENCY_BOUND, report
    assert set(settled) <= {201, 409}
