"""infra/template.yaml as data: CloudFormation's short tags read as their long forms."""

from __future__ import annotations

from typing import Any

from devtools import cloudformation

TEMPLATE = cloudformation.TEMPLATE


def load_template() -> dict[str, Any]:
    return cloudformation.load(TEMPLATE)


def load_edge_template() -> dict[str, Any]:
    return cloudformation.load(cloudformation.EDGE_TEMPLATE)
