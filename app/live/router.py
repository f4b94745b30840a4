"""HTTP layer for live stock: where and how to subscribe."""

from __future__ import annotations

from fastapi import Request

from app.http.access import PUBLIC
from app.http.params import CurrentStore
from app.http.responses import problem_responses
from app.http.routing import APIRouter
from app.live import service
from app.live.schemas import LiveInfo

router = APIRouter(tags=["live"], dependencies=[PUBLIC])


@router.get(
    "",
    response_model=LiveInfo,
    responses=problem_responses(404),
    summary="Where and how to subscribe to live stock (AWS AppSync Events' protocol)",
)
async def get_live(request: Request, store: CurrentStore) -> LiveInfo:
    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    host = request.headers.get("host", "127.0.0.1")
    return service.live_info(store=store.slug, request_host=host, secure=secure)
