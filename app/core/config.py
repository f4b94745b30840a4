"""Settings from the environment, read once and cached.

Each field is read from the environment variable of its name in capitals (`CATALOG_TABLE`
for `catalog_table`; any case is accepted), and validated by pydantic; a value given to
`Settings(...)` wins over the environment. A plain pydantic model rather than
pydantic-settings: these are flat values, and a Lambda cold start would pay 18 ms to import
a library for them (docs/PERFORMANCE.md, "Cold start").
"""

from __future__ import annotations

import logging
import os
import secrets
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from app.core import caches, keyring
from app.core.keyring import MIN_SECRET_BYTES

logger = logging.getLogger(__name__)


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=False)

    @model_validator(mode="before")
    @classmethod
    def _from_environment(cls, given: Any) -> Any:
        """What the environment says, under what the caller gave."""
        if not isinstance(given, dict):
            return given
        environment = {name.lower(): value for name, value in os.environ.items()}
        found = {name: environment[name] for name in cls.model_fields if name in environment}
        return found | given

    app_env: Literal["local", "test", "prod"] = "prod"
    catalog_table: str = "catalog"
    dynamodb_endpoint_url: str | None = None
    aws_region: str = "us-east-1"
    store_id: str = Field(default="default", pattern=r"^[a-z0-9-]{1,32}$")

    jwt_secret: SecretStr | None = None
    # on AWS: the Secrets Manager secret holding the JWT key, read once per cold start
    jwt_secret_arn: str | None = None
    jwt_issuer: str = "catalog-service"
    jwt_audience: str = "catalog-api"
    access_token_ttl_seconds: int = Field(default=15 * 60, gt=0)
    refresh_token_ttl_seconds: int = Field(default=7 * 24 * 3600, gt=0)

    # argon2id cost; the defaults follow the OWASP recommendation (19 MiB, t=2, p=1).
    argon2_time_cost: int = Field(default=2, ge=1)
    argon2_memory_kib: int = Field(default=19456, ge=8)
    argon2_parallelism: int = Field(default=1, ge=1)

    # log-in throttling (app/auth/throttle.py): attempts per account and client address per
    # window; past the account-wide ceiling, one attempt per growing delay
    login_max_failures: int = Field(default=5, ge=1)
    login_failure_window_seconds: int = Field(default=15 * 60, gt=0)
    login_account_ceiling: int = Field(default=20, ge=1)
    login_max_delay_seconds: int = Field(default=60, ge=1)

    images_bucket: str = "catalog-images"
    s3_endpoint_url: str | None = None
    # when set (e.g. a CloudFront distribution), image URLs are <base>/<key>, not presigned
    images_cdn_base_url: str | None = None
    image_url_ttl_seconds: int = Field(default=3600, gt=0)
    image_upload_ttl_seconds: int = Field(default=600, gt=0)

    # partitions the store's orders and its low-stock index are spread over (see
    # docs/PERFORMANCE.md, "Partition heat"); sized for 10,000 purchases/s with every
    # partition under half its limit. May grow, never shrink.
    order_partition_shards: int = Field(default=64, ge=1, le=256)
    low_stock_shards: int = Field(default=64, ge=1, le=256)
    # the low-stock index holds stock buckets at or below this; thresholds go up to it
    low_stock_ceiling: int = Field(default=100, ge=1, le=100_000)
    # a product whose purchases collide this often (per process, within 10 s) is spread over
    # twice as many stock buckets, up to the maximum; 1 turns it off (app/stock/spreading.py)
    auto_buckets_collisions: int = Field(default=3, ge=1)
    auto_buckets_max: int = Field(default=16, ge=1, le=48)  # app.stock.model.MAX_BUCKETS

    # mail (password resets, invitations): links lead to the web app at PUBLIC_APP_URL (or a
    # store's own domain); it goes through Amazon SES from MAIL_FROM, or into a folder of .eml
    # files when MAIL_OUTBOX_DIR is set (`make run` sets .data/outbox). Neither has a default
    # on AWS: a mail from an address nobody verified, with a link to a laptop, is worse than
    # none (it fails visibly instead: MailFailures)
    public_app_url: str | None = None
    mail_from: str | None = None
    mail_outbox_dir: str | None = None
    password_reset_ttl_seconds: int = Field(default=30 * 60, gt=0)
    password_reset_mails_per_hour: int = Field(default=3, ge=1)

    log_level: str = "INFO"
    # gzip answers under uvicorn (false behind a proxy that compresses); never in Lambda,
    # where CloudFront compresses (app/http/middleware.py)
    compress_responses: bool = True
    # origins allowed to call the API from a browser (comma-separated); on AWS, API Gateway
    # answers for them instead (app/http/cors.py)
    cors_allowed_origins: str = ""
    # tenant isolation in IAM: the role each store's requests assume (app/stores/tenancy.py)
    tenant_role_arn: str | None = None
    # on AWS: the secret CloudFront proves itself with; without it, every request is served
    # (app/core/origin.py)
    origin_secret_arn: str | None = None
    # the header a trusted proxy puts the client's address in (on AWS, CloudFront's viewer
    # function sets x-viewer-address); empty: the connection's own peer address, and no
    # forwarding header is believed (docs/SECURITY.md, "Client addresses")
    client_address_header: str = Field(default="", pattern=r"^[a-z0-9-]*$")
    # a first admin's invitation (app/bootstrap.py): the password-reset link, valid longer
    invitation_ttl_seconds: int = Field(default=72 * 3600, gt=0)

    # live stock (app/live/): "appsync" on AWS (the Event API's domains and the subscribers'
    # API key come from the template), "local" under `make run` (this process serves
    # /event/realtime and reads DynamoDB Local's stream), "off" otherwise (GET /live is 404
    # and the web app polls)
    live_mode: Literal["off", "local", "appsync"] = "off"
    live_http_domain: str | None = None
    live_realtime_domain: str | None = None
    live_api_key: str = ""
    live_keepalive_seconds: int = Field(default=60, ge=1)
    # false in processes that sign and check no tokens (the stream function): they need no
    # signing key, so none is required of them
    signs_tokens: bool = True
    # webhooks: the SQS queue of deliveries on AWS; without one, a thread of this process
    webhook_queue_url: str | None = None
    # jobs (exports): the SQS queue the jobs function drains on AWS; without one, a thread
    jobs_queue_url: str | None = None

    @model_validator(mode="after")
    def _require_strong_secret_outside_dev(self) -> Settings:
        if not self.signs_tokens:
            return self
        if self.jwt_secret is None and self.jwt_secret_arn:
            self.jwt_secret = SecretStr(read_secret(self.jwt_secret_arn, self.aws_region))
        secret = self.jwt_secret.get_secret_value() if self.jwt_secret else ""
        if secret.lstrip().startswith("{"):  # a key ring: app/core/signing.py
            keyring.parse(secret)
            return self
        if len(secret.encode()) >= MIN_SECRET_BYTES:
            return self
        if self.app_env == "prod":
            raise ValueError(
                f"JWT_SECRET must be set to at least {MIN_SECRET_BYTES} bytes when APP_ENV=prod"
            )
        if secret:
            raise ValueError(f"JWT_SECRET is shorter than {MIN_SECRET_BYTES} bytes")
        logger.warning("JWT_SECRET not set: using a random secret for this process only")
        self.jwt_secret = SecretStr(secrets.token_urlsafe(48))
        return self

    @property
    def app_url(self) -> str | None:
        """Where mailed links lead (stores without a domain of their own); on a laptop, the
        local server unless told otherwise."""
        if self.public_app_url:
            return self.public_app_url
        return None if self.app_env == "prod" else "http://127.0.0.1:8000"

    @property
    def cors_origins(self) -> list[str]:
        return [o.strip() for o in self.cors_allowed_origins.split(",") if o.strip()]


def read_secret(arn: str, region: str) -> str:
    import boto3

    client = boto3.client("secretsmanager", region_name=region)
    return str(client.get_secret_value(SecretId=arn)["SecretString"])


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


caches.register("settings", get_settings.cache_clear)
