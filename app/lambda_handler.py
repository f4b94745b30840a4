"""AWS Lambda entry point: API Gateway events -> Mangum -> the FastAPI app."""

from mangum import Mangum

from app.core.config import get_settings
from app.core.logging import configure_logging
from app.main import app

# Fail the cold start, visibly, on bad settings rather than on the first request.
configure_logging(get_settings().log_level)

handler = Mangum(app, lifespan="off")
