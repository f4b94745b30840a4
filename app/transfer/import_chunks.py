"""An import's chunks: a few hundred rows of checked products each, written by any copy of
the jobs function, each retried alone, and counted in the job's totals exactly once.

The plan (app/transfer/imports.py) stores each chunk's products as JSON in S3
(`imports/<store>/<id>/chunk-<n>.json`) and queues one message per chunk. `run` writes the
chunk's products (app/transfer/upsert.py), skipping those a previous try of the same chunk
wrote already (their markers, read in one Query), then adds the chunk's counts to the job
in one transaction with the chunk's own "counted" item (`Keys.import_chunk`): a chunk run
twice is counted once, and as what was done (a product another run of it wrote is counted
as that run's, not as unchanged or failed). The last chunk counted finishes the job
(`status: done`), and the change stream says so (`ImportFinished`).

A chunk's last try (SQS would dead-letter it next) does not fail on a product it cannot
write: it reports it as a failed row instead, so every job ends with a report.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from app.core.timeutil import now_iso
from app.db import transactions as tx
from app.db.expressions import Update
from app.db.keys import IMPORT_ROW_PREFIX
from app.db.table import Sort, Table
from app.db.transactions import TransactionCancelled
from app.transfer import jobs, upsert
from app.transfer.outcomes import RowFailedError
from app.transfer.validation import Problem, ProductRows, Variant

logger = logging.getLogger(__name__)

CHUNK_ROWS = 250  # rows a chunk holds at most (a product's rows are never split)
MAX_ERRORS = 1000  # the report keeps the first this many problems
COUNTS = ("created", "updated", "unchanged", "failed")


def chunk_key(store: str, job_id: str, chunk: int) -> str:
    return f"imports/{store}/{job_id}/chunk-{chunk:06d}.json"


def split(products: list[ProductRows]) -> list[list[ProductRows]]:
    """Products into chunks of at most CHUNK_ROWS rows (one product's rows stay together)."""
    chunks: list[list[ProductRows]] = []
    rows = 0
    for product in products:
        if not chunks or rows + len(product.rows) > CHUNK_ROWS:
            chunks.append([])
            rows = 0
        chunks[-1].append(product)
        rows += len(product.rows)
    return chunks


def dumps(products: list[ProductRows], *, currency: str) -> bytes:
    data = {"currency": currency, "products": [asdict(product) for product in products]}
    return json.dumps(data, default=str, ensure_ascii=False).encode("utf-8")


def loads(data: bytes) -> tuple[list[ProductRows], str]:
    payload = json.loads(data)
    products = []
    for product in payload["products"]:
        variants = [
            Variant(**{**variant, "price": Decimal(variant["price"])})
            for variant in product.pop("variants")
        ]
        products.append(ProductRows(**product, variants=variants))
    return products, payload["currency"]


def _written_before(table: Table, job_id: str, products: list[ProductRows]) -> dict[int, str]:
    """What earlier tries of this chunk wrote: outcome by product's first row (one Query)."""
    if not products:
        return {}
    low = table.keys.import_row(job_id, products[0].first_row)["SK"]
    high = table.keys.import_row(job_id, products[-1].first_row)["SK"]
    found: dict[int, str] = {}
    for page in table.query_pages(table.keys.job_partition(job_id), sort=Sort.between(low, high)):
        for item in page:
            found[int(item["SK"].removeprefix(IMPORT_ROW_PREFIX))] = item["outcome"]
    return found


def _unless_written_meanwhile(
    table: Table, job_id: str, unchanged: list[ProductRows]
) -> Iterator[tuple[ProductRows, str]]:
    """Products this run found as their rows say, each with what to count it as: what
    another run of the same chunk did, if that run wrote it before this one read it (its
    marker says), else `unchanged`. One Query, and only when there are such products."""
    written = _written_before(table, job_id, unchanged)
    for product in unchanged:
        yield product, written.get(product.first_row, "unchanged")


def run(
    table: Table,
    job_id: str,
    chunk: int,
    *,
    read_chunk: Any,
    last_attempt: bool = False,
) -> None:
    """Write one chunk's products and count them in the job (once). `read_chunk(key)` gives
    the chunk file's bytes."""
    if table.get(table.keys.import_chunk(job_id, chunk)) is not None:
        return  # counted already: a repeated message
    job = jobs.get(table, job_id, "import")
    products, currency = loads(read_chunk(chunk_key(table.keys.store, job_id, chunk)))
    row = upsert.Row(job_id=job_id, actor_id=job["created_by"], currency=currency)
    done = _written_before(table, job_id, products)
    ahead = upsert.read_ahead(table, [p for p in products if p.first_row not in done])
    counts: Counter[str] = Counter()
    problems: list[Problem] = []
    unchanged: list[ProductRows] = []
    for product in products:
        rows = len(product.rows)
        if product.first_row in done:
            counts[done[product.first_row]] += rows
            continue
        try:
            outcome = upsert.upsert(
                table,
                product,
                row,
                dry_run=bool(job.get("dry_run")),
                ahead=ahead.get(product.first_row),
            )
            if outcome == "unchanged":
                unchanged.append(product)
            else:
                counts[outcome] += rows
        except RowFailedError as failed:
            counts["failed"] += rows
            problems.append(Problem(product.first_row, failed.column, failed.message))
        except Exception:
            if not last_attempt:
                raise  # the chunk is tried again; what it wrote is not written twice
            logger.exception("import %s: row %d not written", job_id, product.first_row)
            counts["failed"] += rows
            problems.append(Problem(product.first_row, "handle", "could not be written; retry"))
    for product, counted_as in _unless_written_meanwhile(table, job_id, unchanged):
        counts[counted_as] += len(product.rows)
    _count(table, job_id, chunk, counts, problems)
    finish_if_complete(table, job_id)


def _count(
    table: Table, job_id: str, chunk: int, counts: Counter[str], problems: list[Problem]
) -> None:
    """Add the chunk's counts and problems (up to MAX_ERRORS in all) to the job, once."""
    counted = {**table.keys.import_chunk(job_id, chunk), "expires_at": jobs.expiry()}
    for attempt in range(1, 20):
        job = jobs.get(table, job_id, "import")
        seen = int(job.get("errors_count", 0))
        kept = [problem.as_dict() for problem in problems[: max(0, MAX_ERRORS - seen)]]
        change = Update().condition("{errors_count} = {seen}", seen=seen)
        change.add("processed", sum(counts[name] for name in COUNTS))
        for name in COUNTS:
            change.add(name, counts[name])
        change.add("chunks_done", 1).add("errors_count", len(kept))
        if kept:
            change.append("write_errors", kept)
        try:
            tx.write(
                table.client,
                [
                    tx.put(table.name, counted),
                    tx.update(table.name, table.keys.job(job_id), change),
                ],
            )
        except TransactionCancelled as cancelled:
            if cancelled.condition_failed(0):
                return  # another run of this chunk counted it
            tx.backoff(attempt)  # another chunk counted at the same moment
            continue
        return
    raise RuntimeError(f"import {job_id}: chunk {chunk} could not be counted")


def finish_if_complete(table: Table, job_id: str) -> None:
    """Every chunk counted: the job is done (once; the change stream tells the world)."""
    job = jobs.get(table, job_id, "import")
    if job.get("status") != "running":
        return
    if int(job.get("chunks_done", 0)) < int(job.get("chunks_total", -1)):
        return
    change = Update().set({"status": "done", "finished_at": now_iso()})
    change.condition("{status} = {running}", running="running")
    jobs.update_if(table, job_id, change)  # False: another chunk finished it
