"""Map refusals to HTTP: JSON `{"detail", "code"}` under /api/, the pages' Vietnamese error view elsewhere.

The error view is handed in by the app (`install_error_handlers(app, error_page)`), so this module
never imports the pages.
"""

from collections.abc import Callable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.exceptions import NotAuthenticated, Overloaded
from workflows.kernel.errors import DomainError, TooManyAttempts
from workflows.kernel.messages import render

# (request, HTTP status, Vietnamese message or None for the status's default) → the error page
ErrorPage = Callable[[Request, int, str | None], Response]


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(
    request: Request,
    status: int,
    code: str,
    detail: str,
    message_vi: str | None = None,
    headers: dict | None = None,
) -> Response:
    """JSON `{"detail", "code"}` for the API; the Vietnamese error page for browsers."""
    page: ErrorPage | None = getattr(request.app.state, "error_page", None)
    if not is_api(request) and page is not None:
        response = page(request, status, message_vi)
        if headers:
            response.headers.update(headers)
        return response
    return JSONResponse({"detail": detail, "code": code}, status_code=status, headers=headers)


def coded_response(
    request: Request, status: int, code: str, headers: dict | None = None, **params
) -> Response:
    """`error_response` for a catalogue code: English detail, Vietnamese page."""
    return error_response(
        request, status, code, render(code, "en", params), render(code, "vi", params), headers
    )


async def _domain(request: Request, exc: DomainError) -> Response:
    headers = None
    if isinstance(exc, Overloaded):
        headers = {"Retry-After": str(exc.retry_after_s)}
    elif isinstance(exc, TooManyAttempts):
        headers = {"Retry-After": str(exc.params["retry_after"])}
    return error_response(request, exc.http_status, exc.code, str(exc), exc.message("vi"), headers)


async def _pool_timeout(request: Request, exc: PoolTimeout) -> Response:
    # every connection busy for db_pool_timeout_s: shed the request like the page gate does
    seconds = request.app.state.settings.retry_after_s
    return coded_response(request, 503, "server.db_busy", {"Retry-After": str(seconds)}, seconds=seconds)


async def _not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
    if is_api(request):
        return JSONResponse(
            {"detail": str(exc), "code": exc.code}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


async def _validation(request: Request, exc: RequestValidationError) -> Response:
    if is_api(request):
        return JSONResponse(
            {"detail": _jsonable_errors(exc.errors()), "code": "request.invalid"}, status_code=422
        )
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
    return coded_response(request, 422, "request.invalid", where=where or "?", reason=first.get("msg", "?"))


def _jsonable_errors(errors) -> list[dict]:
    # pydantic puts the raw exception object in ctx for some errors; keep only printable parts
    out = []
    for err in errors:
        item = {k: err[k] for k in ("type", "loc", "msg") if k in err}
        if "ctx" in err:
            item["ctx"] = {k: str(v) for k, v in err["ctx"].items()}
        out.append(item)
    return out


async def _data_error(request: Request, exc: DataError) -> Response:
    # the database refused a value the schema let through (NUL bytes, out-of-range numbers):
    # the client's input, not a server fault
    reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    return coded_response(request, 422, "request.value_invalid", reason=reason)


async def _overflow(request: Request, exc: OverflowError) -> Response:
    return coded_response(request, 422, "request.number_range", reason=str(exc))


async def _http(request: Request, exc: StarletteHTTPException) -> Response:
    if is_api(request) and not isinstance(exc.detail, str):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    return error_response(request, exc.status_code, f"http.{exc.status_code}", detail, None, exc.headers)


def install_error_handlers(app: FastAPI, error_page: ErrorPage | None = None) -> None:
    """Register every mapping on `app`; `error_page` renders refusals for browsers."""
    app.state.error_page = error_page
    app.add_exception_handler(NotAuthenticated, _not_authenticated)
    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(OverflowError, _overflow)
    app.add_exception_handler(PoolTimeout, _pool_timeout)
