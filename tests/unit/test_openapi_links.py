"""What a creation answers links to the operations on what it created (app/http/
responses.py): Swagger UI shows the links, a stateful fuzzer follows them. The document,
links and all, must still be valid OpenAPI 3.1."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

from devtools.openapi_dump import openapi_document


@pytest.fixture
def document(app_env: None) -> dict[str, Any]:
    return openapi_document()


def linked(document: dict[str, Any], path: str, status: str) -> dict[str, dict[str, str]]:
    """operationId -> the link's parameters, for the POST to `path`."""
    links = document["paths"][path]["post"]["responses"][status].get("links", {})
    return {link["operationId"]: link["parameters"] for link in links.values()}


def operations_on(document: dict[str, Any], path: str) -> set[str]:
    return {operation["operationId"] for operation in document["paths"][path].values()}


def test_an_order_links_to_reading_and_cancelling_it(document: dict[str, Any]) -> None:
    expected = operations_on(document, "/orders/{order_id}") | operations_on(
        document, "/orders/{order_id}/cancel"
    )
    assert linked(document, "/orders", "201") == {
        operation: {"order_id": "$response.body#/id"} for operation in expected
    }


def test_a_product_links_to_its_own_operations_and_its_stock(document: dict[str, Any]) -> None:
    links = linked(document, "/products", "201")
    assert operations_on(document, "/products/{product_id}") <= links.keys()
    assert operations_on(document, "/inventory/{product_id}/adjustments") <= links.keys()
    assert all(parameters == {"product_id": "$response.body#/id"} for parameters in links.values())
    # a variant's operations need the variant's id too, which this answer does not give
    assert not operations_on(document, "/products/{product_id}/variants/{variant_id}") & set(links)


def test_no_link_where_the_answer_s_id_is_not_the_created_thing_s(
    document: dict[str, Any],
) -> None:
    """Adding a variant answers its product: that `id` is the parent's, not the variant's."""
    assert linked(document, "/products/{product_id}/variants", "201") == {}
    assert linked(document, "/admin/exports", "202").keys() == operations_on(
        document, "/admin/exports/{export_id}"
    )


def test_every_link_names_an_operation_and_the_path_parameter_it_fills(
    document: dict[str, Any],
) -> None:
    by_id = {
        operation["operationId"]: path
        for path, operations in document["paths"].items()
        for operation in operations.values()
    }
    count = 0
    for operations in document["paths"].values():
        for operation in operations.values():
            for response in operation["responses"].values():
                for link in response.get("links", {}).values():
                    [param] = link["parameters"]
                    assert "{" + param + "}" in by_id[link["operationId"]]
                    count += 1
    assert count >= 20
    validate(document)
