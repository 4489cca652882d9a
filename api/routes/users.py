"""Users: who am I; the admin's list, create and deactivate."""
from fastapi import APIRouter

from api.deps import CurrentUser
from models.user import UserPublic

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/me", response_model=UserPublic, summary="The signed-in user")
def me(user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(user, from_attributes=True)
