"""The web app (web/, built by Vite into web/dist) under /app/, from the same server as the
API: same origin, so the browser needs no CORS. On AWS, CloudFront serves /app/* from S3
instead and this module finds no build to serve.

Files with a content hash in their name (Vite's assets/) are cached for a year; index.html
is revalidated on every load. Any other path under /app/ that names no file is a page of
the single-page app, so it gets index.html (deep links and reloads work).
"""

from __future__ import annotations

import mimetypes
import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from fastapi import Header, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response

from app.core import caches
from app.core.errors import NotFoundError
from app.http.access import PUBLIC
from app.http.routing import APIRouter

router = APIRouter(dependencies=[PUBLIC], include_in_schema=False)

DEFAULT_DIST = Path(__file__).resolve().parent.parent / "web" / "dist"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


@lru_cache(maxsize=1)
def dist_dir() -> Path | None:
    """Where the built web app is (WEB_DIST_DIR, else web/dist), if it was built."""
    folder = Path(os.environ.get("WEB_DIST_DIR") or DEFAULT_DIST).resolve()
    return folder if (folder / "index.html").is_file() else None


caches.register("web dist folder", dist_dir.cache_clear)


def content_security_policy(extra_origins: str = "") -> str:
    """The app's policy: everything from 'self', plus the image store's origin (images and
    presigned uploads go straight to S3)."""
    extra = f" {extra_origins}" if extra_origins else ""
    return (
        f"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{extra}; "
        f"connect-src 'self'{extra}; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


def _images_origin() -> str:
    from urllib.parse import urlsplit

    from app.core.config import get_settings

    settings = get_settings()
    origins = set()
    for url in (settings.s3_endpoint_url, settings.images_cdn_base_url):
        if url:
            parts = urlsplit(url)
            origins.add(f"{parts.scheme}://{parts.netloc}")
    if not settings.s3_endpoint_url:
        bucket = settings.images_bucket
        origins.add(f"https://{bucket}.s3.{settings.aws_region}.amazonaws.com")
        origins.add(f"https://{bucket}.s3.amazonaws.com")
    return " ".join(sorted(origins))


@router.get("/")
async def root(request: Request, accept: Annotated[str, Header()] = "") -> Response:
    """Browsers go to the web app; API clients get a map of the service."""
    root_path = request.scope.get("root_path", "")
    if "text/html" in accept:
        return RedirectResponse(f"{root_path}/app/", status_code=307, headers={"Vary": "Accept"})
    links = {"app": "/app/", "docs": "/docs", "redoc": "/redoc", "openapi": "/openapi.json"}
    return JSONResponse(
        {"name": "Product Catalog & Inventory"}
        | {name: root_path + path for name, path in links.items()},
        headers={"Vary": "Accept"},
    )


@router.get("/app")
async def app_without_slash(request: Request) -> RedirectResponse:
    """/app?page=2 (the web app's own links to its first page look so) -> /app/?page=2: the
    query is kept, or a reload would lose the page, the search and the store."""
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"{request.scope.get('root_path', '')}/app/{query}", status_code=307)


ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def _send(file: Path, accept_encoding: str, headers: dict[str, str]) -> FileResponse:
    """The file, or its copy compressed at build time (web/vite.config.ts) in an encoding
    the browser takes: the app's 250 kB of JavaScript travel as 80."""
    media_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    accepted = {part.split(";")[0].strip() for part in accept_encoding.lower().split(",")}
    for encoding, suffix in ENCODINGS:
        compressed = file.with_name(file.name + suffix)
        if encoding in accepted and compressed.is_file():
            headers = headers | {"Content-Encoding": encoding, "Vary": "Accept-Encoding"}
            return FileResponse(compressed, media_type=media_type, headers=headers)
    return FileResponse(file, media_type=media_type, headers=headers | {"Vary": "Accept-Encoding"})


@router.get("/app/{path:path}")
async def web_app(path: str, accept_encoding: Annotated[str, Header()] = "") -> FileResponse:
    folder = dist_dir()
    if folder is None:
        raise NotFoundError(
            "The web app is not built here: run `make run` (it builds web/ with Node >= 20.19)."
        )
    candidate = (folder / path).resolve()
    if candidate.suffix != ".html" and candidate.is_file() and candidate.is_relative_to(folder):
        hashed = candidate.parent == folder / "assets"
        cache = {"Cache-Control": IMMUTABLE if hashed else REVALIDATE}
        return _send(candidate, accept_encoding, cache)
    if Path(path).suffix and Path(path).suffix != ".html":
        raise NotFoundError(f"No file {path} in the web app.")
    return _send(
        folder / "index.html",
        accept_encoding,
        {
            "Cache-Control": REVALIDATE,
            "Content-Security-Policy": content_security_policy(_images_origin()),
        },
    )
