"""What an import did with a product (by its rows), or why it could not."""

from __future__ import annotations

from typing import Literal

Outcome = Literal["created", "updated", "unchanged"]


class RowFailedError(Exception):
    """A product the import could not write; the job reports it and goes on."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message
