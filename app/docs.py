"""/docs (Swagger UI) and /redoc (ReDoc) served from the app's own files: they render with
no internet access, under a Content-Security-Policy that allows scripts and styles from
'self' only (so the pages carry no inline script: Swagger UI starts from docs-init.js).

The Swagger UI and ReDoc bundles come from the `fastapi-offline` package, which ships the
upstream distributions; only the files listed in `ASSETS` are served.
"""

from __future__ import annotations

import html
import importlib.util
from functools import lru_cache
from pathlib import Path

from fastapi import Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from app.core.errors import NotFoundError
from app.http.access import PUBLIC
from app.http.routing import APIRouter

router = APIRouter(dependencies=[PUBLIC], include_in_schema=False)

OWN_ASSETS = Path(__file__).parent / "docs_assets"
ASSETS = {
    "swagger-ui-bundle.js": "application/javascript",
    "swagger-ui.css": "text/css",
    "redoc.standalone.js": "application/javascript",
    "favicon.png": "image/png",
    "docs-init.js": "application/javascript",
}
# ReDoc (styled-components) creates empty <style> elements and fills them through the
# CSSOM, which CSP does not govern. Creating them needs the hash of the empty string: it
# admits no inline style text at all. ReDoc also inserts one fixed stylesheet of its own
# (perfect-scrollbar's), admitted by its hash. Swagger UI needs nothing beyond 'self'.
# tests/browser checks both render with no CSP error in the console.
EMPTY_STYLE = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
SCROLLBAR_STYLE = "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='"
# ReDoc shows "API docs by Redocly" with a logo from a CDN: served from here instead
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
OWN_LOGO = (
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E"
    "%3Crect width='16' height='16' rx='4' fill='%231f6f5c'/%3E%3C/svg%3E"
)


def _csp(style_src: str) -> str:
    return (
        f"default-src 'none'; script-src 'self'; style-src {style_src}; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    )


SWAGGER_CSP = _csp("'self'")
REDOC_CSP = _csp(f"'self' {EMPTY_STYLE} {SCROLLBAR_STYLE}")
TITLE = "Product Catalog & Inventory"


@lru_cache(maxsize=1)
def _bundled_assets() -> Path:
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a dependency
        raise RuntimeError("the fastapi-offline package is missing")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def _page(request: Request, body: str, *, title: str, csp: str) -> HTMLResponse:
    root = html.escape(request.scope.get("root_path", ""), quote=True)
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="icon" type="image/png" href="{root}/docs/assets/favicon.png">
{body.replace("{root}", root)}
</html>
"""
    return HTMLResponse(page, headers={"Content-Security-Policy": csp})


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    return _page(
        request,
        """<link rel="stylesheet" href="{root}/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{root}/openapi.json"></div>
<script src="{root}/docs/assets/swagger-ui-bundle.js"></script>
<script src="{root}/docs/assets/docs-init.js"></script>
</body>""",
        title=f"{TITLE} - Swagger UI",
        csp=SWAGGER_CSP,
    )


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    return _page(
        request,
        """</head>
<body>
<redoc spec-url="{root}/openapi.json"></redoc>
<script src="{root}/docs/assets/redoc.standalone.js"></script>
</body>""",
        title=f"{TITLE} - ReDoc",
        csp=REDOC_CSP,
    )


@lru_cache(maxsize=1)
def _redoc_bundle() -> bytes:
    """ReDoc's bundle with its one outside URL (the footer's logo) made local."""
    bundle = (_bundled_assets() / "redoc.standalone.js").read_bytes()
    return bundle.replace(REDOC_LOGO.encode(), OWN_LOGO.encode())


@router.get("/docs/assets/{name}", response_model=None)
async def asset(name: str) -> FileResponse | Response:
    if name not in ASSETS:
        raise NotFoundError(f"No documentation asset {name}.")
    headers = {"Cache-Control": "public, max-age=86400"}
    if name == "redoc.standalone.js":
        return Response(_redoc_bundle(), media_type=ASSETS[name], headers=headers)
    folder = OWN_ASSETS if (OWN_ASSETS / name).is_file() else _bundled_assets()
    return FileResponse(folder / name, media_type=ASSETS[name], headers=headers)
