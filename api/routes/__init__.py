"""The JSON API under /api/v1: one module a resource."""

from fastapi import APIRouter

from api.routes import (
    agencies,
    audit,
    auth,
    checkpoints,
    escalations,
    evidence,
    extensions,
    plans,
    rollups,
    search,
    submissions,
    tasks,
    users,
)

router = APIRouter()
for _module in (
    auth,
    users,
    agencies,
    plans,
    tasks,
    checkpoints,
    search,
    submissions,
    evidence,
    extensions,
    rollups,
    escalations,
    audit,
):
    router.include_router(_module.router)
