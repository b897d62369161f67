"""The console's files as the edge serves them: pages and assets by GET, the page's own routes
answered with index.html, nothing outside the build, and the API's paths never taken for files."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.web.calls import Outgoing
from gateway.web.static import StaticFiles, is_api_path


@pytest.fixture
def built(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>通办</title>", encoding="utf-8")
    (dist / "assets" / "index-abc123.js").write_text("console.log(1)")
    (dist / ".stamp").write_text("")
    (tmp_path / "secret.txt").write_text("not served")
    return dist


def _header(answer: Outgoing, name: bytes) -> bytes:
    return dict(answer.headers)[name]


def test_pages_and_assets(built: Path) -> None:
    files = StaticFiles(built)
    page = files.answer("/")
    assert (page.status, _header(page, b"content-type")) == (200, b"text/html; charset=utf-8")
    assert "通办".encode() in page.body
    assert _header(page, b"cache-control") == b"no-cache"
    assert b"frame-ancestors 'none'" in _header(page, b"content-security-policy")
    asset = files.answer("/assets/index-abc123.js")
    assert asset.body == b"console.log(1)"
    assert _header(asset, b"cache-control").endswith(b"immutable")
    assert files.answer("/assets/index-abc123.js", head=True).body == b""


def test_the_pages_routes_get_index_and_missing_files_are_404(built: Path) -> None:
    files = StaticFiles(built)
    assert b"<title>" in files.answer("/clerk/cases").body
    assert b"<title>" in files.answer("/cases/320826101-20261130-0001").body
    assert files.answer("/assets/gone.js").status == 404


def test_nothing_outside_the_build_nor_hidden(built: Path) -> None:
    files = StaticFiles(built)
    for path in ("/../secret.txt", "/assets/../../secret.txt", "/.stamp", "/%2e%2e/secret.txt"):
        answer = files.answer(path)
        assert b"not served" not in answer.body, path
        assert answer.status == 404 or b"<title>" in answer.body, path


def test_an_unbuilt_console_is_not_available(tmp_path: Path) -> None:
    assert not StaticFiles(tmp_path / "nothing").available


def test_api_paths_are_never_files() -> None:
    assert is_api_path("/tongban.acceptance.v1.CatalogService/ListMatters")
    assert is_api_path("/session/login")
    assert not is_api_path("/")
    assert not is_api_path("/assets/index-abc123.js")
    assert not is_api_path("/favicon.ico")
    assert not is_api_path("/cases/320826101-20261130-0001")
