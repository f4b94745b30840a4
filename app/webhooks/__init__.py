"""Webhooks: the catalog's events sent, signed, to URLs a store's admins register."""
