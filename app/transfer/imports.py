"""CSV imports of a catalog: upload, check every row, then write in parallel chunks.

1. `POST /admin/imports {dry_run}`: a job (`uploading`) and a presigned S3 POST for its file
   (`imports/<store>/<id>.csv`, at most 100 MB; S3 enforces the size).
2. The browser uploads the file straight to S3.
3. `POST /admin/imports/{id}/start`: the file must be there (409 otherwise, and for a job
   started already); the job is `queued` and handed to the jobs queue. Nothing else
   happens in the request.
4. The plan (`plan`, on the jobs function): reads the file once, checks the header and
   every row (app/transfer/validation.py), records every problem as `{row, column,
   message}` (the first 1,000) and `rows_total`, and splits the good products into
   chunks (app/transfer/import_chunks.py), each its own message on the same queue.
5. Each chunk is written by whichever copy of the jobs function takes it, retried alone;
   the last one counted makes the job `done`.

Why SQS and Lambda rather than Step Functions' Distributed Map: the stack already has the
queue, its dead-letter queue and alarm, and the function; a chunk of 250 rows takes seconds,
so no step comes near Lambda's 15 minutes -- only the plan reads the whole file, and it
checks about 8,000 rows a second (a 100 MB file in about 40 s); SQS retries a failed
chunk alone and the chunk markers keep the totals exact; a Distributed Map would add a state
machine, its IAM and a cost per state transition for the same fan-out.

A dry run does all of it but write: the report and counts say what an import would do.
"""

from __future__ import annotations

import csv
import logging
import tempfile
from pathlib import Path
from typing import Any

from app.core.config import get_settings
from app.core.errors import ConflictError, InvalidInputError
from app.core.ids import time_sorted_id
from app.core.timeutil import now_iso
from app.db.expressions import Update
from app.db.table import Table
from app.products import images
from app.products.images import s3_client
from app.stores import service as stores
from app.transfer import csv_format, import_chunks, jobs, runner
from app.transfer.validation import Problem, ProductRows, check, check_header

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 100 * 1024 * 1024
UPLOAD_TTL_SECONDS = 3600
STATUSES = ("uploading", "queued", "running", "done", "failed")


class ImportNotUploadedError(ConflictError):
    code, title = "import_not_uploaded", "Nothing uploaded yet"


class ImportStartedError(ConflictError):
    code, title = "import_started", "Import already started"


class ImportTooLargeError(InvalidInputError):
    code, title = "import_too_large", "File too large"


def upload_key(store: str, job_id: str) -> str:
    return f"imports/{store}/{job_id}.csv"


def _s3() -> Any:
    settings = get_settings()
    return s3_client(settings.s3_endpoint_url, settings.aws_region)


def create(table: Table, *, dry_run: bool, actor_id: str) -> dict[str, Any]:
    """A new import waiting for its file, and the presigned POST that uploads it."""
    job_id = time_sorted_id()
    jobs.create(
        table, job_id=job_id, kind="import", actor_id=actor_id, status="uploading", dry_run=dry_run
    )
    post = _s3().generate_presigned_post(
        Bucket=get_settings().images_bucket,
        Key=upload_key(table.keys.store, job_id),
        Conditions=[["content-length-range", 1, MAX_FILE_BYTES]],
        ExpiresIn=UPLOAD_TTL_SECONDS,
    )
    return {"id": job_id, "upload": {"url": post["url"], "fields": post["fields"]}}


def start(table: Table, job_id: str) -> dict[str, Any]:
    """Queue an uploaded import (409 before its upload, or once started)."""
    job = jobs.get(table, job_id, "import")
    if job["status"] != "uploading":
        raise ImportStartedError(f"Import {job_id} is {job['status']} already.")
    size = images.size_of(upload_key(table.keys.store, job_id), get_settings())
    if size is None:
        raise ImportNotUploadedError("Upload the file first (the POST this import came with).")
    if size > MAX_FILE_BYTES:
        raise ImportTooLargeError(f"The file is {size} bytes; the limit is 100 MB.")
    change = Update().set({"status": "queued", "started_at": now_iso(), "file_bytes": size})
    change.condition("{status} = {uploading}", uploading="uploading")
    if not jobs.update_if(table, job_id, change):
        raise ImportStartedError(f"Import {job_id} was started already.")
    runner.submit(
        {"kind": "import", "store": table.keys.store, "id": job_id},
        run_here=lambda: plan(table, job_id),
    )
    return get(table, job_id)


def get(table: Table, job_id: str) -> dict[str, Any]:
    job = jobs.get(table, job_id, "import")
    invalid = int(job.get("invalid", 0))
    errors = [*job.get("problems", []), *job.get("write_errors", [])][: import_chunks.MAX_ERRORS]
    return {
        "id": job_id,
        "status": job["status"],
        "dry_run": bool(job.get("dry_run")),
        "rows_total": int(job.get("rows_total", 0)),
        "rows_done": invalid + int(job.get("processed", 0)),
        "created": int(job.get("created", 0)),
        "updated": int(job.get("updated", 0)),
        "unchanged": int(job.get("unchanged", 0)),
        "failed": invalid + int(job.get("failed", 0)),
        "errors": [
            {"row": int(e["row"]), "column": e["column"], "message": e["message"]} for e in errors
        ],
    }


def _read_chunk(key: str) -> bytes:
    body = _s3().get_object(Bucket=get_settings().images_bucket, Key=key)["Body"]
    return bytes(body.read())


def run_chunk(table: Table, job_id: str, chunk: int, *, last_attempt: bool = False) -> None:
    import_chunks.run(table, job_id, chunk, read_chunk=_read_chunk, last_attempt=last_attempt)


def _run_chunks(table: Table, job_id: str, count: int) -> None:
    store = table.keys.store
    runner.submit_all(
        [{"kind": "import-chunk", "store": store, "id": job_id, "chunk": n} for n in range(count)],
        run_here=lambda job, last: run_chunk(table, job_id, job["chunk"], last_attempt=last),
    )


def plan(table: Table, job_id: str, *, last_attempt: bool = False) -> None:
    """Check the whole file and queue its chunks (see the module docstring). A plan tried
    again after it queued them queues them again: each is counted once."""
    job = jobs.get(table, job_id, "import")
    if job["status"] in ("done", "failed", "uploading"):
        return
    if "chunks_total" in job:
        _run_chunks(table, job_id, int(job["chunks_total"]))
        return
    jobs.update(table, job_id, status="running")
    try:
        checked = _check_file(table.keys.store, job_id)
    except (UnicodeDecodeError, ValueError, csv.Error) as error:
        _fail(table, job_id, f"The file cannot be read as UTF-8 CSV ({error}).")
        return
    except Exception:
        if last_attempt:
            _fail(table, job_id, "The file could not be read; start a new import.")
        raise
    if isinstance(checked, list):  # the header's problems: nothing else can be read
        _record_plan(table, job_id, rows_total=0, invalid=0, problems=checked, chunks=0)
        jobs.update(table, job_id, status="failed", finished_at=now_iso())
        return
    good, problems, rows_total, invalid = checked
    chunks = import_chunks.split(good)
    currency = stores.get(table, table.keys.store).settings.currency
    settings = get_settings()
    for number, products in enumerate(chunks):
        _s3().put_object(
            Bucket=settings.images_bucket,
            Key=import_chunks.chunk_key(table.keys.store, job_id, number),
            Body=import_chunks.dumps(products, currency=currency),
            ContentType="application/json",
        )
    _record_plan(
        table,
        job_id,
        rows_total=rows_total,
        invalid=invalid,
        problems=problems,
        chunks=len(chunks),
    )
    if chunks:
        _run_chunks(table, job_id, len(chunks))
    else:
        import_chunks.finish_if_complete(table, job_id)


Checked = tuple[list[ProductRows], list[Problem], int, int] | list[Problem]


def _check_file(store: str, job_id: str) -> Checked:
    """The file's good products, its problems, how many rows it has and how many are bad;
    or only the header's problems."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "import.csv"
        _s3().download_file(get_settings().images_bucket, upload_key(store, job_id), str(path))
        with path.open(encoding="utf-8", newline="") as text:
            header, rows = csv_format.open_rows(text)
            header_problems = check_header(header)
            if header_problems:
                return header_problems
            counted = _Counting(rows)
            products, problems = check(counted)
    return _sorted_out(products, problems, counted.count)


class _Counting:
    def __init__(self, rows: Any) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self) -> Any:
        for row in self.rows:
            if any(value.strip() for value in row.values()):
                self.count += 1
            yield row


def _sorted_out(
    products: list[ProductRows], problems: list[Problem], rows_total: int
) -> tuple[list[ProductRows], list[Problem], int, int]:
    """A product is imported whole or not at all: one with a bad row is left out, its
    other rows reported with it."""
    problems = list(problems)
    bad = {problem.row for problem in problems}
    good = []
    for product in products:
        first_bad = next((n for n in product.rows if n in bad), None)
        if first_bad is None:
            good.append(product)
            continue
        problems += [
            Problem(n, "handle", f"not imported: row {first_bad} of this product has a problem")
            for n in product.rows
            if n not in bad
        ]
        bad.update(product.rows)
    problems.sort(key=lambda problem: problem.row)
    return good, problems, rows_total, len(bad)


def _record_plan(
    table: Table,
    job_id: str,
    *,
    rows_total: int,
    invalid: int,
    problems: list[Problem],
    chunks: int,
) -> None:
    kept = [problem.as_dict() for problem in problems[: import_chunks.MAX_ERRORS]]
    change = Update().set(
        {
            "rows_total": rows_total,
            "invalid": invalid,
            "problems": kept,
            "errors_count": len(kept),
            "chunks_total": chunks,
            "updated_at": now_iso(),
        }
    )
    change.condition("attribute_not_exists({chunks_total})")
    jobs.update_if(table, job_id, change)  # False: an earlier try of the plan recorded it


def _fail(table: Table, job_id: str, message: str) -> None:
    _record_plan(
        table, job_id, rows_total=0, invalid=0, problems=[Problem(1, "", message)], chunks=0
    )
    jobs.update(table, job_id, status="failed")
