"""Map domain errors and request errors to HTTP: JSON under /api/, the pages' error view elsewhere."""

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from workflows.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class NotAuthenticated(Exception):
    """No valid session cookie or bearer token (API → 401, pages → redirect to /login)."""

    def __init__(self, message: str = "not authenticated"):
        super().__init__(message)


class CsrfFailed(Exception):
    """A cookie-authenticated unsafe request without the session's CSRF token (→ 403)."""


DOMAIN_STATUS = {NotFound: 404, PermissionDenied: 403, Conflict: 409, InvalidInput: 422}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, status: int, message: str, headers: dict | None = None) -> Response:
    """JSON `{"detail": …}` for the API; the pages' Vietnamese error view for browsers."""
    if not is_api(request):
        try:
            from api.pages.errors import render_error
        except ModuleNotFoundError as exc:
            if not (exc.name or "").startswith("api.pages"):
                raise
        else:
            response = render_error(request, status, message)
            if headers:
                response.headers.update(headers)
            return response
    return JSONResponse({"detail": message}, status_code=status, headers=headers)


def _domain(status: int):
    async def handler(request: Request, exc: Exception) -> Response:
        return error_response(request, status, str(exc))

    return handler


async def _not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
    if is_api(request):
        return JSONResponse({"detail": str(exc)}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


async def _csrf_failed(request: Request, exc: CsrfFailed) -> Response:
    return error_response(request, 403, str(exc))


async def _validation(request: Request, exc: RequestValidationError) -> Response:
    if is_api(request):
        return JSONResponse({"detail": _jsonable_errors(exc.errors())}, status_code=422)
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
    return error_response(request, 422, f"{where}: {first.get('msg', 'invalid input')}".strip(": "))


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
    return error_response(request, 422, f"invalid value: {reason}")


async def _overflow(request: Request, exc: OverflowError) -> Response:
    return error_response(request, 422, f"number out of range: {exc}")


async def _http(request: Request, exc: StarletteHTTPException) -> Response:
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if is_api(request) and not isinstance(exc.detail, str):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    return error_response(request, exc.status_code, detail, headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    """Register every mapping on `app`."""
    for exc_type, status in DOMAIN_STATUS.items():
        app.add_exception_handler(exc_type, _domain(status))
    app.add_exception_handler(NotAuthenticated, _not_authenticated)
    app.add_exception_handler(CsrfFailed, _csrf_failed)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(OverflowError, _overflow)
