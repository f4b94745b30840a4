"""Operator commands: python -m app.cli create-table | bootstrap | create-store | create-admin |
seed | demo-photos | create-bucket | rotate-jwt-key | rotate-origin-secret."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from pydantic import TypeAdapter, ValidationError

from app.auth import repository, service
from app.auth.schemas import Email, Password
from app.core.config import get_settings
from app.core.errors import validation_message
from app.core.roles import Role
from app.core.timeutil import now_iso
from app.db.table import Table, get_table


def create_table(_: argparse.Namespace) -> int:
    table = get_table()
    created = table.create()
    print(f"table {table.name}: {'created' if created else 'already exists'}")
    return 0


def _store_table(slug: str | None) -> Table | None:
    """The table bound to an existing store (the default one when `slug` is None)."""
    from app.stores import repository as stores

    base = get_table()
    if slug is None or slug == get_settings().store_id:
        return base
    if stores.get(base, slug) is None:
        print(f"no store {slug}: create it with create-store", file=sys.stderr)
        return None
    return base.for_store(slug)


def _invalid_input(error: ValidationError, argument: str = "") -> int:
    """Say which argument is wrong and why (in the API's words); exit with status 2.
    `argument` names it when the error does not (a value validated on its own)."""
    first = error.errors()[0]
    field = ".".join(str(part) for part in first.get("loc", ())) or argument
    where = f"{field}: " if field else ""
    print(f"invalid input: {where}{validation_message(first)}", file=sys.stderr)
    return 2


def bootstrap(args: argparse.Namespace) -> int:
    """What a new deployment needs (app/bootstrap.py): the smoke-test store, and with
    --admin-email the first admin, invited by mail. `make deploy` runs the same inside the
    function; `make run` runs this."""
    from app.bootstrap import run

    email = args.admin_email
    if email:
        try:
            email = TypeAdapter(Email).validate_python(email)
        except ValidationError as error:
            return _invalid_input(error, "admin-email")
    for line in run(get_table(), admin_email=email, settings=get_settings()):
        print(line)
    return 0


def create_store(args: argparse.Namespace) -> int:
    """Create a store; idempotent (an existing store with that slug is left as it is)."""
    from app.stores import repository as stores
    from app.stores import service as store_service
    from app.stores.repository import StoreExistsError
    from app.stores.schemas import StoreCreate

    try:
        request = StoreCreate(slug=args.slug, name=args.name, domains=args.domain or [])
    except ValidationError as error:
        return _invalid_input(error)
    table = get_table()
    try:
        store_service.create(table, request)
    except StoreExistsError:
        existing = stores.get(table, request.slug)
        print(f"store {request.slug} already exists ({existing.name if existing else '?'})")
        return 0
    print(f"store {request.slug} created")
    return 0


def create_admin(args: argparse.Namespace) -> int:
    """Create an admin of a store (or, with --platform, an operator of the deployment, in
    the default store), or promote the existing account with that e-mail. Idempotent."""
    try:
        email = TypeAdapter(Email).validate_python(args.email)
    except ValidationError as error:
        return _invalid_input(error, "email")
    try:
        password = TypeAdapter(Password).validate_python(args.password)
    except ValidationError as error:
        return _invalid_input(error, "password")
    if args.platform and args.store not in (None, get_settings().store_id):
        print("platform admins live in the default store: drop --store", file=sys.stderr)
        return 2
    table = _store_table(args.store)
    if table is None:
        return 2
    role = Role.PLATFORM_ADMIN if args.platform else Role.ADMIN
    settings = get_settings()
    existing = repository.get_by_email(table, email=email)
    if existing is None:
        user = service.new_user(
            email=email, password=password, name=args.name, role=role, settings=settings
        )
        repository.put_new(table, user=user)
        print(f"{role} {email} created in store {table.keys.store} (id {user.id})")
    elif existing.role != role:
        repository.change_role(table, user=existing, role=role, now=now_iso())
        print(f"{email} is now {role} in store {table.keys.store} (password unchanged)")
    else:
        print(f"{email} is already {role} in store {table.keys.store} (password unchanged)")
    return 0


def create_bucket(_: argparse.Namespace) -> int:
    """Create the images bucket if missing -- for local S3 endpoints (on AWS the template
    creates it)."""
    from app.products.images import s3_client

    settings = get_settings()
    client = s3_client(settings.s3_endpoint_url, settings.aws_region)
    existing = {bucket["Name"] for bucket in client.list_buckets().get("Buckets", [])}
    if settings.images_bucket in existing:
        print(f"bucket {settings.images_bucket}: already exists")
    else:
        client.create_bucket(Bucket=settings.images_bucket)
        print(f"bucket {settings.images_bucket}: created")
    return 0


def seed(args: argparse.Namespace) -> int:
    from app.seed import seed as load_demo_catalog

    table = _store_table(args.store)
    if table is None:
        return 2
    created, existing = load_demo_catalog(table)
    print(f"demo catalog: {created} products created, {existing} already there")
    if args.images:
        return demo_photos(args)
    return 0


def demo_photos(args: argparse.Namespace) -> int:
    """Photos for the demo products that have none, or whose image the bucket lost."""
    from pathlib import Path

    from app.seed import attach_photos

    table = _store_table(args.store)
    if table is None:
        return 2
    attached = attach_photos(table, Path(args.images))
    print(f"demo photos: {attached} attached")
    return 0


def rotate_jwt_key(args: argparse.Namespace) -> int:
    """A new signing key in the Secrets Manager secret; the current one stays valid as the
    previous key (app/core/signing.py), so nobody is logged out."""
    import os
    import secrets
    from datetime import UTC, datetime

    import boto3

    from app.core.keyring import KeyIdInUseError, rotated

    region = args.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    client = boto3.client("secretsmanager", region_name=region)
    current = client.get_secret_value(SecretId=args.secret_id)["SecretString"]
    kid = args.kid or datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    try:
        text = rotated(current, new_kid=kid, new_secret=secrets.token_urlsafe(48))
    except KeyIdInUseError as error:
        print(f"{error}: choose another --kid", file=sys.stderr)
        return 2
    client.put_secret_value(SecretId=args.secret_id, SecretString=text)
    print(f"signing key {kid} is now current; the previous key still verifies its tokens")
    return 0


def rotate_origin_secret(args: argparse.Namespace) -> int:
    """Rotate the secret CloudFront proves itself with (app/core/origin.py) in two steps,
    so no request is refused on the way (RUNBOOK.md, "Rotate the origin secret"):
    `--start` makes a new value current and keeps the old one as previous (then `make
    deploy` sends CloudFront the new one); `--finish` drops the previous value.

    A second `start` before `finish` is refused: it would drop the value CloudFront may
    still be sending (the first start's deploy not done yet), and the API would refuse
    every request until the next deploy."""
    import json
    import os
    import secrets

    import boto3

    region = args.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    client = boto3.client("secretsmanager", region_name=region)
    values = json.loads(client.get_secret_value(SecretId=args.secret_id)["SecretString"])
    rotating = bool(values.get("previous"))
    if args.step == "start":
        if rotating:
            print(
                "a rotation is under way: run `make deploy`, wait for the distribution, "
                "then `rotate-origin-secret finish` before starting another",
                file=sys.stderr,
            )
            return 2
        values = {"current": secrets.token_urlsafe(36), "previous": values["current"]}
        done = "a new value is current; run `make deploy` so CloudFront sends it"
    elif not rotating:
        print("no rotation under way: nothing to finish")
        return 0
    else:
        values = {"current": values["current"]}
        done = "the previous value no longer opens the API"
    client.put_secret_value(SecretId=args.secret_id, SecretString=json.dumps(values))
    print(done)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m app.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("create-table", help="create the DynamoDB table if missing")
    boot = commands.add_parser(
        "bootstrap", help="the smoke-test store and, with --admin-email, an invited first admin"
    )
    boot.add_argument("--admin-email", help="the default store's first admin (mailed a link)")
    store = commands.add_parser("create-store", help="create a store (idempotent)")
    store.add_argument("--slug", required=True)
    store.add_argument("--name", required=True)
    store.add_argument("--domain", action="append", help="a host name that selects it")
    admin = commands.add_parser("create-admin", help="create or promote an admin account")
    admin.add_argument("--email", required=True)
    admin.add_argument("--password", required=True)
    admin.add_argument("--name", default="Administrator")
    admin.add_argument("--store", help="the store (default: the default store)")
    admin.add_argument(
        "--platform", action="store_true", help="an operator of every store (platform_admin)"
    )
    seed_parser = commands.add_parser("seed", help="load the demo catalog (idempotent)")
    seed_parser.add_argument("--store", help="the store (default: the default store)")
    seed_parser.add_argument(
        "--images", help="a folder of <SKU>.webp photos of the demo products (devtools/demo_images)"
    )
    photos = commands.add_parser(
        "demo-photos", help="photos for the demo products that have none (make run, make seed)"
    )
    photos.add_argument("--store", help="the store (default: the default store)")
    photos.add_argument("--images", required=True, help="the folder (devtools/demo_images)")
    commands.add_parser("create-bucket", help="create the images bucket (local S3 only)")
    rotate = commands.add_parser(
        "rotate-jwt-key", help="make a new signing key current, keeping the old one valid"
    )
    rotate.add_argument("--secret-id", required=True, help="the JwtSecretArn stack output")
    rotate.add_argument("--region")
    rotate.add_argument("--kid", help="the new key's id (default: the time, UTC)")
    origin = commands.add_parser(
        "rotate-origin-secret", help="rotate the secret CloudFront sends the API (two steps)"
    )
    origin.add_argument("step", choices=["start", "finish"])
    origin.add_argument("--secret-id", required=True, help="the OriginSecretArn stack output")
    origin.add_argument("--region")
    return parser


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "create-table": create_table,
    "bootstrap": bootstrap,
    "create-store": create_store,
    "create-admin": create_admin,
    "seed": seed,
    "demo-photos": demo_photos,
    "create-bucket": create_bucket,
    "rotate-jwt-key": rotate_jwt_key,
    "rotate-origin-secret": rotate_origin_secret,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
