"""Product images in S3. The API never carries image bytes.

1. `POST /products/{id}/image-upload`: a presigned POST to a fresh key under the product's
   upload prefix (`uploads/<store>/<product>/`); its policy makes S3 enforce the type, the
   size and the key. The product does not change.
2. The browser uploads straight to S3.
3. `PUT /products/{id}/image {upload_key}`: the service checks the object itself -- it is
   there, under that product's prefix, at most 5 MB, and its first bytes really are a JPEG,
   PNG or WebP (not every S3 endpoint enforces POST policies: this check is the guard
   everywhere) -- then copies it to its final key (`products/<store>/<product>/`) with the
   content type its bytes prove, and deletes the upload. An abandoned upload never touches
   the product, and the bucket's lifecycle rule removes it.

Readers get a presigned GET (or a CDN URL). Each image gets a new key, so an object never
changes and can be cached forever."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from botocore.exceptions import ClientError

from app.core.config import Settings
from app.core.errors import InvalidInputError
from app.products.schemas import MAX_IMAGE_BYTES, ImageUpload

logger = logging.getLogger(__name__)

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


@lru_cache(maxsize=8)
def s3_client(endpoint_url: str | None, region: str) -> Any:
    import os

    import boto3

    from app.core.faults import S3_READ_TIMEOUT_SECONDS, aws_client_config, watch_deadline

    # a local S3 (moto) accepts any credentials, but botocore insists on having some
    dummy = "local" if endpoint_url and not os.environ.get("AWS_ACCESS_KEY_ID") else None
    return watch_deadline(
        boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=dummy,
            aws_secret_access_key=dummy,
            config=aws_client_config(
                read_timeout=S3_READ_TIMEOUT_SECONDS,
                signature_version="s3v4",
                s3={"addressing_style": "path" if endpoint_url else "virtual"},
            ),
        )
    )


def _client(settings: Settings) -> Any:
    return s3_client(settings.s3_endpoint_url, settings.aws_region)


UPLOADS_PREFIX = "uploads/"
IMAGES_PREFIX = "products/"
_UPLOAD_NAME = re.compile(r"^[0-9a-f]{32}$")
_SNIFF_BYTES = 12


class ImageInvalidError(InvalidInputError):
    code, title = "image_invalid", "Image refused"


class UploadMissingError(ImageInvalidError):
    """No object under the key (never uploaded, expired, or consumed by another request)."""


def _upload_prefix(store: str, product_id: str) -> str:
    return f"{UPLOADS_PREFIX}{store}/{product_id}/"


def new_upload_key(store: str, product_id: str) -> str:
    return f"{_upload_prefix(store, product_id)}{uuid.uuid4().hex}"


def sniff(head: bytes) -> str | None:
    """The image type the first bytes prove, if any."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


USED_UPLOAD = "Nothing was uploaded with this key, or it expired or was used already."


def store_image(data: bytes, *, store: str, product_id: str, settings: Settings) -> str:
    """Put an image an operator holds (the demo catalog's) at a final key; return the key.
    The bytes must prove their type, as an upload's must."""
    content_type = sniff(data[:_SNIFF_BYTES])
    if content_type is None or len(data) > MAX_IMAGE_BYTES:
        raise ImageInvalidError("Not a JPEG, PNG or WebP image of at most 5 MB.")
    key = f"{IMAGES_PREFIX}{store}/{product_id}/{uuid.uuid4().hex}.{EXTENSIONS[content_type]}"
    _client(settings).put_object(
        Bucket=settings.images_bucket,
        Key=key,
        Body=data,
        ContentType=content_type,
        CacheControl="public, max-age=31536000, immutable",
    )
    return key


def check_upload_key(upload_key: str, *, store: str, product_id: str) -> None:
    """Refuse a key this product's uploads could not have: another product's, a path."""
    prefix = _upload_prefix(store, product_id)
    if not (upload_key.startswith(prefix) and _UPLOAD_NAME.match(upload_key[len(prefix) :])):
        raise ImageInvalidError("This upload key was not issued for this product.")


def accept_upload(upload_key: str, *, store: str, product_id: str, settings: Settings) -> str:
    """Check an uploaded object and copy it to its final key; return that key. The upload
    stays until the product points at the copy (the caller deletes it then), so a
    confirmation that cannot be written may be tried again. Raises ImageInvalidError with
    the reason (and removes the object) when it is not acceptable."""
    check_upload_key(upload_key, store=store, product_id=product_id)
    client, bucket = _client(settings), settings.images_bucket
    with _missing_upload():
        head = client.head_object(Bucket=bucket, Key=upload_key)
    size = int(head["ContentLength"])
    content_type: str | None = None
    if 0 < size <= MAX_IMAGE_BYTES:
        with _missing_upload():
            first = client.get_object(
                Bucket=bucket, Key=upload_key, Range=f"bytes=0-{_SNIFF_BYTES - 1}"
            )
            content_type = sniff(first["Body"].read())
    if content_type is None:
        delete(upload_key, settings)
        reason = (
            f"The file is {size} bytes; the limit is {MAX_IMAGE_BYTES} bytes (5 MB)."
            if size > MAX_IMAGE_BYTES
            else "The file is not a JPEG, PNG or WebP image."
        )
        raise ImageInvalidError(reason)
    key = f"{IMAGES_PREFIX}{store}/{product_id}/{uuid.uuid4().hex}.{EXTENSIONS[content_type]}"
    with _missing_upload():
        client.copy_object(
            Bucket=bucket,
            Key=key,
            CopySource={"Bucket": bucket, "Key": upload_key},
            ContentType=content_type,
            CacheControl="public, max-age=31536000, immutable",
            MetadataDirective="REPLACE",
        )
    return key


# S3 says 404 for a missing key -- or 403 to a caller without s3:ListBucket, as HeadObject
# does on AWS when the role may only read uploads/* objects (the template grants the listing
# too; both answers mean the same here).
MISSING_CODES = {"404", "NoSuchKey", "NotFound", "403", "AccessDenied", "Forbidden"}


@contextmanager
def _missing_upload() -> Iterator[None]:
    """An upload that is not (or no longer) there: never uploaded, expired, or taken by a
    racing request with the same key (which consumed it). Always the same 422."""
    try:
        yield
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in MISSING_CODES:
            raise UploadMissingError(USED_UPLOAD) from None
        raise


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
    expires_at = datetime.now(UTC) + timedelta(seconds=settings.image_upload_ttl_seconds)
    return ImageUpload(
        url=post["url"], fields=post["fields"], upload_key=key, expires_at=expires_at
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


def size_of(key: str, settings: Settings) -> int | None:
    """The size of the object at `key` in the bucket, or None when there is none."""
    try:
        head = _client(settings).head_object(Bucket=settings.images_bucket, Key=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in MISSING_CODES:
            return None
        raise
    return int(head["ContentLength"])


def exists(key: str, settings: Settings) -> bool:
    return size_of(key, settings) is not None


def delete(key: str | None, settings: Settings) -> None:
    """Remove an image that no product points to any more. Failure is logged, not raised:
    the product change already happened, and the bucket's lifecycle rules are the backstop."""
    if key is None:
        return
    try:
        _client(settings).delete_object(Bucket=settings.images_bucket, Key=key)
    except Exception:
        logger.exception("could not delete image", extra={"fields": {"key": key}})
