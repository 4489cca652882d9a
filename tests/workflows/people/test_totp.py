"""The optional second factor: enrolment, codes once each, recovery codes, switch-off and admin reset."""

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlmodel import select

from models import AuditEvent, RecoveryCode, SecondFactor
from tests.builders import add_agency, add_user
from workflows.kernel.actors import Actor
from workflows.kernel.errors import Conflict, InvalidInput, PermissionDenied
from workflows.people import totp

NOW = datetime(2023, 7, 1, 2, 0, 0, tzinfo=UTC)


def _code(factor: SecondFactor, at: datetime) -> str:
    return pyotp.TOTP(factor.secret).at(at)


@pytest.fixture
def desk(session):
    user = add_user(session, "thuongtruc", "secretariat")
    return user, Actor.of(user)


def _enrolled(session, user, actor) -> list[str]:
    factor = totp.start_enrolment(session, actor, NOW)
    return totp.confirm_enrolment(session, actor, _code(factor, NOW), NOW)


def test_enrolment_needs_a_right_first_code_and_gives_ten_hashed_recovery_codes(session, desk):
    user, actor = desk
    factor = totp.start_enrolment(session, actor, NOW)
    assert not totp.requires_code(session, user)  # pending: the password alone still signs in
    assert totp.provisioning_uri(user, factor.secret).startswith("otpauth://totp/plantrack:thuongtruc?")
    with pytest.raises(InvalidInput) as wrong:
        totp.confirm_enrolment(session, actor, "000000" if _code(factor, NOW) != "000000" else "111111", NOW)
    assert wrong.value.code == "totp.code_wrong" and not totp.requires_code(session, user)
    codes = totp.confirm_enrolment(session, actor, _code(factor, NOW), NOW)
    assert len(codes) == len(set(codes)) == 10 and totp.requires_code(session, user)
    stored = session.exec(select(RecoveryCode.code_sha256).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not {c.replace("-", "") for c in codes} & set(stored)  # never in the clear
    on = session.exec(select(AuditEvent).where(AuditEvent.action == "user.totp_on")).one()
    assert on.entity_id == user.id
    with pytest.raises(Conflict):
        totp.start_enrolment(session, actor, NOW)  # once on, a new key needs a switch-off or a reset


def test_only_secretariat_and_admin_accounts_enrol(session):
    agency = add_agency(session, "Sở Y tế", code="syt")
    for role, agency_id in (("focal", agency), ("head", agency), ("leader", None)):
        actor = Actor.of(add_user(session, f"u-{role}", role, agency_id))
        assert not totp.may_enrol(actor)
        with pytest.raises(PermissionDenied):
            totp.start_enrolment(session, actor, NOW)
    assert totp.may_enrol(Actor.of(add_user(session, "quantri", "admin")))


def test_a_code_signs_in_once_within_one_step_of_drift(session, desk):
    user, actor = desk
    _enrolled(session, user, actor)
    factor = totp.factor_of(session, user.id)
    later = NOW + timedelta(minutes=5)
    assert not totp.check_code(session, user, _code(factor, NOW), later)  # ten steps old
    assert totp.check_code(session, user, _code(factor, later - timedelta(seconds=30)), later)  # drift
    assert not totp.check_code(session, user, _code(factor, later - timedelta(seconds=30)), later)  # replay
    assert totp.check_code(session, user, _code(factor, later), later)
    assert not totp.check_code(session, user, "12345", later) and not totp.check_code(
        session, user, "", later
    )


def test_a_recovery_code_works_once(session, desk):
    user, actor = desk
    codes = _enrolled(session, user, actor)
    assert totp.check_code(session, user, codes[0].upper().replace("-", " "), NOW)  # as typed from paper
    assert not totp.check_code(session, user, codes[0], NOW)
    assert totp.recovery_codes_left(session, user.id) == 9
    used = session.exec(select(AuditEvent).where(AuditEvent.action == "user.recovery_code_used")).one()
    assert used.after == {"left": 9}


def test_switch_off_needs_a_code_and_admin_reset_removes_everything(session, desk):
    user, actor = desk
    codes = _enrolled(session, user, actor)
    with pytest.raises(InvalidInput):
        totp.switch_off(session, actor, "abcde-fghjk", NOW)
    assert totp.requires_code(session, user)
    totp.switch_off(session, actor, codes[1], NOW)
    assert not totp.requires_code(session, user)
    assert session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []

    _enrolled(session, user, actor)
    with pytest.raises(PermissionDenied):
        totp.reset(session, actor, user.id)  # the secretariat cannot reset, not even its own
    admin = Actor.of(add_user(session, "quantri", "admin"))
    assert totp.reset(session, admin, user.id) is True
    assert not totp.requires_code(session, user) and totp.factor_of(session, user.id) is None
    assert totp.reset(session, admin, user.id) is False
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity_id == user.id)).all()
    assert {"user.totp_on", "user.totp_off", "user.totp_reset"} <= set(actions)
