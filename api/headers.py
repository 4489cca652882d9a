"""Hardening headers on every response: CSP (self only), no framing, no referrer leaks, no caching
of anything a signed-in user sees (Back after logout shows nothing)."""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.security import SESSION_COOKIE

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI starts from one inline script (FastAPI's page): allowed there only
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
DOCS_PATH = "/api/v1/docs"
FIXED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


class SecurityHeaders:
    """Pure ASGI middleware adding the headers above (a route's own Cache-Control is kept)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        signed_in = _signed_in(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in FIXED.items():
                    headers.setdefault(name, value)
                headers.setdefault("content-security-policy", DOCS_CSP if path == DOCS_PATH else CSP)
                if signed_in and not path.startswith("/static/"):
                    headers["cache-control"] = _no_store(headers.get("cache-control"))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _signed_in(scope: Scope) -> bool:
    """A request carrying credentials (session cookie or bearer token): its answer is private."""
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            return True
        if name == b"cookie" and SESSION_COOKIE.encode() + b"=" in value:
            return True
    return False


def _no_store(existing: str | None) -> str:
    """`no-store` merged into whatever the route said (its `private` etc. kept)."""
    if existing and "no-store" in existing:
        return existing
    return "no-store, private" if not existing else f"{existing}, no-store"
