"""CodeDeploy's pre-traffic hook (infra/hooks/pre_traffic.py): it lets a new version take
traffic only when that version answers GET /health with 200."""

from __future__ import annotations

import importlib.util
import io
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from app.db.table import Table
from tests.support.lambda_runtime import lambda_context

HOOK = Path(__file__).resolve().parents[2] / "infra" / "hooks" / "pre_traffic.py"


def load_hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pre_traffic", HOOK)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeLambda:
    """Invokes the real handler in process, as Lambda would invoke the new version."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.invoked: list[str] = []

    def invoke(self, FunctionName: str, Payload: bytes) -> dict[str, Any]:  # noqa: N803
        self.invoked.append(FunctionName)
        result = self.answer(json.loads(Payload))
        if isinstance(result, Exception):
            return {"FunctionError": "Unhandled", "Payload": io.BytesIO(str(result).encode())}
        return {"Payload": io.BytesIO(json.dumps(result).encode())}


class FakeCodeDeploy:
    def __init__(self) -> None:
        self.reports: list[dict[str, str]] = []

    def put_lifecycle_event_hook_execution_status(self, **report: str) -> None:
        self.reports.append(report)


EVENT = {"DeploymentId": "d-1", "LifecycleEventHookExecutionId": "hook-1"}


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("NEW_VERSION", "arn:aws:lambda:eu-west-1:123456789012:function:catalog:7")
    return load_hook()


def test_a_healthy_version_goes_on(
    hook: ModuleType, table: Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.core import blocking
    from app.lambda_handler import handler

    monkeypatch.setattr(blocking, "_inline", True)
    function = FakeLambda(lambda event: handler(event, lambda_context("hook-check")))
    codedeploy = FakeCodeDeploy()
    assert hook.handler(EVENT, None, clients=(function, codedeploy)) == {"status": "Succeeded"}
    assert function.invoked == ["arn:aws:lambda:eu-west-1:123456789012:function:catalog:7"]
    assert codedeploy.reports == [
        {"deploymentId": "d-1", "lifecycleEventHookExecutionId": "hook-1", "status": "Succeeded"}
    ]


@pytest.mark.parametrize(
    "answer",
    [
        {"statusCode": 503, "body": '{"code": "dependency_unavailable"}'},
        RuntimeError("import failed"),
    ],
)
def test_a_sick_version_stops_the_deployment(hook: ModuleType, answer: Any) -> None:
    codedeploy = FakeCodeDeploy()
    result = hook.handler(EVENT, None, clients=(FakeLambda(lambda _: answer), codedeploy))
    assert result == {"status": "Failed"}
    assert codedeploy.reports[0]["status"] == "Failed"
