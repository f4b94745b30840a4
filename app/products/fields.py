"""A product's catalog fields: what an admin edits (not its stock, image or variants), what a
removal record keeps and what catalog events show."""

CATALOG_FIELDS = (
    "name",
    "description",
    "price",
    "currency",
    "category",
    "tags",
    "sku",
    "status",
)
