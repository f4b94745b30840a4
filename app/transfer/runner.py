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

Job = dict[str, Any]  # {"kind", "store", "id"} (an import's chunk: and "chunk")
_local_threads: list[threading.Thread] = []
# how often a job's message is received before it is dead-lettered (JobsQueue's
# maxReceiveCount): the last try gives up on what it cannot do and reports it
ATTEMPTS = 3
LOCAL_CONCURRENCY = 4  # jobs of one batch run at once here (on AWS: the function's copies)


def sqs_client() -> Any:
    import boto3

    return boto3.client("sqs", region_name=get_settings().aws_region)


def submit(job: Job, run_here: Callable[[], None]) -> None:
    """Queue the job on AWS; elsewhere run it (`run_here`) on a thread of this process."""
    settings = get_settings()
    if settings.jobs_queue_url:
        sqs_client().send_message(QueueUrl=settings.jobs_queue_url, MessageBody=json.dumps(job))
        return
    thread = threading.Thread(
        target=_logged, args=(job, run_here), name=f"job-{job['id']}", daemon=True
    )
    _local_threads.append(thread)
    thread.start()


def submit_all(jobs: list[Job], run_here: Callable[[Job, bool], None]) -> None:
    """Queue several jobs on AWS (ten messages a call), each run by whichever copy of the
    jobs function takes it. Elsewhere run them here, LOCAL_CONCURRENCY at a time, each tried
    up to ATTEMPTS times as SQS would deliver it again (`run_here(job, last_attempt)`);
    return when all have run."""
    settings = get_settings()
    if settings.jobs_queue_url:
        sqs = sqs_client()
        for start in range(0, len(jobs), 10):
            batch = jobs[start : start + 10]
            entries = [
                {"Id": str(n), "MessageBody": json.dumps(job)} for n, job in enumerate(batch)
            ]
            answer = sqs.send_message_batch(QueueUrl=settings.jobs_queue_url, Entries=entries)
            if answer.get("Failed"):
                raise RuntimeError(f"{len(answer['Failed'])} job messages were not queued")
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(LOCAL_CONCURRENCY, thread_name_prefix="job") as pool:
        for future in [pool.submit(_tried, job, run_here) for job in jobs]:
            future.result()  # the first that failed every try, raised


def _tried(job: Job, run_here: Callable[[Job, bool], None]) -> None:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            run_here(job, attempt == ATTEMPTS)
            return
        except Exception:
            logger.exception("job %s (%s) failed, attempt %d", job["id"], job["kind"], attempt)
            if attempt == ATTEMPTS:
                raise


def _logged(job: Job, run_here: Callable[[], None]) -> None:
    try:
        run_here()
    except Exception:
        logger.exception("job %s failed", job.get("id"))


def wait_for_local_jobs(timeout: float = 30.0) -> None:
    """Tests: let the jobs this process started finish."""
    for thread in list(_local_threads):
        thread.join(timeout)
