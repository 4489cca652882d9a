"""Accounts: admin-only creation, agency binding by role, argon2 login, password changes, deactivation."""

import pytest
from sqlmodel import select

from models import AuditEvent, User
from models.user import UserCreate
from tests.builders import add_agency, add_user
from workflows.kernel.actors import SYSTEM, Actor
from workflows.kernel.errors import Conflict, InvalidInput, PermissionDenied
from workflows.people.users import authenticate, create_user, deactivate, set_password

PW = "mot-mat-khau-dai"


@pytest.fixture
def world(session):
    syt = add_agency(session, "Sở Y tế")
    admin = Actor.of(add_user(session, "admin", "admin"))
    focal = Actor.of(add_user(session, "syt.focal", "focal", syt))
    session.commit()
    return syt, admin, focal


def test_admin_creates_a_focal_point_who_can_sign_in(session, world):
    syt, admin, _ = world
    user = create_user(
        session,
        admin,
        UserCreate(
            username="syt.dm2",
            full_name="Nguyễn Thị Lan",
            email="lan@syt.test",
            role="focal",
            agency_id=syt.id,
            password=PW,
        ),
    )
    session.commit()
    assert user.password_hash.startswith("$argon2id$") and PW not in user.password_hash
    assert authenticate(session, "syt.dm2", PW).id == user.id
    assert authenticate(session, "syt.dm2", "sai-mat-khau") is None
    assert authenticate(session, "khong-co-ai", PW) is None
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "user.create")).one()
    assert event.actor_label == "admin" and event.after["agency_id"] == syt.id
    assert "password" not in str(event.after) and "argon2" not in str(event.after)


def test_only_an_admin_creates_users(session, world):
    syt, _, focal = world
    data = UserCreate(username="x.user", role="focal", agency_id=syt.id, password=PW)
    with pytest.raises(PermissionDenied):
        create_user(session, focal, data)
    assert create_user(session, SYSTEM, data).username == "x.user"  # the CLI's bootstrap path


@pytest.mark.parametrize(
    "role,bound,message",
    [
        ("focal", False, "must belong to an agency"),
        ("head", False, "must belong to an agency"),
        ("secretariat", True, "must not be bound"),
        ("leader", True, "must not be bound"),
        ("chief", False, "unknown role"),
    ],
)
def test_agency_binding_follows_the_role(session, world, role, bound, message):
    syt, admin, _ = world
    data = UserCreate(username="someone", role=role, agency_id=syt.id if bound else None, password=PW)
    with pytest.raises(InvalidInput, match=message):
        create_user(session, admin, data)
    assert session.exec(select(User).where(User.username == "someone")).first() is None


def test_duplicate_username_and_bad_input_are_refused(session, world):
    syt, admin, _ = world
    with pytest.raises(Conflict, match="taken"):
        create_user(
            session, admin, UserCreate(username="syt.focal", role="focal", agency_id=syt.id, password=PW)
        )
    with pytest.raises(InvalidInput, match="agency 999 does not exist"):
        create_user(session, admin, UserCreate(username="user1", role="head", agency_id=999, password=PW))
    with pytest.raises(InvalidInput, match="no spaces"):
        create_user(session, admin, UserCreate(username="có dấu cách", role="admin", password=PW))
    short = UserCreate.model_construct(
        username="user2", role="admin", agency_id=None, password="ngan", full_name="", email=None
    )
    with pytest.raises(InvalidInput, match="at least 8"):
        create_user(session, admin, short)


def test_inactive_agency_takes_no_new_users(session, world):
    _, admin, _ = world
    old = add_agency(session, "Sở Cũ", active=False)
    with pytest.raises(InvalidInput, match="inactive"):
        create_user(session, admin, UserCreate(username="user3", role="focal", agency_id=old.id, password=PW))


def test_set_password_self_needs_the_current_one_admin_resets(session, world):
    _, admin, focal = world
    with pytest.raises(PermissionDenied, match="current password"):
        set_password(session, focal, focal.user_id, "mat-khau-moi-1", current_password="sai")
    set_password(session, focal, focal.user_id, "mat-khau-moi-1", current_password="matkhau-demo-123")
    session.commit()
    assert authenticate(session, "syt.focal", "mat-khau-moi-1") is not None
    assert authenticate(session, "syt.focal", "matkhau-demo-123") is None
    other = Actor.of(add_user(session, "other", "secretariat"))
    with pytest.raises(PermissionDenied, match="another user's"):
        set_password(session, other, focal.user_id, "mat-khau-moi-2")
    set_password(session, admin, focal.user_id, "mat-khau-moi-3")
    with pytest.raises(InvalidInput, match="at least 8"):
        set_password(session, admin, focal.user_id, "ngan")
    session.commit()
    assert authenticate(session, "syt.focal", "mat-khau-moi-3") is not None


def test_deactivated_user_cannot_sign_in(session, world):
    _, admin, focal = world
    deactivate(session, admin, focal.user_id)
    session.commit()
    assert authenticate(session, "syt.focal", "matkhau-demo-123") is None
    with pytest.raises(Conflict, match="already inactive"):
        deactivate(session, admin, focal.user_id)
    with pytest.raises(InvalidInput, match="your own"):
        deactivate(session, admin, admin.user_id)
    with pytest.raises(PermissionDenied):
        deactivate(session, focal, admin.user_id)
    trail = session.exec(
        select(AuditEvent.action).where(
            AuditEvent.entity_id == focal.user_id, AuditEvent.entity_type == "user"
        )
    ).all()
    assert trail == ["user.deactivate"]
