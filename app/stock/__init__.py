"""Stock and its ledger: the one place that changes stock, used by the catalog (initial
stock), the inventory (staff changes) and orders (purchases, cancellations)."""
