"""Security headers on every response: a Content-Security-Policy (the page and /docs set their
own), no MIME sniffing, no referrer, and no framing by other sites."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# What the API's JSON (and anything without a policy of its own) may do in a browser: nothing.
DEFAULT_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
FIXED = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in FIXED.items():
                    headers[name] = value
                if "content-security-policy" not in headers:
                    headers["content-security-policy"] = DEFAULT_POLICY
                if (
                    "x-frame-options" not in headers
                    and "frame-ancestors 'none'" in headers["content-security-policy"]
                ):
                    headers["x-frame-options"] = "DENY"  # for browsers without CSP 2
            await send(message)

        await self.app(scope, receive, with_headers)
