"""A realistic demo catalog for `python -m app.cli seed` (idempotent: ids derive from SKUs)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.core.config import get_settings
from app.db.table import Table
from app.products import repository, service
from app.products.schemas import OptionSpec, ProductCreate, VariantCreate
from app.stores import service as stores

SEED_NAMESPACE = uuid.UUID("6f1c0a52-3d4e-4b8a-9a61-0c2f6d1e7b90")
SEED_ACTOR = "seed"

# (sku, name, category, price, stock, tags, description)
CATALOG: list[tuple[str, str, str, str, int, list[str], str]] = [
    (
        "KIT-001",
        "Chef's Knife 20 cm",
        "Kitchen",
        "79.00",
        24,
        ["steel", "knives"],
        "Forged stainless steel, full tang, for everyday slicing and dicing.",
    ),
    (
        "KIT-002",
        "Cast Iron Skillet 26 cm",
        "Kitchen",
        "39.90",
        40,
        ["cast-iron", "pans"],
        "Pre-seasoned skillet that goes from stove top to oven.",
    ),
    (
        "KIT-003",
        "Pour-Over Coffee Dripper",
        "Kitchen",
        "18.50",
        65,
        ["coffee", "ceramic"],
        "Ceramic dripper for a clean, bright cup.",
    ),
    (
        "KIT-004",
        "Bamboo Cutting Board",
        "Kitchen",
        "24.00",
        3,
        ["bamboo", "boards"],
        "Knife-friendly board with a juice groove.",
    ),
    (
        "KIT-005",
        "Digital Kitchen Scale",
        "Kitchen",
        "21.99",
        0,
        ["baking", "scales"],
        "Weighs up to 5 kg in 1 g steps, with tare.",
    ),
    (
        "KIT-006",
        "Enamel Dutch Oven 5 L",
        "Kitchen",
        "119.00",
        12,
        ["cast-iron", "pots"],
        "For stews, braises and bread.",
    ),
    (
        "KIT-007",
        "Silicone Spatula Set",
        "Kitchen",
        "12.90",
        150,
        ["silicone", "utensils"],
        "Three heat-proof spatulas in different sizes.",
    ),
    (
        "OUT-001",
        "Ultralight Tent 2P",
        "Outdoors",
        "329.00",
        8,
        ["camping", "tents"],
        "Two-person, three-season tent at 1.2 kg.",
    ),
    (
        "OUT-002",
        "Down Sleeping Bag -5 °C",
        "Outdoors",
        "249.00",
        15,
        ["camping", "sleeping"],
        "Responsibly sourced down, packs to the size of a loaf.",
    ),
    (
        "OUT-003",
        "Trekking Poles (pair)",
        "Outdoors",
        "59.95",
        30,
        ["hiking"],
        "Carbon, cork grips, flick locks.",
    ),
    (
        "OUT-004",
        "Headlamp 400 lm",
        "Outdoors",
        "34.90",
        2,
        ["lighting", "hiking"],
        "Rechargeable, with a red night mode.",
    ),
    (
        "OUT-005",
        "Insulated Water Bottle 750 ml",
        "Outdoors",
        "27.50",
        90,
        ["bottles"],
        "Keeps drinks cold for 24 hours.",
    ),
    (
        "OUT-006",
        "Camping Stove",
        "Outdoors",
        "44.00",
        18,
        ["camping", "cooking"],
        "Folding canister stove, boils a litre in four minutes.",
    ),
    (
        "OUT-007",
        "Waterproof Daypack 25 L",
        "Outdoors",
        "89.00",
        0,
        ["bags", "hiking"],
        "Roll-top, welded seams.",
    ),
    (
        "OFF-001",
        "Mechanical Keyboard",
        "Office",
        "129.00",
        22,
        ["keyboards"],
        "Tenkeyless, hot-swappable switches.",
    ),
    (
        "OFF-002",
        "Ergonomic Mouse",
        "Office",
        "69.00",
        35,
        ["mice"],
        "Vertical grip to rest the wrist.",
    ),
    (
        "OFF-003",
        "Monitor Arm",
        "Office",
        "99.00",
        10,
        ["desks"],
        "Gas spring arm for screens up to 32 inches.",
    ),
    (
        "OFF-004",
        "Notebook A5 Dotted",
        "Office",
        "9.90",
        300,
        ["paper"],
        "160 pages of 100 g/m² paper that takes fountain pens.",
    ),
    ("OFF-005", "Fountain Pen", "Office", "45.00", 4, ["pens"], "Steel nib, converter included."),
    (
        "OFF-006",
        "Desk Lamp LED",
        "Office",
        "54.90",
        25,
        ["lighting"],
        "Dimmable, adjustable colour temperature.",
    ),
    (
        "OFF-007",
        "Standing Desk Mat",
        "Office",
        "49.00",
        1,
        ["desks"],
        "Anti-fatigue mat for standing desks.",
    ),
    (
        "HOM-001",
        "Linen Duvet Cover",
        "Home",
        "139.00",
        14,
        ["bedding", "linen"],
        "Stone-washed European linen.",
    ),
    ("HOM-002", "Wool Throw Blanket", "Home", "89.00", 20, ["wool"], "Merino wool, 130 x 170 cm."),
    ("HOM-003", "Scented Candle Cedar", "Home", "22.00", 75, ["candles"], "Soy wax, 50 hours."),
    (
        "HOM-004",
        "Ceramic Vase",
        "Home",
        "35.00",
        9,
        ["ceramic", "decor"],
        "Hand-glazed, each one a little different.",
    ),
    (
        "HOM-005",
        "Bath Towel Set",
        "Home",
        "59.00",
        0,
        ["bath", "cotton"],
        "Two bath and two hand towels, organic cotton.",
    ),
    ("HOM-006", "Wall Clock", "Home", "42.50", 16, ["decor"], "Silent sweep movement, oak frame."),
    (
        "TOY-001",
        "Wooden Building Blocks",
        "Toys",
        "34.99",
        40,
        ["wood", "toddlers"],
        "60 blocks in natural and painted beech.",
    ),
    ("TOY-002", "Puzzle 1000 pieces", "Toys", "19.99", 55, ["puzzles"], "A mountain lake at dawn."),
    (
        "TOY-003",
        "Kids' Science Kit",
        "Toys",
        "29.90",
        5,
        ["science"],
        "Twelve experiments with everyday materials.",
    ),
    ("TOY-004", "Plush Fox", "Toys", "16.50", 80, ["plush"], "Soft, washable, 30 cm."),
    (
        "TOY-005",
        "Strategy Board Game",
        "Toys",
        "44.00",
        12,
        ["games"],
        "Two to four players, about an hour.",
    ),
]


# The demo's product with options: its entry's SKU names it (its id, its photo), and each
# size is a variant with its own SKU, price and stock (their sum is the entry's stock).
SIZES: dict[str, list[tuple[str, str, int]]] = {
    "HOM-001": [("Single", "119.00", 6), ("Double", "139.00", 5), ("King", "159.00", 3)],
}


def size_sku(sku: str, size: str) -> str:
    """ "HOM-001-DOUBLE": a size's own SKU."""
    return f"{sku}-{size.upper()}"


def _sold(sku: str, price: str, stock: int) -> dict[str, Any]:
    """What a catalog entry sells: itself, or a variant per size."""
    sizes = SIZES.get(sku)
    if not sizes:
        return {"sku": sku, "price": Decimal(price), "stock": stock}
    return {
        "options": [OptionSpec(name="Size", values=[size for size, _, _ in sizes])],
        "variants": [
            VariantCreate(
                sku=size_sku(sku, size), options={"Size": size}, price=Decimal(cost), stock=count
            )
            for size, cost, count in sizes
        ],
    }


def seed_id(sku: str, store: str) -> str:
    """Stable per store (seeding again finds what is there), different across stores."""
    name = sku if store == "default" else f"{store}/{sku}"
    return str(uuid.uuid5(SEED_NAMESPACE, name))


def attach_photos(table: Table, folder: Path) -> int:
    """Give each demo product its photo from `folder` (<SKU>.webp, as devtools/demo_images.py
    draws them) where it has none, or where its image is gone from the bucket (a local S3
    keeps nothing across restarts); how many were attached."""
    from app.products import images

    attached = 0
    for sku, *_ in CATALOG:
        photo = folder / f"{sku}.webp"
        product = repository.get_definition(table, product_id=seed_id(sku, table.keys.store))
        if product is None or not photo.is_file():
            continue
        if product.image_key and images.exists(product.image_key, get_settings()):
            continue
        service.put_image(table, product.id, photo.read_bytes())
        attached += 1
    return attached


def seed(table: Table) -> tuple[int, int]:
    """Create the demo products that are not there yet. Returns (created, already there)."""
    created = existing = 0
    store = stores.get(table, table.keys.store)
    for sku, name, category, price, stock, tags, description in CATALOG:
        product_id = seed_id(sku, table.keys.store)
        if repository.get_definition(table, product_id=product_id) is not None:
            existing += 1
            continue
        request = ProductCreate(
            name=name,
            description=description,
            currency="EUR",
            category=category,
            tags=tags,
            **_sold(sku, price, stock),
        )
        service.create(table, request, actor_id=SEED_ACTOR, store=store, product_id=product_id)
        created += 1
    return created, existing
