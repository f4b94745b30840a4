"""devtools/web.py: when the web app is rebuilt, and what happens without a usable Node."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from devtools import web


def test_without_node_it_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _: None)
    with pytest.raises(web.NodeMissingError, match=r"Node.js not found: install Node.js >= 20.19"):
        web.require_node()


@pytest.mark.parametrize(
    ("printed", "usable"),
    [("v20.18.3", False), ("v18.20.0", False), ("v20.19.0", True), ("v22.1.0", True)],
)
def test_node_older_than_20_19_is_refused(
    monkeypatch: pytest.MonkeyPatch, printed: str, usable: bool
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _: "/usr/bin/node")
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: SimpleNamespace(stdout=printed + "\n"))
    if usable:
        web.require_node()
    else:
        with pytest.raises(web.NodeMissingError, match="too old"):
            web.require_node()


def test_make_run_serves_the_api_alone_without_node(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from devtools import run_local

    def missing() -> bool:
        raise web.NodeMissingError("Node.js not found: install Node.js >= 20.19 ...")

    monkeypatch.setattr(web, "ensure_built", missing)
    run_local.build_web_app()
    assert capsys.readouterr().out.strip() == (
        "web: Node.js not found: install Node.js >= 20.19 ...; serving the API alone"
    )


def test_the_build_is_skipped_while_the_sources_are_unchanged(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[tuple[str, ...]] = []
    monkeypatch.setattr(web, "require_node", lambda: None)
    monkeypatch.setattr(web, "ensure_dependencies", lambda: None)
    monkeypatch.setattr(web, "BUILD_STAMP", tmp_path / "stamp")
    monkeypatch.setattr(web, "_npm", lambda *args: calls.append(args))
    monkeypatch.setattr(web, "source_hash", lambda: "one")
    assert web.ensure_built() is True
    assert web.ensure_built() is False
    monkeypatch.setattr(web, "source_hash", lambda: "two")
    assert web.ensure_built() is True
    assert calls == [("run", "build", "--silent")] * 2


def test_the_source_hash_sees_every_source_but_tests(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "src" / "a.tsx").write_text("a")
    (tmp_path / "src" / "a.test.ts").write_text("t")
    monkeypatch.setattr(web, "WEB", tmp_path)
    first = web.source_hash()
    (tmp_path / "src" / "a.test.ts").write_text("changed test")
    assert web.source_hash() == first
    (tmp_path / "src" / "a.tsx").write_text("changed")
    assert web.source_hash() != first
