"""The FastAPI application factory (`uvicorn --factory api.app:create_app`)."""

from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from swagger_ui_bundle import swagger_ui_path

from api.bodyguard import BodyGuard
from api.deps import refuse_control_chars_in_forms
from api.errors import install_error_handlers
from api.headers import SecurityHeaders
from api.limits import BodySizeLimit, PageGate
from api.pages import router as pages_router
from api.pages.checkpoints import KEEPS_FORM_ON_413
from api.pages.errors import render_error
from api.routes import router as api_router
from api.security import load_secret_key
from api.snapshots import Snapshots
from models.config import Settings, get_settings
from models.db import engine_for
from workflows.checkpoints.evidence import EvidenceStore

STATIC_DIR = Path(__file__).parent / "static"
UPLOAD_OVERHEAD = 1024 * 1024  # multipart framing, the note and link fields around the files
# pages and JSON shrink 5-10x; evidence and exports that are already compressed are sent as they are
GZIP_LEVEL = 5  # most of level 9's gain for a fraction of its CPU
GZIP_SKIP = (
    *DEFAULT_EXCLUDED_CONTENT_TYPES,
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",  # .docx is a zip
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",  # .xlsx
)


def _serve_docs_offline(app: FastAPI) -> None:
    """Swagger UI from the swagger-ui-bundle package, not a CDN: offices may have no Internet."""
    app.mount("/api/v1/docs-assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/api/v1/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url,
            title="plantrack — API",
            swagger_js_url="/api/v1/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/api/v1/docs-assets/swagger-ui.css",
            swagger_favicon_url="/api/v1/docs-assets/favicon-32x32.png",
        )


def _document_bearer_auth(app: FastAPI) -> None:
    """Declare the bearer scheme in the OpenAPI schema (clients and the docs' Authorize button)."""
    generate = app.openapi

    def openapi() -> dict:
        schema = generate()  # cached by FastAPI after the first call; the edits below are idempotent
        schema.setdefault("components", {}).setdefault("securitySchemes", {})["bearer"] = {
            "type": "http",
            "scheme": "bearer",
            "description": "token from POST /api/v1/auth/token (or the session cookie + X-CSRF-Token)",
        }
        schema["security"] = [{"bearer": []}]
        return schema

    app.openapi = openapi


def create_app(
    settings: Settings | None = None, engine: Engine | None = None, today: date | None = None
) -> FastAPI:
    """A configured app; `today` pins the calendar date (tests, demos)."""
    settings = settings or get_settings()
    engine = engine if engine is not None else engine_for(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # a worker killed mid-upload leaves a half-written temp file (only stale ones go)
        EvidenceStore.from_settings(settings).remove_temp_files()
        app.state.scheduler = None
        if settings.scheduler_enabled:
            from workflows.runtime.scheduler import start_scheduler  # lazy: APScheduler only when enabled

            # a follower (another worker leads) campaigns to take over when the leader leaves
            app.state.scheduler = start_scheduler(settings, engine)
        try:
            yield
        finally:
            if app.state.scheduler is not None:
                # let a running job finish its unit of work; off the event loop
                await run_in_threadpool(app.state.scheduler.shutdown, True)
                app.state.scheduler = None

    app = FastAPI(
        title="plantrack",
        version="1",
        summary="Theo dõi thực hiện kế hoạch — JSON API",
        lifespan=lifespan,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(refuse_control_chars_in_forms)],
    )
    _document_bearer_auth(app)
    _serve_docs_offline(app)
    app.state.settings = settings
    app.state.engine = engine
    app.state.page_gate = PageGate(settings.heavy_pages, settings.heavy_queue, settings.heavy_wait_s)
    app.state.today = today
    app.state.snapshots = Snapshots(settings.view_cache_s)
    app.state.secret_key = load_secret_key(settings)
    install_error_handlers(app, render_error)
    app.add_middleware(BodyGuard)
    app.add_middleware(
        BodySizeLimit, max_bytes=settings.max_upload_bytes + UPLOAD_OVERHEAD, keeps_form=KEEPS_FORM_ON_413
    )
    app.add_middleware(
        GZipMiddleware, minimum_size=1000, compresslevel=GZIP_LEVEL, exclude_content_types=GZIP_SKIP
    )
    app.add_middleware(SecurityHeaders)  # outermost: every answer carries the headers, refusals too
    STATIC_DIR.mkdir(exist_ok=True)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(api_router, prefix="/api/v1")
    app.include_router(pages_router, include_in_schema=False)
    return app
