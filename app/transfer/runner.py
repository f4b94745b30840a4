"""Where jobs run: never in the request that asks for one.

On AWS a job is a message on the stack's jobs queue (`JOBS_QUEUE_URL`), taken by the jobs
function (app/jobs_handler.py, up to 15 minutes); under `make run` and in tests, a thread
of this process runs it at once."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from app.core.config import get_settings

logger = logging.getLogger(__name__)

Job = dict[str, Any]  # {"kind", "store", "id"}
_local_threads: list[threading.Thread] = []


def submit(job: Job, run_here: Callable[[], None]) -> None:
    """Queue the job on AWS; elsewhere run it (`run_here`) on a thread of this process."""
    settings = get_settings()
    if settings.jobs_queue_url:
        import boto3

        boto3.client("sqs").send_message(
            QueueUrl=settings.jobs_queue_url, MessageBody=json.dumps(job)
        )
        return
    thread = threading.Thread(
        target=_logged, args=(job, run_here), name=f"job-{job['id']}", daemon=True
    )
    _local_threads.append(thread)
    thread.start()


def _logged(job: Job, run_here: Callable[[], None]) -> None:
    try:
        run_here()
    except Exception:
        logger.exception("job %s failed", job.get("id"))


def wait_for_local_jobs(timeout: float = 30.0) -> None:
    """Tests: let the jobs this process started finish."""
    for thread in list(_local_threads):
        thread.join(timeout)
