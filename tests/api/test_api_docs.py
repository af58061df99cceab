"""/docs works with the network off: every asset it loads is served by the app itself."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.main import app


def test_docs_load_only_local_assets() -> None:
    client = TestClient(app)
    page = client.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    assert assets, "the docs page references no assets"
    for asset in assets:
        assert asset.startswith("/"), f"/docs loads {asset} from elsewhere"
        assert client.get(asset).status_code == 200, asset
    assert "cdn" not in page.text.lower()
    assert client.get("/api/v1/openapi.json").status_code == 200
