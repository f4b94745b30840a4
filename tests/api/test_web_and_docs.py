"""GET / for browsers, the web app under /app/ (SPA fallback, caching), offline API docs."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.core import caches
from tests.support.http import assert_problem


@pytest.fixture
def dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A stand-in for web/dist (the browser tests use the real build)."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path.parent / "secret.txt").write_text("outside")
    monkeypatch.setenv("WEB_DIST_DIR", str(tmp_path))
    caches.reset()
    yield tmp_path
    caches.reset()


def test_browsers_at_the_root_go_to_the_app(client: TestClient) -> None:
    response = client.get("/", headers={"Accept": "text/html,*/*"}, follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/app/"
    assert "accept" in response.headers["vary"].lower()


def test_api_clients_at_the_root_get_a_map(client: TestClient) -> None:
    response = client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json()["docs"] == "/docs"
    assert response.json()["app"] == "/app/"


def test_the_app_and_its_deep_links(client: TestClient, dist: Path) -> None:
    for path in ("/app/", "/app/products/123", "/app/admin/users", "/app/index.html"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.text.startswith("<!doctype html>")
        assert response.headers["cache-control"] == "no-cache"
        assert "script-src 'self'" in response.headers["content-security-policy"]
    no_slash = client.get("/app", follow_redirects=False)
    assert (no_slash.status_code, no_slash.headers["location"]) == (307, "/app/")
    # the query goes along: the app links its first page as /app?page=2&q=...
    with_query = client.get("/app?category=Home&page=2", follow_redirects=False)
    assert with_query.headers["location"] == "/app/?category=Home&page=2"


def test_hashed_assets_are_cached_for_good(client: TestClient, dist: Path) -> None:
    response = client.get("/app/assets/index-abc123.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "javascript" in response.headers["content-type"]
    assert client.get("/app/favicon.svg").headers["cache-control"] == "no-cache"


def test_files_travel_compressed_as_the_build_left_them(client: TestClient, dist: Path) -> None:
    """The build writes .br and .gz copies (web/vite.config.ts); a browser that takes them
    gets one, with the original's type (it was 349 kB of uncompressed script locally)."""
    import gzip

    script = "console.log('hello');\n" * 200
    (dist / "assets" / "index-abc123.js").write_text(script)
    (dist / "assets" / "index-abc123.js.gz").write_bytes(gzip.compress(script.encode()))
    (dist / "assets" / "index-abc123.js.br").write_bytes(b"brotli bytes stand-in")
    url = "/app/assets/index-abc123.js"
    raw = client.get(url, headers={"Accept-Encoding": "identity"})
    assert raw.text == script
    assert "content-encoding" not in raw.headers
    gzipped = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    assert gzipped.headers["content-encoding"] == "gzip"
    assert gzipped.text == script  # httpx decompresses it
    assert "javascript" in gzipped.headers["content-type"]
    assert gzipped.headers["vary"] == "Accept-Encoding"
    brotli = client.get(url, headers={"Accept-Encoding": "gzip, br"}, extensions={})
    assert brotli.headers["content-encoding"] == "br"
    assert brotli.headers["cache-control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    "path", ["/app/assets/missing.js", "/app/../secret.txt", "/app/%2e%2e/secret.txt"]
)
def test_no_file_outside_the_build_and_no_fallback_for_missing_files(
    client: TestClient, dist: Path, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "outside" not in response.text


def test_without_a_build_the_app_says_how_to_get_one(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEB_DIST_DIR", str(tmp_path / "nothing"))
    caches.reset()
    body = assert_problem(client.get("/app/"), 404)
    assert "make run" in body["detail"]
    caches.reset()


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_load_only_their_own_files(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    csp = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["content-security-policy"].split(";")
    )
    assert csp["script-src"] == "'self'"
    # ReDoc's empty <style> elements need the hash of the empty string, and its one fixed
    # stylesheet (perfect-scrollbar's) its own hash: they admit no other style text
    empty = "'sha256-" + base64.b64encode(hashlib.sha256(b"").digest()).decode() + "'"
    scrollbar = "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='"
    redoc = f"'self' {empty} {scrollbar}"
    assert csp["style-src"] == (redoc if path == "/redoc" else "'self'")
    assert not any("unsafe" in value or "*" in value for value in csp.values())
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", response.text, re.S)
    assert scripts
    assert all('src="/docs/assets/' in attrs and not body.strip() for attrs, body in scripts)
    assert "http" not in response.text  # no CDN, nothing from elsewhere
    for asset in re.findall(r'(?:src|href)="(/docs/assets/[^"]+)"', response.text):
        fetched = client.get(asset)
        assert fetched.status_code == 200, asset
        assert len(fetched.content) > 10
        assert b"cdn.redoc.ly" not in fetched.content  # ReDoc's footer logo, served from here


def test_only_known_doc_assets(client: TestClient) -> None:
    assert_problem(client.get("/docs/assets/core.py"), 404)
    assert_problem(client.get("/docs/assets/..%2f__init__.py"), 404)
