"""Users: who am I; the admin's list, create and deactivate."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlmodel import Field, SQLModel

from api.deps import ActorDep, CurrentUser, SessionDep, require_roles
from api.pagination import PagingDep, paginate
from api.schemas import IdPath, Paged, id_query
from api.security import request_now
from models.user import Role, User, UserCreate, UserPublic
from workflows.people import sessions as sign_ins
from workflows.people import totp, users

router = APIRouter(prefix="/users", tags=["users"])
AdminOnly = [Depends(require_roles(Role.admin))]


def _public(user: User) -> UserPublic:
    return UserPublic.model_validate(user, from_attributes=True)


@router.get("/me", response_model=UserPublic, summary="The signed-in user")
def me(user: CurrentUser) -> UserPublic:
    return _public(user)


class PasswordChange(SQLModel):
    current_password: str = Field(default="", max_length=200)
    new_password: str = Field(max_length=200)


@router.post("/me/password", status_code=204, summary="Change my password (ends my other sessions)")
def change_my_password(data: PasswordChange, request: Request, session: SessionDep, actor: ActorDep) -> None:
    keep = getattr(request.state, "sign_in_id", None)
    users.set_password(session, actor, actor.user_id, data.new_password, data.current_password, keep)


@router.post(
    "/{user_id}/sign-out",
    summary="Sign a user out everywhere (admin): every session and token ends",
    dependencies=AdminOnly,
)
def sign_out_everywhere(user_id: IdPath, session: SessionDep, actor: ActorDep) -> dict[str, int]:
    return {"ended": sign_ins.sign_out_everywhere(session, actor, user_id, request_now())}


@router.post(
    "/{user_id}/second-factor/reset",
    summary="Remove a user's two-step sign-in and recovery codes (admin; a lost phone)",
    dependencies=AdminOnly,
)
def reset_second_factor(user_id: IdPath, session: SessionDep, actor: ActorDep) -> dict[str, bool]:
    return {"removed": totp.reset(session, actor, user_id)}


@router.get("", response_model=Paged[UserPublic], summary="List users (admin)", dependencies=AdminOnly)
def list_users(
    session: SessionDep,
    page: PagingDep,
    role: Annotated[Role | None, Query()] = None,
    agency_id: Annotated[int | None, id_query("only users of this agency")] = None,
    active: bool | None = None,
) -> Paged[UserPublic]:
    return paginate(session, users.users_query(role, agency_id, active), page, _public)


@router.post(
    "", response_model=UserPublic, status_code=201, summary="Create a user (admin)", dependencies=AdminOnly
)
def create_user(data: UserCreate, session: SessionDep, actor: ActorDep) -> UserPublic:
    return _public(users.create_user(session, actor, data))


@router.post(
    "/{user_id}/deactivate",
    response_model=UserPublic,
    summary="Deactivate a user (admin)",
    dependencies=AdminOnly,
)
def deactivate_user(user_id: IdPath, session: SessionDep, actor: ActorDep) -> UserPublic:
    return _public(users.deactivate(session, actor, user_id))
