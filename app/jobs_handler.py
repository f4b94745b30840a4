"""AWS Lambda entry point for jobs: the stack's jobs queue, one message a job
(app/transfer/runner.py): a catalog export, an import's plan, or one chunk of an import. A
job that fails is retried by SQS (its message comes back after the visibility timeout), then
dead-lettered (an alarm); the last try of an import's step reports what it could not do
instead of failing, so the import ends with a report, and an export is marked failed on its
last try alone."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger

from app.db.table import environment_table
from app.transfer import exports, imports, runner

logger = Logger(service="catalog-jobs")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    failures = []
    for record in event.get("Records", []):
        try:
            job = json.loads(record["body"])
            table = environment_table().for_store(job["store"])
            received = int(record.get("attributes", {}).get("ApproximateReceiveCount", 1))
            last = received >= runner.ATTEMPTS
            if job["kind"] == "export":
                exports.run(table, job["id"], last_attempt=last)
            elif job["kind"] == "import":
                imports.plan(table, job["id"], last_attempt=last)
            elif job["kind"] == "import-chunk":
                imports.run_chunk(table, job["id"], int(job["chunk"]), last_attempt=last)
            else:
                raise ValueError(f"unknown job kind {job['kind']!r}")
        except Exception:
            logger.exception("job failed")
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
