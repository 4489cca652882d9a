"""Refuse request bodies over the upload limit before parsing (413); shed load from heavy pages (503)."""

import asyncio
from collections.abc import AsyncIterator

from fastapi import Depends
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import coded_response
from api.exceptions import Overloaded


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


class PageGate:
    """A bounded queue in front of heavy pages: `slots` render at once, `queue` more wait up to `wait_s`.

    Beyond that a request is refused at once (503 with Retry-After) instead of queueing on the
    connection pool until it times out into a 500. Runs on the event loop: waiting costs no thread
    and no database connection.
    """

    def __init__(self, slots: int, queue: int, wait_s: float):
        self.slots, self.queue, self.wait_s = slots, queue, wait_s
        self._free = asyncio.Semaphore(slots)
        self.waiting = 0
        self.refused = 0  # since start: what the benchmarks and an operator read

    async def enter(self) -> bool:
        """Take a turn (waiting if the queue has room); False when refused."""
        if not self._free.locked():
            await self._free.acquire()
            return True
        if self.waiting >= self.queue or self.wait_s <= 0:
            self.refused += 1
            return False
        self.waiting += 1
        try:
            await asyncio.wait_for(self._free.acquire(), self.wait_s)
            return True
        except TimeoutError:
            self.refused += 1
            return False
        finally:
            self.waiting -= 1

    def leave(self) -> None:
        self._free.release()


async def heavy_page(request: Request) -> AsyncIterator[None]:
    """Dependency of heavy pages: a turn at the app's `PageGate`, or 503 (declare it before the session)."""
    gate: PageGate = request.app.state.page_gate
    if not await gate.enter():
        raise Overloaded(request.app.state.settings.retry_after_s)
    try:
        yield
    finally:
        gate.leave()


# scope="function": the turn is given back as soon as the page is built, before it is sent
HeavyPage = Depends(heavy_page, scope="function")
