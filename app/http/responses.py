"""The OpenAPI document tells the truth about errors.

Routes name the problems particular to them (`problem_responses(404, 409)`); `finalize`
then makes the whole document agree with what the service really answers:

- every error is `application/problem+json` with the `Problem` schema (FastAPI would
  document a JSON body of its own validation-error model);
- 422 wherever there are parameters or a body to validate; 415 wherever a body is read;
  401 wherever a bearer token is required; 404 wherever a path names something; 429 where
  log-in attempts are counted; 400 where a body may fail to decode at all; 503 (with
  Retry-After) everywhere, since every operation may meet a DynamoDB or S3 fault
  (app/core/faults.py).

It also says what a created resource leads to: an OpenAPI link from each POST to a
collection that answers 201 or 202 with the new resource's `id` to every operation whose
path names that resource alone (`POST /orders` -> `GET /orders/{order_id}` and `POST
/orders/{order_id}/cancel`). Swagger UI shows them under the answer; a stateful fuzzer
(schemathesis) follows them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from app.http.problems import PROBLEM_MEDIA_TYPE


class FieldError(BaseModel):
    field: str
    location: str
    message: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details; some problems carry more members (e.g. `shortages`)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    errors: list[FieldError] | None = None


_DESCRIPTIONS = {
    400: "Bad request (e.g. a body that cannot be decoded)",
    401: "Missing, invalid or expired token, or the session has ended",
    403: "The caller's role does not allow this",
    404: "Not found",
    409: "Conflict with the current state",
    412: "If-Match does not match the current version",
    415: "The request body is not of a type this operation reads",
    422: "Invalid input",
    429: "Too many requests; see Retry-After",
    503: "A dependency (DynamoDB, S3) is unavailable or throttling, or the outcome of a "
    "write is unknown (code outcome_unknown); try again after Retry-After",
}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer"},
    }
}
_PROBLEM_CONTENT = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
_COUNTED_LOG_INS = {("post", "/auth/login"), ("post", "/auth/password")}
# a resource created under one path that other paths name too: a product's stock
_ALSO_NAMED_UNDER = {"/products": ("/inventory",)}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"description": _DESCRIPTIONS.get(status, "Error")} for status in statuses}


def _problem(status: int, existing: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": (existing or {}).get("description") or _DESCRIPTIONS.get(status, "Error"),
        "content": _PROBLEM_CONTENT,
    }
    if status in (429, 503):
        response["headers"] = _RETRY_AFTER
    return response


def _add_schemas(document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem


def _schema_of(document: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    name = schema.get("$ref", "").rpartition("/")[2]
    found: dict[str, Any] = document["components"]["schemas"].get(name, schema)
    return found


def _naming(paths: dict[str, Any], base: str) -> list[tuple[str, dict[str, Any]]]:
    """The operations whose path is `base/{param}...` with no other parameter."""
    found = []
    for path, operations in paths.items():
        head, _, rest = path.partition(base + "/{")
        if head or not rest or "{" in rest:
            continue
        param = rest.partition("}")[0]
        found += [(param, operation) for operation in operations.values()]
    return found


def _add_links(document: dict[str, Any]) -> None:
    paths = document.get("paths", {})
    for path, operations in paths.items():
        if "{" in path:  # not a collection: adding a variant answers its product's `id`
            continue
        created = operations.get("post", {}).get("responses", {})
        for status in ("201", "202"):
            response = created.get(status)
            if response is None or "id" not in _schema_of(document, response).get("properties", {}):
                continue
            links = {
                operation["operationId"]: {
                    "operationId": operation["operationId"],
                    "parameters": {param: "$response.body#/id"},
                }
                for base in (path, *_ALSO_NAMED_UNDER.get(path, ()))
                for param, operation in _naming(paths, base)
            }
            if links:
                response["links"] = links


def finalize(document: dict[str, Any]) -> dict[str, Any]:
    """Make every operation's error responses what the service answers, and link what a
    creation answers to the operations on what it created (see above)."""
    _add_schemas(document)
    _add_links(document)
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            statuses = {503}
            if operation.get("parameters") or operation.get("requestBody"):
                statuses.add(422)
            if operation.get("requestBody"):
                statuses |= {400, 415}  # a body that cannot be read at all; of another type
            if operation.get("security"):
                statuses.add(401)
            if "{" in path:
                statuses.add(404)
            if (method, path) in _COUNTED_LOG_INS:
                statuses.add(429)
            statuses |= {int(code) for code in responses if str(code)[0] in "45"}
            for status in sorted(statuses):
                responses[str(status)] = _problem(status, responses.get(str(status)))
            operation["responses"] = dict(sorted(responses.items()))
    return document
