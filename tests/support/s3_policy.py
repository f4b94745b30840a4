"""What S3 does with a browser-based (POST) upload, per its documented policy rules.

moto's S3 server stores whatever is POSTed without checking the policy, so the tests check
the policy document itself, its signature, and what these rules make of a given upload.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any


def decode_policy(fields: dict[str, str]) -> dict[str, Any]:
    return json.loads(base64.b64decode(fields["policy"]))


def signature_is_valid(fields: dict[str, str], secret_key: str) -> bool:
    """SigV4 for POST: HMAC of the base64 policy with the key derived for date/region/s3."""
    _, date, region, service, _ = fields["x-amz-credential"].split("/")
    key = ("AWS4" + secret_key).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, fields["policy"].encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["x-amz-signature"])


def s3_would_accept(
    policy: dict[str, Any],
    bucket: str,
    form: dict[str, str],
    file_size: int,
    now: datetime | None = None,
) -> bool:
    """Every condition must hold: exact matches, starts-with, and the content-length range."""
    now = now or datetime.now(UTC)
    if datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00")) <= now:
        return False
    values = {name.lower(): value for name, value in form.items()} | {"bucket": bucket}
    for condition in policy["conditions"]:
        if isinstance(condition, dict):
            ((name, expected),) = condition.items()
            if values.get(name.lower()) != expected:
                return False
            continue
        operator, *arguments = condition
        if operator == "content-length-range":
            low, high = arguments
            holds = low <= file_size <= high
        else:
            field, expected = arguments
            actual = values.get(field.lstrip("$").lower(), "")
            holds = actual == expected if operator == "eq" else actual.startswith(expected)
        if not holds:
            return False
    return True
