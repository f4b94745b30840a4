"""Moving a catalog in and out: CSV exports (and, next, imports), run as jobs off the
request path."""
