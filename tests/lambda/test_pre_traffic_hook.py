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


class FakeSecrets:
    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def get_secret_value(self, SecretId: str) -> dict[str, str]:  # noqa: N803
        assert SecretId == "origin-secret-arn"
        return {"SecretString": json.dumps(self.values)}


class FakeCodeDeploy:
    def __init__(self) -> None:
        self.reports: list[dict[str, str]] = []

    def put_lifecycle_event_hook_execution_status(self, **report: str) -> None:
        self.reports.append(report)


EVENT = {"DeploymentId": "d-1", "LifecycleEventHookExecutionId": "hook-1"}


SECRET = FakeSecrets({"current": "the-origin-secret"})


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("NEW_VERSION", "arn:aws:lambda:eu-west-1:123456789012:function:catalog:7")
    monkeypatch.setenv("ORIGIN_SECRET_ARN", "origin-secret-arn")
    return load_hook()


def test_a_healthy_version_goes_on(
    hook: ModuleType, table: Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new version is checked the way CloudFront will reach it: with the origin
    secret's header, which its handler demands."""
    from app import lambda_handler
    from app.core import origin
    from app.http import blocking

    monkeypatch.setattr(blocking, "_inline", True)
    check = origin.OriginSecret(lambda: json.dumps(SECRET.values))
    monkeypatch.setattr(lambda_handler, "origin_secret", check)
    function = FakeLambda(lambda event: lambda_handler.handler(event, lambda_context("check")))
    codedeploy = FakeCodeDeploy()
    done = hook.handler(EVENT, None, clients=(function, codedeploy, SECRET))
    assert done == {"status": "Succeeded"}
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
    result = hook.handler(EVENT, None, clients=(FakeLambda(lambda _: answer), codedeploy, SECRET))
    assert result == {"status": "Failed"}
    assert codedeploy.reports[0]["status"] == "Failed"


def test_without_the_origin_header_the_check_fails(
    hook: ModuleType, table: Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same healthy version, asked without the header (a hook that forgot it): 403."""
    from app import lambda_handler
    from app.core import origin
    from app.http import blocking

    monkeypatch.setattr(blocking, "_inline", True)
    monkeypatch.delenv("ORIGIN_SECRET_ARN")
    check = origin.OriginSecret(lambda: json.dumps(SECRET.values))
    monkeypatch.setattr(lambda_handler, "origin_secret", check)
    function = FakeLambda(lambda event: lambda_handler.handler(event, lambda_context("check")))
    codedeploy = FakeCodeDeploy()
    assert hook.handler(EVENT, None, clients=(function, codedeploy, SECRET)) == {"status": "Failed"}
