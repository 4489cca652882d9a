"""The JSON API under /api/v1: one module a resource."""
from fastapi import APIRouter

from api.routes import auth, users

router = APIRouter()
for _module in (auth, users):
    router.include_router(_module.router)
