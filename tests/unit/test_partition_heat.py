"""The partition-heat model (bench/partition_heat.py) over the app's own key design: a
change of keys that puts a store's purchases on a shared partition fails here."""

from __future__ import annotations

from app.core.config import Settings
from app.db.keys import Keys
from app.db.table import Table
from bench import partition_heat as heat


def run(**changes: object) -> heat.Heat:
    defaults = Settings.model_fields
    keys = Keys(
        "shop",
        order_shards=defaults["order_partition_shards"].default,
        low_stock_shards=defaults["low_stock_shards"].default,
    )
    workload = heat.Workload(
        purchases=10_000,
        views=50_000,
        products=20_000,
        zipf=1.0,
        flash_purchases=2_000,
        flash_views=10_000,
        cdn=True,
        product_max_age=2,
        listing_max_age=10,
        low_share=0.25,
    )
    for name, value in changes.items():
        setattr(workload, name, value)
    sizes = heat.measure_sizes(Table(client=None, name="model", keys=keys))
    return heat.model(workload, sizes, keys)


def shares(units: dict[tuple[str, str], float], limit: int) -> float:
    return max(units.values()) / limit


def test_every_partition_stays_under_half_its_limit(app_env: None) -> None:
    model = run()
    assert shares(model.writes, heat.WCU_LIMIT) <= heat.BUDGET
    assert shares(model.reads, heat.RCU_LIMIT) <= heat.BUDGET


def test_purchases_write_no_partition_the_store_shares(app_env: None) -> None:
    keys = Keys("shop")
    shared = {keys.products_listing(), keys.categories_partition(), keys.users_listing()}
    written = {partition for _, partition in run(views=0).writes}
    assert not written & shared
    assert not any(p.startswith(keys.category_listing("")[:-1]) for p in written)


def test_without_the_cdn_catalog_reads_would_not_fit(app_env: None) -> None:
    """Why the catalog's answers are cacheable: the listing index alone would overflow."""
    assert shares(run(cdn=False).reads, heat.RCU_LIMIT) > 1
