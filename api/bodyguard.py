"""Refuse hostile JSON and form bodies before anything parses them: too deep, too big, control characters.

Python's JSON parser recurses; a body of 100,000 `[` exhausts the stack (a 500 before any route
runs). Here the nesting is counted by a flat scan, and C0 control characters (NUL …; tab and line
breaks allowed) are refused in JSON strings and form fields, so no text field stores them.
"""

import re
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import coded_response
from workflows.kernel.text import has_control_chars


def replayed(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the app the body already read, then the rest of the connection."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


MAX_JSON_DEPTH = 32
MAX_JSON_BYTES = 1024 * 1024  # JSON bodies are small: credentials, a reason, a ladder
MAX_FORM_BYTES = 1024 * 1024  # urlencoded forms too (files come as multipart)
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_ESCAPE = re.compile(rb"\\u([0-9a-fA-F]{4})|\\(.)", re.S)
_BRACKETS = re.compile(rb"[\[\]{}]")


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in `body` (strings skipped, nothing parsed)."""
    depth = deepest = 0
    for m in _BRACKETS.finditer(_STRING.sub(b'""', body)):
        depth += 1 if m.group() in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    return deepest


def json_has_control_chars(body: bytes) -> bool:
    """True when a JSON string carries a control character, raw or as a \\u escape."""
    for s in _STRING.finditer(body):
        raw = s.group()
        if has_control_chars(raw.decode("utf-8", "replace")):
            return True
        for e in _ESCAPE.finditer(raw):
            if e.group(1) and has_control_chars(chr(int(e.group(1), 16))):
                return True
    return False


class BodyGuard:
    """Pure ASGI middleware: reads JSON / urlencoded bodies, checks them, then replays them to the app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = _kind(scope) if scope["type"] == "http" else None
        if kind is None:
            await self.app(scope, receive, send)
            return
        limit = MAX_JSON_BYTES if kind == "json" else MAX_FORM_BYTES
        chunks, total, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > limit:
                await _refuse(scope, send, 413, "request.too_large", _sizes(limit))
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        refusal = _check(kind, body)
        if refusal is not None:
            await _refuse(scope, send, 422, *refusal)
            return
        await self.app(scope, replayed(body, receive), send)


def _kind(scope: Scope) -> str | None:
    if scope.get("method") not in ("POST", "PUT", "PATCH", "DELETE"):
        return None
    ctype = dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip().lower()
    if ctype == b"application/x-www-form-urlencoded":
        return "form"
    # no type or text/plain: /auth/token reads such bodies as JSON
    if ctype in (b"application/json", b"text/plain", b"") or ctype.endswith(b"+json"):
        return "json"
    return None


def _check(kind: str, body: bytes) -> tuple[str, dict] | None:
    if kind == "json":
        depth = json_depth(body)
        if depth > MAX_JSON_DEPTH:
            return "request.too_deep", {"depth": depth, "max": MAX_JSON_DEPTH}
        if json_has_control_chars(body):
            return "text.control_chars", {}
        return None
    try:
        pairs = parse_qsl(body.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="replace")
    except ValueError:
        return None  # the route's own parser answers malformed forms
    if any(has_control_chars(k) or has_control_chars(v) for k, v in pairs):
        return "text.control_chars", {}
    return None


def _sizes(limit: int) -> dict:
    return {"size": "", "size_vi": "", "max": limit, "max_mb": f"{limit / (1024 * 1024):.0f}"}


async def _refuse(scope: Scope, send: Send, status: int, code: str, params: dict) -> None:
    async def no_body() -> Message:
        return {"type": "http.disconnect"}

    response = coded_response(Request(scope, no_body), status, code, **params)
    await response(scope, no_body, send)
