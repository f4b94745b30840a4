"""Importing one product: its row of the file, matched to the catalog, written all or nothing.

A row finds its product by its SKU (the product that holds it), else by its `handle`: an
export names each product by its id, and any other handle names one product derived from
it, the same in every import -- so a file imported twice, with or without SKUs, meets the
products it made the first time. Then:

- no such product: it is created with its SKU claim, category count, search entries and
  its stock (a first ledger entry, reason `import`), in one transaction;
- a product whose fields and stock already are the row's: `unchanged`, nothing written;
- otherwise its changed fields and, where the row gives stock, a count to that level (a
  ledger entry, reason `import`), in one transaction (app/stock/changes.py merges the two
  writes of the product item).

A product with options is all its rows at once (app/transfer/upsert_options.py).

A blank cell leaves the field as it is (a new product: its default). Each write carries the
row's marker (`Keys.import_row`, on the condition it is not there yet), so a chunk retried
after a crash counts what it already wrote exactly once. A row whose product moves under
it (a purchase, an edit) is read again and written again, a few times at most; one whose
write is refused because another run of the same chunk wrote it meanwhile (a queue delivers
at least once) is counted as that run's marker says.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from app.db import transactions as tx
from app.db.table import Table
from app.db.transactions import TransactionCancelled
from app.products import repository, service
from app.products.schemas import ProductCreate, ProductRecord, ProductWithStock
from app.stock import changes
from app.stock.commit import PlanTooLargeError
from app.stock.model import ProductStock
from app.transfer import jobs, upsert_options
from app.transfer.outcomes import Outcome, RowFailedError
from app.transfer.validation import ProductRows

IMPORT_REASON = "import"
MAX_ATTEMPTS = 5
# derives a product id from a handle that is not one (uuid5: the same handle, the same id)
HANDLE_NAMESPACE = uuid.UUID("6f1c7a52-5d0e-4d36-9a3e-1b0d4c2f8e11")


@dataclass(frozen=True)
class Row:
    """Where the import writes: its job, the marker of the product's first row."""

    job_id: str
    actor_id: str
    currency: str  # the store's, for a new product whose row names none


def product_id_for(handle: str) -> str:
    """The product a handle names: the one whose id it is, or one derived from it."""
    try:
        if str(uuid.UUID(handle)) == handle:
            return handle
    except ValueError:
        pass
    return str(uuid.uuid5(HANDLE_NAMESPACE, handle))


def _target(table: Table, rows: ProductRows) -> str:
    sku = rows.variants[0].sku
    if sku:
        claim = table.get(table.keys.sku(sku))
        if claim is not None:
            return str(claim["product_id"])
    return product_id_for(rows.handle)


def wanted_changes(rows: ProductRows, current: ProductRecord) -> dict[str, Any]:
    """The fields the row changes (a blank cell changes nothing)."""
    variant = rows.variants[0]
    wanted: dict[str, Any] = {**rows.fields, "price": variant.price}
    if variant.sku:
        wanted["sku"] = variant.sku
    if variant.currency:
        wanted["currency"] = variant.currency
    return {name: value for name, value in wanted.items() if getattr(current, name) != value}


def _marker(table: Table, row: Row, rows: ProductRows, outcome: Outcome) -> tx.Action:
    item = {
        **table.keys.import_row(row.job_id, rows.first_row),
        "outcome": outcome,
        "rows": len(rows.rows),
        "expires_at": jobs.expiry(),
    }
    return tx.put(table.name, item)


Found = ProductWithStock | None


def read_ahead(table: Table, products: list[ProductRows]) -> dict[int, tuple[str, Found]]:
    """Each product's target and what it is now, for a whole chunk at once (by its first
    row): one BatchGetItem of the SKU claims and one of the products with their stock,
    where each row would make two reads."""
    products = [product for product in products if not product.option_names]  # their own
    sku_keys = {
        product.first_row: table.keys.sku(sku)
        for product in products
        if (sku := product.variants[0].sku)
    }
    claimed = {
        item["PK"]: str(item["product_id"]) for item in table.batch_get(list(sku_keys.values()))
    }
    targets = {
        product.first_row: (
            claimed.get(sku_keys[product.first_row]["PK"])
            if product.first_row in sku_keys
            else None
        )
        or product_id_for(product.handle)
        for product in products
    }
    found = repository.get_many(table, product_ids=list(dict.fromkeys(targets.values())))
    return {first_row: (pid, found.get(pid)) for first_row, pid in targets.items()}


def upsert(
    table: Table,
    rows: ProductRows,
    row: Row,
    *,
    dry_run: bool,
    ahead: tuple[str, Found] | None = None,
) -> Outcome:
    """Create or update the product of `rows` (one variant); what happened. A dry run reads
    only. `ahead`: its target and state as `read_ahead` found them (read again after a
    conflict). Raises RowFailedError for a product that could not be written."""
    for _ in range(MAX_ATTEMPTS):
        if rows.option_names:
            with_options = _with_options(table, rows, row, dry_run=dry_run)
            if with_options is not None:
                return with_options
            continue
        if ahead is not None:
            (product_id, found), ahead = ahead, None
        else:
            product_id = _target(table, rows)
            found = repository.get(table, product_id=product_id)
        if found is None:
            outcome = "created" if dry_run else _create(table, rows, row, product_id)
        else:
            outcome = _update(table, rows, row, *found, dry_run=dry_run)
        if outcome is not None:
            return outcome
        # None: the product or a SKU claim moved between the read and the write: read again
    raise RowFailedError("handle", "the product kept changing while it was imported")


def _with_options(table: Table, rows: ProductRows, row: Row, *, dry_run: bool) -> Outcome | None:
    """A product with options (app/transfer/upsert_options.py); None: read it again."""
    product_id = upsert_options.target(table, rows, product_id_for(rows.handle))
    found = upsert_options.find(table, product_id)
    if found is None:
        return "created" if dry_run else _create_with_options(table, rows, row, product_id)
    current, stock = found
    if not current.variants:
        raise RowFailedError("option1_name", "the product has no options; its rows name some")
    change = upsert_options.Changes(rows, current, stock)
    if not change.any:
        return "unchanged"
    return "updated" if dry_run else _update_with_options(table, rows, row, change)


def _create_with_options(
    table: Table, rows: ProductRows, row: Row, product_id: str
) -> Outcome | None:
    try:
        actions = upsert_options.create_actions(
            table,
            rows,
            product_id=product_id,
            currency=row.currency,
            actor_id=row.actor_id,
            reason=IMPORT_REASON,
        )
    except ValueError as error:  # checked by the validation already: a safety net
        raise RowFailedError("handle", str(error)) from error
    actions.append(_marker(table, row, rows, "created"))
    if len(actions) > tx.MAX_ACTIONS:
        raise RowFailedError("handle", upsert_options.TOO_MANY)
    try:
        repository.write_new(table, actions)
    except repository.SkuTakenError as taken:
        # its SKUs claimed by this very product, made meanwhile (by another run of this
        # chunk, or another file naming the same handle), are not a failure
        if (done := _by_another(table, row, rows)) is not None:
            return done
        if upsert_options.find(table, product_id) is not None:
            return None  # read it again: this run updates it
        raise RowFailedError("sku", taken.detail) from taken
    except repository.ProductChangedError:
        return _by_another(table, row, rows)
    return "created"


def _update_with_options(
    table: Table, rows: ProductRows, row: Row, change: upsert_options.Changes
) -> Outcome | None:
    marker = _marker(table, row, rows, "updated")

    def apply(*, rename: bool) -> changes.Outcome:
        plan = upsert_options.update_plan(
            table, change, actor_id=row.actor_id, reason=IMPORT_REASON, marker=marker, rename=rename
        )
        snapshot = upsert_options.snapshot(change)
        return changes.apply(table, snapshot=snapshot, make_plan=plan, actor_id=row.actor_id)

    # a rename takes the variants' new names along when they fit beside the change; when
    # they do not, they follow it one by one
    for renamed_along in (True, False) if "name" in change.fields else (False,):
        try:
            outcome = apply(rename=renamed_along)
            break
        except PlanTooLargeError as error:
            if not renamed_along:
                raise RowFailedError("handle", upsert_options.TOO_MANY) from error
    if isinstance(outcome, changes.Refused):
        return _by_another(table, row, rows)
    if "name" in change.fields and not renamed_along:
        repository.rename_variants(table, change.updated(row.actor_id))
    return "updated"


def _by_another(table: Table, row: Row, rows: ProductRows) -> Outcome | None:
    """After a refused write: what another run of the same chunk did to this product, as
    its marker says (it wrote the product meanwhile, so this run's write could not be
    made); None when no other run did, and the product must be read again."""
    marker = table.get(table.keys.import_row(row.job_id, rows.first_row))
    return marker["outcome"] if marker else None


def _create(table: Table, rows: ProductRows, row: Row, product_id: str) -> Outcome | None:
    variant = rows.variants[0]
    try:
        request = ProductCreate(
            **rows.fields,
            price=variant.price,
            currency=variant.currency,
            sku=variant.sku,
            stock=variant.stock or 0,
        )
    except ValueError as error:  # checked by the validation already: a safety net
        raise RowFailedError("handle", str(error)) from error
    product = service.new_record(
        request, currency=row.currency, actor_id=row.actor_id, product_id=product_id
    )
    actions, _ = service.new_product_actions(
        table, product=product, stock=request.stock, actor_id=row.actor_id, reason=IMPORT_REASON
    )
    marker = _marker(table, row, rows, "created")
    try:
        tx.write(table.client, [*actions, marker])
    except TransactionCancelled as cancelled:
        if cancelled.any_condition_failed:  # its SKU, its id or its marker taken meanwhile
            return _by_another(table, row, rows)
        raise
    return "created"


def _update(
    table: Table,
    rows: ProductRows,
    row: Row,
    current: ProductRecord,
    stock: ProductStock,
    *,
    dry_run: bool,
) -> Outcome | None:
    fields = wanted_changes(rows, current)
    level = rows.variants[0].stock
    counts = level is not None and level != stock.total
    if not fields and not counts:
        return "unchanged"
    if dry_run:
        return "updated"
    marker = _marker(table, row, rows, "updated")
    if not counts:
        updated = service.edited(current, row.actor_id, fields)
        change = repository.definition_change(table, current=current, updated=updated)
        product = tx.update(table.name, table.keys.product(current.id), change.product)
        try:
            tx.write(table.client, [product, *change.others, marker])
        except TransactionCancelled as cancelled:
            if cancelled.any_condition_failed:
                return _by_another(table, row, rows)
            raise
        return "updated"
    return _count(table, rows, row, current, stock, fields, level or 0, marker)


def _count(
    table: Table,
    rows: ProductRows,
    row: Row,
    current: ProductRecord,
    stock: ProductStock,
    fields: dict[str, Any],
    level: int,
    marker: tx.Action,
) -> Outcome | None:
    """A count to `level` (a ledger entry, reason `import`) with the changed fields, if
    any, in the same transaction."""

    def make_plan(snapshot: changes.Snapshot) -> changes.Plan:
        if current.id not in snapshot:  # removed meanwhile: the product's check refuses it
            return changes.Plan([], actions=[repository.exists_check(table, current.id), marker])
        count = changes.Change(current.id, "set", level, reason=IMPORT_REASON)
        if not fields:
            return changes.Plan([count], actions=[marker])
        updated = service.edited(current, row.actor_id, fields)
        # its search entries say what the count makes of it
        listed = updated.model_copy(update={"in_stock": level > 0})
        change = repository.definition_change(table, current=current, updated=listed)
        return changes.Plan(
            [count],
            actions=[*change.others, marker],
            product_changes={current.id: change.product},
        )

    outcome = changes.apply(
        table, snapshot={current.id: stock}, make_plan=make_plan, actor_id=row.actor_id
    )
    if isinstance(outcome, changes.Refused):
        return _by_another(table, row, rows)
    return "updated"
