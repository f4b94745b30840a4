"""The name of the function version a deploy publishes: a digest of the Lambda package and of
every parameter the function's configuration reads.

SAM names the version `CatalogFunctionVersion<hash>` after the code alone (parameter values
are not resolved into its hash), so a deploy that changes only `FunctionMemory`, `MailFrom`
or `EnableSnapStart` would change `$LATEST` and leave the live alias where it was. The
template passes this digest to SAM (`AutoPublishCodeSha256: !Ref ReleaseId`), which then
names the version after it: new code or new configuration, new version, and the alias moves
(through CodeDeploy, alarms and pre-traffic check included).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from devtools.cloudformation import condition_names, referenced_names

FUNCTION = "CatalogFunction"
# what does not shape a version: where the code is, how it is rolled out, what may call it
NOT_CONFIGURATION = {
    "CodeUri",
    "AutoPublishCodeSha256",
    "DeploymentPreference",
    "Events",
    "Policies",
}


def function_parameters(template: dict[str, Any], function: str = FUNCTION) -> set[str]:
    """The parameters the function's configuration reads, directly or through a condition
    (its own properties and the template's Globals)."""
    properties = template["Resources"][function]["Properties"]
    configuration = [v for k, v in properties.items() if k not in NOT_CONFIGURATION]
    configuration.append(template.get("Globals", {}).get("Function", {}))
    parameters = set(template.get("Parameters", {}))
    conditions: dict[str, Any] = template.get("Conditions", {})
    found = {n for n in referenced_names(configuration) if n in parameters}
    pending = list(condition_names(configuration))
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen or name not in conditions:
            continue
        seen.add(name)
        found |= {n for n in referenced_names(conditions[name]) if n in parameters}
        pending.extend(condition_names(conditions[name]))
    return found


def effective_parameters(template: dict[str, Any], given: dict[str, str]) -> dict[str, str]:
    """Every parameter's value for a deploy: the given ones, else the template's defaults."""
    values = {
        name: str(spec["Default"])
        for name, spec in template.get("Parameters", {}).items()
        if "Default" in spec
    }
    return values | {k: str(v) for k, v in given.items()}


def release_id(template: dict[str, Any], parameters: dict[str, str], package_sha256: str) -> str:
    values = effective_parameters(template, parameters)
    configuration = {name: values.get(name, "") for name in sorted(function_parameters(template))}
    payload = json.dumps({"package": package_sha256, "configuration": configuration})
    return hashlib.sha256(payload.encode()).hexdigest()
