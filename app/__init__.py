"""Product Catalog & Inventory service."""
