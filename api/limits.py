"""Refuse request bodies over the upload limit before anything parses them (413)."""

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import coded_response


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
                await self._reply(scope, send, 400, "request.content_length", {})
                return
            if declared > self.max_bytes:
                await self._reply(scope, send, 413, "request.too_large", self._sizes(declared))
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
                await self._reply(scope, send, 413, "request.too_large", self._sizes(None))
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

    def _sizes(self, declared: int | None) -> dict:
        """The catalogue parameters of `request.too_large`."""
        return {
            "size": f" ({declared} bytes)" if declared is not None else "",
            "size_vi": f" ({declared / (1024 * 1024):.1f} MB)" if declared is not None else "",
            "max": self.max_bytes,
            "max_mb": f"{self.max_bytes / (1024 * 1024):.0f}",
        }

    @staticmethod
    async def _reply(scope: Scope, send: Send, status: int, code: str, params: dict) -> None:
        """JSON under /api/, the pages' error view elsewhere (the body is never read)."""

        async def no_body() -> Message:
            return {"type": "http.disconnect"}

        request = Request(scope, no_body)
        response = coded_response(request, status, code, **params)
        response.headers["connection"] = "close"
        await response(scope, no_body, send)
