"""Refuse request bodies over the upload limit before anything parses them (413)."""

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodySizeLimit:
    """Pure ASGI middleware: 413 when Content-Length, or the streamed body, exceeds `max_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await self._reply(scope, send, 400, "invalid Content-Length header")
                return
            if declared > self.max_bytes:
                await self._reply(scope, send, 413, self._message(declared))
                return
            await self.app(scope, receive, send)
            return
        # no Content-Length (chunked): buffer up to the limit, then replay to the app
        chunks, total, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            total += len(message.get("body", b""))
            if total > self.max_bytes:
                await self._reply(scope, send, 413, self._message(None))
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body, replayed = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _message(self, declared: int | None) -> str:
        limit_mb = self.max_bytes / (1024 * 1024)
        size = f" ({declared} bytes)" if declared is not None else ""
        return f"request body too large{size}: the limit is {self.max_bytes} bytes (~{limit_mb:.0f} MB)"

    @staticmethod
    async def _reply(scope: Scope, send: Send, status: int, detail: str) -> None:
        """JSON under /api/, the pages' error view elsewhere (the body is never read)."""
        from api.errors import error_response

        async def no_body() -> Message:
            return {"type": "http.disconnect"}

        request = Request(scope, no_body)
        response = error_response(request, status, detail)
        response.headers["connection"] = "close"
        await response(scope, no_body, send)
