"""GET /health: 200 only when DynamoDB answers."""

from __future__ import annotations

import logging

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel

from app.core.faults import DependencyUnavailableError
from app.http.access import PUBLIC
from app.http.blocking import blocking
from app.http.params import TableDep
from app.http.responses import problem_responses
from app.http.routing import APIRouter

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
        raise DependencyUnavailableError("DynamoDB is not answering.") from error
    return Health(status="ok")
