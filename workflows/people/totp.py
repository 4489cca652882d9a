"""The optional second factor of secretariat and admin accounts: TOTP codes and recovery codes.

Enrolment is two steps: `start_enrolment` keeps a new key pending and shows it (an otpauth URI
for an authenticator app); `confirm_enrolment` with a first right code switches it on and returns
ten one-time recovery codes, shown once and stored as sha256. From then on a sign-in needs the
password and then `check_code`: a code of the current 30-second step (one step of clock drift
either way), each step accepted once, or an unused recovery code. The caller throttles wrong
codes like wrong passwords. An admin resets a user's factor (a lost phone); the user may switch
it off with a code.
"""

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from models.user import RecoveryCode, Role, SecondFactor, User
from workflows.kernel import audit
from workflows.kernel.actors import Actor, require_role
from workflows.kernel.errors import Conflict, InvalidInput, NotFound

FACTOR_ROLES = (Role.secretariat, Role.admin)  # the accounts that see and change every agency's records
ISSUER = "plantrack"
STEP_S = 30
DRIFT_STEPS = 1  # a code of the previous or next step is still accepted (phone clocks drift)
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def factor_of(session: Session, user_id: int) -> SecondFactor | None:
    """The user's key, pending or on."""
    return session.exec(select(SecondFactor).where(SecondFactor.user_id == user_id)).first()


def requires_code(session: Session, user: User) -> bool:
    """True when signing in as `user` needs a code after the password."""
    factor = factor_of(session, user.id)
    return factor is not None and factor.confirmed_at is not None


def may_enrol(actor: Actor) -> bool:
    """Only secretariat and admin accounts may add a second factor."""
    return actor.role in FACTOR_ROLES


def provisioning_uri(user: User, secret: str, issuer: str = ISSUER) -> str:
    """The otpauth:// URI an authenticator app reads (from the QR code or typed in)."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)


def start_enrolment(session: Session, actor: Actor, now: datetime) -> SecondFactor:
    """A new pending key for the actor (replacing a pending one); refused once a factor is on."""
    require_role(actor, *FACTOR_ROLES)
    factor = factor_of(session, actor.user_id)
    if factor is not None and factor.confirmed_at is not None:
        raise Conflict("totp.already_on")
    if factor is None:
        factor = SecondFactor(user_id=actor.user_id, secret="")
    factor.secret, factor.created_at, factor.last_step = pyotp.random_base32(), now, 0
    session.add(factor)
    session.flush()
    return factor


def confirm_enrolment(session: Session, actor: Actor, code: str, now: datetime) -> list[str]:
    """Switch the pending key on with a first right code; returns the recovery codes (shown once)."""
    require_role(actor, *FACTOR_ROLES)
    factor = factor_of(session, actor.user_id)
    if factor is None:
        raise Conflict("totp.not_started")
    if factor.confirmed_at is not None:
        raise Conflict("totp.already_on")
    step = _matching_step(factor, code, now)
    if step is None:
        raise InvalidInput("totp.code_wrong")
    factor.confirmed_at, factor.last_step = now, step
    session.add(factor)
    codes = _new_recovery_codes(session, actor.user_id)
    audit.record(session, actor, "user.totp_on", "user", actor.user_id, None, {"recovery_codes": len(codes)})
    return codes


def check_code(session: Session, user: User, code: str, now: datetime) -> bool:
    """A right code for `user`'s factor (a TOTP step not used before, or an unused recovery code)."""
    factor = factor_of(session, user.id)
    if factor is None or factor.confirmed_at is None:
        return False
    cleaned = _clean(code)
    if len(cleaned) == 6 and cleaned.isdigit():
        step = _matching_step(factor, cleaned, now)
        if step is None or step <= factor.last_step:
            return False  # wrong, or a code already used (replayed)
        # conditional on the step seen: two requests with one code cannot both win
        won = session.execute(
            update(SecondFactor)
            .where(col(SecondFactor.id) == factor.id, col(SecondFactor.last_step) < step)
            .values(last_step=step)
        ).rowcount
        return bool(won)
    unused = (
        col(RecoveryCode.user_id) == user.id,
        col(RecoveryCode.code_sha256) == _recovery_hash(user.id, cleaned),
        col(RecoveryCode.used_at).is_(None),
    )
    if session.exec(select(RecoveryCode.id).where(*unused)).first() is None:
        return False  # read first: a wrong code writes nothing (the failure is counted elsewhere)
    used = session.execute(update(RecoveryCode).where(*unused).values(used_at=now)).rowcount
    if used:
        left = recovery_codes_left(session, user.id)
        audit.record(
            session, Actor.of(user), "user.recovery_code_used", "user", user.id, None, {"left": left}
        )
    return bool(used)


def recovery_codes_left(session: Session, user_id: int) -> int:
    """Unused recovery codes of a user."""
    rows = session.exec(
        select(RecoveryCode.id).where(RecoveryCode.user_id == user_id, col(RecoveryCode.used_at).is_(None))
    ).all()
    return len(rows)


def switch_off(session: Session, actor: Actor, code: str, now: datetime) -> None:
    """The user switches their own factor off, proving it with a code."""
    user = session.get(User, actor.user_id)
    if user is None or not requires_code(session, user):
        raise Conflict("totp.not_on")
    if not check_code(session, user, code, now):
        raise InvalidInput("totp.code_wrong")
    _remove(session, user.id)
    audit.record(session, actor, "user.totp_off", "user", user.id, {"totp": "on"}, {"totp": "off"})


def reset(session: Session, actor: Actor, user_id: int) -> bool:
    """An admin (or the CLI) removes a user's factor and recovery codes; False when it had none."""
    require_role(actor, Role.admin, "system")
    if session.get(User, user_id) is None:
        raise NotFound("not_found", what="user", id=user_id)
    had = factor_of(session, user_id) is not None
    _remove(session, user_id)
    audit.record(session, actor, "user.totp_reset", "user", user_id, {"totp": had}, {"totp": False})
    return had


def _remove(session: Session, user_id: int) -> None:
    session.execute(delete(SecondFactor).where(col(SecondFactor.user_id) == user_id))
    session.execute(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id))
    session.flush()


def _matching_step(factor: SecondFactor, code: str, now: datetime) -> int | None:
    """The 30-second step whose code `code` is (within the drift), else None."""
    cleaned = _clean(code)
    if len(cleaned) != 6 or not cleaned.isdigit():
        return None
    totp = pyotp.TOTP(factor.secret, interval=STEP_S)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), cleaned):
            return step
    return None


def _new_recovery_codes(session: Session, user_id: int) -> list[str]:
    session.execute(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))  # ~49 bits
        codes.append(f"{raw[:5]}-{raw[5:]}")
        session.add(RecoveryCode(user_id=user_id, code_sha256=_recovery_hash(user_id, raw)))
    session.flush()
    return codes


def _recovery_hash(user_id: int, cleaned: str) -> str:
    return hashlib.sha256(f"{user_id}:{cleaned}".encode()).hexdigest()


def _clean(code: str) -> str:
    """A code as typed, without spaces and dashes, lower case ("123 456", "ABCDE-FGHJK")."""
    return "".join(ch for ch in (code or "")[:40] if ch not in " -\t").lower()
