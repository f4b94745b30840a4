"""The HTTP layer: everything that knows FastAPI or Starlette. Below it (core, db, stock,
auth, the domains) no module loads a web framework (tests/unit/test_architecture.py)."""
