"""Where and how a client subscribes to live stock (`GET /live`)."""

from __future__ import annotations

from app.core.config import get_settings
from app.core.errors import NotFoundError
from app.live import channels
from app.live.schemas import LiveChannels, LiveInfo

PROTOCOL = "aws-appsync-events"
LOCAL_KEY = "da2-local"  # under `make run`, when LIVE_API_KEY is not set


class LiveUnavailableError(NotFoundError):
    code, title = "live_unavailable", "Live updates are not available"

    def __init__(self) -> None:
        super().__init__("This deployment pushes no live updates: read the product again.")


def subscriber_key() -> str:
    """The API key subscribers send (public by design: it lets anyone read public stock)."""
    settings = get_settings()
    return settings.live_api_key or (LOCAL_KEY if settings.live_mode == "local" else "")


def live_info(*, store: str, request_host: str, secure: bool) -> LiveInfo:
    settings = get_settings()
    if settings.live_mode == "appsync" and settings.live_realtime_domain:
        realtime_url = f"wss://{settings.live_realtime_domain}/event/realtime"
        host = settings.live_http_domain or settings.live_realtime_domain
    elif settings.live_mode == "local":
        realtime_url = f"{'wss' if secure else 'ws'}://{request_host}/event/realtime"
        host = request_host
    else:
        raise LiveUnavailableError()
    return LiveInfo(
        protocol=PROTOCOL,
        realtime_url=realtime_url,
        auth={"host": host, "x-api-key": subscriber_key()},
        channels=LiveChannels(product_stock=channels.product_stock_template(store)),
    )
