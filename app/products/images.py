"""Product images in S3. The API never carries image bytes: admins upload straight to S3
with a presigned POST whose policy makes S3 enforce type, size and key; readers get a
presigned GET (or a CDN URL). Each upload gets a new key, so an object never changes and
can be cached forever."""

from __future__ import annotations

import logging
import uuid
from functools import lru_cache
from typing import Any

from app.core.config import Settings
from app.products.schemas import ImageUpload

logger = logging.getLogger(__name__)

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


@lru_cache(maxsize=8)
def s3_client(endpoint_url: str | None, region: str) -> Any:
    import os

    import boto3
    from botocore.config import Config

    # a local S3 (moto) accepts any credentials, but botocore insists on having some
    dummy = "local" if endpoint_url and not os.environ.get("AWS_ACCESS_KEY_ID") else None
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=dummy,
        aws_secret_access_key=dummy,
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": "path" if endpoint_url else "virtual"},
            retries={"mode": "standard", "max_attempts": 3},
        ),
    )


def _client(settings: Settings) -> Any:
    return s3_client(settings.s3_endpoint_url, settings.aws_region)


def new_key(product_id: str, content_type: str) -> str:
    return f"products/{product_id}/{uuid.uuid4().hex}.{EXTENSIONS[content_type]}"


def presigned_upload(
    *, key: str, content_type: str, content_length: int, settings: Settings
) -> ImageUpload:
    """A POST policy binding the key, the exact content type and the declared size."""
    post = _client(settings).generate_presigned_post(
        Bucket=settings.images_bucket,
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[
            {"Content-Type": content_type},
            ["content-length-range", 1, content_length],
        ],
        ExpiresIn=settings.image_upload_ttl_seconds,
    )
    return ImageUpload(
        url=post["url"],
        fields=post["fields"],
        key=key,
        expires_in=settings.image_upload_ttl_seconds,
        max_bytes=content_length,
    )


def url_for(key: str | None, settings: Settings) -> str | None:
    if key is None:
        return None
    if settings.images_cdn_base_url:
        return f"{settings.images_cdn_base_url.rstrip('/')}/{key}"
    return str(
        _client(settings).generate_presigned_url(
            "get_object",
            Params={"Bucket": settings.images_bucket, "Key": key},
            ExpiresIn=settings.image_url_ttl_seconds,
        )
    )


def delete(key: str | None, settings: Settings) -> None:
    """Remove an image that no product points to any more. Failure is logged, not raised:
    the product change already happened, and the bucket's lifecycle rules are the backstop."""
    if key is None:
        return
    try:
        _client(settings).delete_object(Bucket=settings.images_bucket, Key=key)
    except Exception:
        logger.exception("could not delete image", extra={"fields": {"key": key}})
