"""CSV exports of a store's whole catalog and stock.

`start` records the job and hands it to a runner (app/transfer/runner.py); `run` reads the
catalog page by page -- one Query of the product listing (every status) and one
BatchGetItem of those products' stock per 100 products (and one of their variants', for
products with options), never a Scan -- writes the rows to
a temporary file and puts it in S3 (`exports/<store>/<id>.csv`, the images bucket, kept a
week); `get` answers with a presigned download while the job is done.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from app.core.config import get_settings
from app.core.ids import time_sorted_id
from app.db.keys import BY_NAME
from app.db.table import Table
from app.products import repository as products
from app.products.images import s3_client
from app.transfer import csv_format, jobs, runner

logger = logging.getLogger(__name__)

PAGE = 100
DOWNLOAD_TTL_SECONDS = 3600


def file_key(store: str, job_id: str) -> str:
    return f"exports/{store}/{job_id}.csv"


def start(table: Table, *, actor_id: str) -> str:
    job_id = time_sorted_id()
    jobs.create(table, job_id=job_id, kind="export", actor_id=actor_id)
    runner.submit(
        {"kind": "export", "store": table.keys.store, "id": job_id},
        run_here=lambda: run(table, job_id),
    )
    return job_id


def get(table: Table, job_id: str) -> dict[str, Any]:
    job = jobs.get(table, job_id, "export")
    url = None
    if job["status"] == "done":
        settings = get_settings()
        url = s3_client(settings.s3_endpoint_url, settings.aws_region).generate_presigned_url(
            "get_object",
            Params={
                "Bucket": settings.images_bucket,
                "Key": file_key(table.keys.store, job_id),
                "ResponseContentDisposition": f'attachment; filename="catalog-{job_id}.csv"',
                "ResponseContentType": "text/csv; charset=utf-8",
            },
            ExpiresIn=DOWNLOAD_TTL_SECONDS,
        )
    return {"id": job_id, "status": job["status"], "rows": int(job.get("rows", 0)), "url": url}


def _rows(table: Table, job_id: str) -> Any:
    start_key = None
    done = 0
    while True:
        items, start_key = table.query_page(
            table.keys.products_listing(), index=BY_NAME, limit=PAGE, start_key=start_key
        )
        found = products.get_many(table, product_ids=[item["id"] for item in items])
        variant_ids = [vid for product, _ in found.values() for vid in product.variants]
        parts = products.get_many(table, product_ids=variant_ids) if variant_ids else {}
        levels = {vid: stock.total for vid, (_, stock) in parts.items()}
        for item in items:
            if item["id"] in found:
                product, stock = found[item["id"]]
                yield from csv_format.product_rows(product, stock.total, levels)
        done += len(items)
        jobs.update(table, job_id, rows=done)  # progress, a page at a time
        if start_key is None:
            return


def run(table: Table, job_id: str, *, last_attempt: bool = True) -> None:
    """Write the export's file. A try that fails marks the export failed only if it is the
    last (`last_attempt`: SQS would dead-letter it next); before that the export stays
    running for the admin, who would otherwise be told to start again while a retry is on
    its way. A message delivered again after the export is done changes nothing: the file
    a download link names stays the one it was."""
    if jobs.get(table, job_id, "export")["status"] == "done":
        return
    settings = get_settings()
    jobs.update(table, job_id, status="running")
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "export.csv"
            with path.open("w", encoding="utf-8", newline="") as out:
                rows = csv_format.write(_rows(table, job_id), out)
            s3_client(settings.s3_endpoint_url, settings.aws_region).upload_file(
                str(path),
                settings.images_bucket,
                file_key(table.keys.store, job_id),
                ExtraArgs={"ContentType": "text/csv; charset=utf-8"},
            )
    except Exception:
        logger.exception("export %s failed", job_id)
        if last_attempt:
            jobs.update(table, job_id, status="failed")
        raise
    jobs.update(table, job_id, status="done", rows=rows)
