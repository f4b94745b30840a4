"""Events out: what changed in the catalog, told to the world from the table's change
stream (never from the request path, so no write path can forget one)."""
