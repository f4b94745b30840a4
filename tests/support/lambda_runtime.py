"""What the Lambda runtime passes a handler as `context` (the attributes Powertools reads)."""

from __future__ import annotations

from types import SimpleNamespace


def lambda_context(request_id: str) -> SimpleNamespace:
    return SimpleNamespace(
        aws_request_id=request_id,
        function_name="catalog",
        function_version="$LATEST",
        memory_limit_in_mb=512,
        invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:catalog",
        log_group_name="/aws/lambda/catalog",
        log_stream_name="stream",
        get_remaining_time_in_millis=lambda: 30000,
    )
