"""Server-rendered pages in Vietnamese (Jinja2): sign-in, inbox, checkpoint, desk, reports, exports."""

from fastapi import APIRouter

from api.pages import (
    account,
    auth,
    checkpoints,
    desk,
    exports,
    followup,
    imports,
    inbox,
    indicators,
    overview,
    registry,
    review,
    search,
)

router = APIRouter()
for _module in (
    auth,
    account,
    inbox,
    checkpoints,
    desk,
    imports,
    review,
    overview,
    exports,
    search,
    registry,
    indicators,
    followup,
):  # /plans/import before /plans/{id}
    router.include_router(_module.router)
