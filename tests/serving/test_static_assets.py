"""The current version's static files come from memory, gzipped once; an edit makes a new
version, whose files are read afresh; anything else is StaticFiles as before."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.routing import Mount

from app import static_assets
from app.static_assets import IMMUTABLE, REVALIDATE, StaticVersion, VersionedStaticFiles

SCRIPT = "export const answer = 42;\n" * 100  # large enough for gzip to pay
FONT = random.Random(0).randbytes(2048)  # does not compress


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "a.js").write_text(SCRIPT)
    (tmp_path / "font.woff2").write_bytes(FONT)
    return tmp_path


def serve(root: Path) -> tuple[TestClient, StaticVersion]:
    version = StaticVersion(root)
    files = VersionedStaticFiles(directory=root, version=version)
    return TestClient(Starlette(routes=[Mount("/static", files)])), version


def test_a_current_file_is_gzipped_once_and_then_served_from_memory(tree: Path) -> None:
    client, version = serve(tree)
    url = f"{version.prefix()}/js/a.js"
    first = client.get(url, headers={"accept-encoding": "gzip"})
    assert first.headers["content-encoding"] == "gzip"
    assert first.headers["cache-control"] == IMMUTABLE
    assert first.headers["content-type"].startswith("text/javascript")
    assert first.text == SCRIPT
    assert int(first.headers["content-length"]) < len(SCRIPT) / 10
    (tree / "js" / "a.js").unlink()  # within RECHECK_SECONDS the version stands
    again = client.get(url, headers={"accept-encoding": "gzip"})
    assert again.status_code == 200 and again.text == SCRIPT, "not served from memory"


def test_a_client_without_gzip_gets_the_plain_bytes(tree: Path) -> None:
    client, version = serve(tree)
    plain = client.get(f"{version.prefix()}/js/a.js", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.headers["vary"] == "Accept-Encoding"
    assert plain.text == SCRIPT and plain.headers["content-length"] == str(len(SCRIPT))


def test_what_gzip_would_not_shrink_is_sent_as_it_is(tree: Path) -> None:
    client, version = serve(tree)
    font = client.get(f"{version.prefix()}/font.woff2", headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in font.headers and font.content == FONT
    assert font.headers["content-type"] == "font/woff2"


def test_an_etag_revalidates_to_304(tree: Path) -> None:
    client, version = serve(tree)
    url = f"{version.prefix()}/js/a.js"
    etag = client.get(url).headers["etag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200


def test_an_edit_makes_a_new_version_read_afresh(tree: Path, monkeypatch) -> None:
    monkeypatch.setattr(static_assets, "RECHECK_SECONDS", 0.0)
    client, version = serve(tree)
    old = version.prefix()
    assert client.get(f"{old}/js/a.js").text == SCRIPT
    (tree / "js" / "a.js").write_text("export const answer = 43;\n")
    new = version.prefix()
    assert new != old
    assert client.get(f"{new}/js/a.js").text == "export const answer = 43;\n"
    stale = client.get(f"{old}/js/a.js")  # today's file, never cached for good
    assert stale.text == "export const answer = 43;\n"
    assert stale.headers["cache-control"] == REVALIDATE


def test_missing_files_and_escapes_are_404(tree: Path) -> None:
    client, version = serve(tree)
    assert client.get(f"{version.prefix()}/js/none.js").status_code == 404
    assert client.get(f"{version.prefix()}/../secret").status_code == 404


def test_the_memory_copy_is_the_gzip_of_the_file(tree: Path) -> None:
    client, version = serve(tree)
    url = f"{version.prefix()}/js/a.js"
    for _ in range(2):  # read from disk, then from memory
        with client.stream("GET", url, headers={"accept-encoding": "gzip"}) as response:
            wire = b"".join(response.iter_raw())
        assert gzip.decompress(wire) == SCRIPT.encode()
