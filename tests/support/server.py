"""Settings for an API server a test starts in a process of its own (devtools.api_server)."""

from __future__ import annotations

import os

from tests.conftest import TEST_JWT_SECRET


def server_env(
    *,
    table: str,
    dynamodb_endpoint: str,
    s3_endpoint: str,
    log_level: str = "ERROR",
    **settings: str,
) -> dict[str, str]:
    """The process's environment with the test settings (argon2id at a cost that keeps the
    suite fast), the table and endpoints, and any other `settings` (by variable name)."""
    return {
        **os.environ,
        "APP_ENV": "test",
        "JWT_SECRET": TEST_JWT_SECRET,
        "AWS_REGION": "us-east-1",
        "CATALOG_TABLE": table,
        "DYNAMODB_ENDPOINT_URL": dynamodb_endpoint,
        "S3_ENDPOINT_URL": s3_endpoint,
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_KIB": "1024",
        "LOG_LEVEL": log_level,
        **settings,
    }
