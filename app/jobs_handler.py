"""AWS Lambda entry point for jobs (catalog exports): the stack's jobs queue, one message
a job (app/transfer/runner.py). A job that fails is retried by SQS (its message comes back
after the visibility timeout), then dead-lettered (an alarm)."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger

from app.db.table import environment_table
from app.transfer import exports

logger = Logger(service="catalog-jobs")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    failures = []
    for record in event.get("Records", []):
        try:
            job = json.loads(record["body"])
            table = environment_table().for_store(job["store"])
            if job["kind"] != "export":
                raise ValueError(f"unknown job kind {job['kind']!r}")
            exports.run(table, job["id"])
        except Exception:
            logger.exception("job failed")
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
