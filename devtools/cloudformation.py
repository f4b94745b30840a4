"""CloudFormation templates as data: the short tags (!Ref, !Sub, !GetAtt...) read as their
long forms, and the references between resources as CloudFormation itself counts them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

INFRA = Path(__file__).resolve().parent.parent / "infra"
TEMPLATE = INFRA / "template.yaml"
EDGE_TEMPLATE = INFRA / "edge.yaml"


class _CloudFormationLoader(yaml.SafeLoader):
    """Reads !Ref, !Sub, !GetAtt... as {"Ref": ...} style mappings."""


def _tag(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> Any:
    name = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if tag_suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CloudFormationLoader.add_multi_constructor("!", _tag)


def load(path: Path = TEMPLATE) -> dict[str, Any]:
    return yaml.load(path.read_text(), Loader=_CloudFormationLoader)  # type: ignore[no-any-return]  # noqa: S506


_SUB_NAME = re.compile(r"\$\{(?!!)([^}]+)\}")


def sub_names(text: str, local: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """The logical names a Fn::Sub string refers to (`${X}`, `${X.Attr}`), not `${!X}`, the
    pseudo parameters or the Sub's own variables."""
    names = {match.split(".", 1)[0] for match in _SUB_NAME.findall(text)}
    return {n for n in names if not n.startswith("AWS::") and n not in local}


def referenced_names(value: Any) -> Iterator[str]:
    """Every logical name a piece of template refers to through Ref, Fn::GetAtt or Fn::Sub
    (both branches of a Fn::If count, as they do for CloudFormation's ordering)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                if not inner.startswith("AWS::"):
                    yield inner.split(".", 1)[0]
            elif key == "Fn::GetAtt":
                target = inner[0] if isinstance(inner, list) else str(inner).split(".", 1)[0]
                if isinstance(target, str):
                    yield target
            elif key == "Fn::Sub":
                text, variables = (inner, {}) if isinstance(inner, str) else (inner[0], inner[1])
                yield from sub_names(text, set(variables))
                yield from referenced_names(variables)
            else:
                yield from referenced_names(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from referenced_names(inner)


def condition_names(value: Any) -> Iterator[str]:
    """The conditions a piece of template names (Fn::If's first item, {"Condition": X})."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Fn::If" and isinstance(inner, list) and inner:
                yield str(inner[0])
                yield from condition_names(inner[1:])
            elif key == "Condition" and isinstance(inner, str):
                yield inner
            else:
                yield from condition_names(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from condition_names(inner)
