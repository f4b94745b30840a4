"""Path parameters shared by the routers."""

from typing import Annotated

from fastapi import Path

ResourceId = Annotated[str, Path(min_length=1, max_length=128)]
