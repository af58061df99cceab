"""End-to-end: /docs renders Swagger UI under its Content-Security-Policy, with no violation."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_docs_render_under_their_content_security_policy(gdp_browser, live_server):
    context = gdp_browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    response = page.goto(live_server + "/docs")
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy.split(";")[1]
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/runs" in p for p in paths), paths
    context.close()
    assert not problems, problems
