"""Conditional requests: the If-Match header, read one way for every route that takes it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from app.core.etags import IfMatch


async def if_match(
    if_match: Annotated[
        str | None,
        Header(
            max_length=200,
            description="The ETag you read: the change is made only if it is still current.",
        ),
    ] = None,
) -> IfMatch | None:
    return IfMatch.parse(if_match) if if_match is not None else None


IfMatchHeader = Annotated[IfMatch | None, Depends(if_match)]
