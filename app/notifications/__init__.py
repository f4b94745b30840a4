"""Mail the catalog sends shoppers when it changes: back-in-stock notices."""
