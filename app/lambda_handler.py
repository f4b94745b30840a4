"""AWS Lambda entry point: API Gateway events -> Mangum -> the FastAPI app.

Before any routing, an event that did not come through the site's CloudFront is refused
(app/core/origin.py). An event with an `operation` is not a request at all: it is the
deployment's own call (`make deploy` invokes the function with IAM credentials; API Gateway
never sends such a key), run by app/operations.py.

Powertools adds what a function needs in production: JSON logs carrying the invocation's
request id, API Gateway's request id and the cold-start flag (for the app's own loggers
too), and business metrics in CloudWatch's embedded metric format, flushed after each
invocation. No X-Ray: an HTTP API sends no traces (docs/ARCHITECTURE.md, "Tracing").
"""

import warnings
from typing import Any

import boto3  # noqa: F401 - every request talks to DynamoDB: load the SDK with the container
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from mangum import Mangum

from app.core import metrics as business_metrics
from app.core import origin, snapstart
from app.core.config import get_settings
from app.core.logging import configure_logging, store_var
from app.http.blocking import serve_one_request_at_a_time
from app.main import app

# Fail the cold start, visibly, on bad settings rather than on the first request.
settings = get_settings()

logger = Logger(service="catalog", level=settings.log_level)
configure_logging(settings.log_level, handler=logger.registered_handler)
cloudwatch_metrics = Metrics(namespace="Catalog", service="catalog")


def _send_metric(name: str, value: float) -> None:
    cloudwatch_metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    # the store as a property of the record, not a dimension (one metric per store would
    # multiply the metrics bill): per-store figures come from Logs Insights (RUNBOOK.md)
    cloudwatch_metrics.add_metadata(key="store", value=store_var.get() or "")


business_metrics.install(_send_metric)
# most requests record no business metric; Powertools would warn about it on every one
warnings.filterwarnings("ignore", message="No application metrics to publish")

# one request at a time per Lambda process: boto3 calls run inline, not on a worker thread
serve_one_request_at_a_time()
asgi_handler = Mangum(app, lifespan="off")
# with SnapStart, build everything now (before the snapshot) and re-seed after a restore
snapstart.prepare(app)

origin_secret = origin.from_settings(settings)


@logger.inject_lambda_context(clear_state=True)
@cloudwatch_metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if "operation" in event:
        from app import operations

        return operations.run(event)
    if origin_secret is not None and not origin_secret.admits(origin.header_value(event)):
        logger.warning("refused: not through the site", extra={"ip": origin.source_ip(event)})
        return origin.refusal()
    response: dict[str, Any] = asgi_handler(event, context)
    return response
