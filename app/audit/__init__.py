"""The audit log: who changed what, before and after, from the catalog's events."""
