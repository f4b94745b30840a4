"""GET /health: 200 only when DynamoDB answers."""

from __future__ import annotations

import logging

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel

from app.auth.dependencies import PUBLIC
from app.core.blocking import blocking
from app.core.errors import ServiceUnavailableError
from app.core.params import TableDep
from app.core.responses import problem_responses
from app.core.routing import APIRouter

logger = logging.getLogger(__name__)

router = APIRouter(tags=["health"], dependencies=[PUBLIC])


class Health(BaseModel):
    status: str


@router.get(
    "/health", responses=problem_responses(503), summary="Liveness and DynamoDB reachability"
)
async def health(table: TableDep) -> Health:
    try:
        await blocking(table.get, table.keys.health(), consistent=False)
    except (BotoCoreError, ClientError) as error:
        logger.warning("health check failed", extra={"fields": {"error": type(error).__name__}})
        raise ServiceUnavailableError("DynamoDB is not answering.") from error
    return Health(status="ok")
