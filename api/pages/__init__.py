"""Server-rendered pages in Vietnamese (Jinja2): sign-in, inbox, checkpoint, desk, reports, exports."""

from fastapi import APIRouter

from api.pages import (
    account,
    auth,
    checkpoints,
    desk,
    exports,
    imports,
    inbox,
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
):  # /plans/import before /plans/{id}
    router.include_router(_module.router)
