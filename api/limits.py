"""Refuse request bodies over the upload limit before parsing (413); shed load from heavy pages (503).

A browser posting a form without JavaScript shows nothing useful when the server answers before
reading the upload (the connection is cut mid-send): for the forms in `keeps_form`, an oversized
body is read to its end (up to `DRAIN_FACTOR` times the limit), its files are dropped, and the
route gets only the text fields with `request.state.body_too_large` set, so it can re-show the
form with what was typed and a Vietnamese 413.
"""

import asyncio
import re
import secrets
from collections.abc import AsyncIterator

from fastapi import Depends
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.bodyguard import replayed
from api.errors import coded_response
from api.exceptions import Overloaded

DRAIN_FACTOR = 4  # an oversized form is read to its end up to 4x the limit, then cut off
MAX_KEPT_FIELD = 256 * 1024  # a text field kept from an oversized form (the note is far shorter)
FIELD_NAME = re.compile(r"[A-Za-z0-9_]{1,40}")


class BodySizeLimit:
    """Pure ASGI middleware: 413 when Content-Length, or the streamed body, exceeds `max_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int, keeps_form: re.Pattern | None = None):
        self.app = app
        self.max_bytes = max_bytes
        self.keeps_form = keeps_form

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
                if self._keeps_form(scope, declared):
                    await self._text_only(scope, receive, send, declared)
                    return
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
        await self.app(scope, replayed(b"".join(chunks), receive), send)

    def _keeps_form(self, scope: Scope, declared: int) -> bool:
        ctype = dict(scope["headers"]).get(b"content-type", b"")
        return (
            self.keeps_form is not None
            and scope.get("method") == "POST"
            and ctype.startswith(b"multipart/form-data")
            and declared <= self.max_bytes * DRAIN_FACTOR
            and self.keeps_form.fullmatch(scope.get("path", "")) is not None
        )

    async def _text_only(self, scope: Scope, receive: Receive, send: Send, declared: int) -> None:
        """Read the oversized form, keep its text fields, hand them on flagged `body_too_large`."""
        ctype = dict(scope["headers"])[b"content-type"]
        fields = await read_text_fields(ctype, receive, self.max_bytes * DRAIN_FACTOR)
        if fields is None:
            await self._reply(scope, send, 413, "request.too_large", self._sizes(declared))
            return
        body, new_type = multipart_body(fields)
        headers = [(k, v) for k, v in scope["headers"] if k not in (b"content-length", b"content-type")]
        headers += [(b"content-type", new_type), (b"content-length", str(len(body)).encode())]
        state = {**scope.get("state", {}), "body_too_large": self._sizes(declared)}
        await self.app({**scope, "headers": headers, "state": state}, replayed(body, receive), send)

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


async def read_text_fields(ctype: bytes, receive: Receive, cap: int) -> list[tuple[str, str]] | None:
    """The text fields of a multipart body read to its end, file contents dropped; None when unreadable."""
    _kind, params = parse_options_header(ctype)
    boundary = params.get(b"boundary")
    if not boundary:
        return None
    fields: list[tuple[str, str]] = []
    part: dict = {}
    header = [b"", b""]

    def on_part_begin() -> None:
        part.clear()
        part["data"] = bytearray()

    def on_header_end() -> None:
        if header[0].lower() == b"content-disposition":
            _d, options = parse_options_header(header[1])
            part.update(name=options.get(b"name", b""), file=b"filename" in options)
        header[0] = header[1] = b""

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if not part.get("file") and len(part["data"]) < MAX_KEPT_FIELD:
            part["data"] += data[start:end]

    def on_part_end() -> None:
        name = part.get("name", b"").decode("utf-8", "replace")
        if not part.get("file") and FIELD_NAME.fullmatch(name):
            fields.append((name, bytes(part["data"][:MAX_KEPT_FIELD]).decode("utf-8", "replace")))

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": lambda d, s, e: header.__setitem__(0, header[0] + d[s:e]),
            "on_header_value": lambda d, s, e: header.__setitem__(1, header[1] + d[s:e]),
            "on_header_end": on_header_end,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    total, more = 0, True
    try:
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return None
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > cap:
                return None
            parser.write(chunk)
            more = message.get("more_body", False)
        parser.finalize()
    except Exception:  # a malformed body: the plain 413 answers it
        return None
    return fields


def multipart_body(fields: list[tuple[str, str]]) -> tuple[bytes, bytes]:
    """A multipart/form-data body of text fields only, and its Content-Type."""
    boundary = "plantrack-" + secrets.token_hex(12)
    out = []
    for name, value in fields:
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n')
    out.append(f"--{boundary}--\r\n")
    return "".join(out).encode(), f"multipart/form-data; boundary={boundary}".encode()


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
