"""Agencies report an indicator's value for a reporting period; the secretariat accepts or returns it.

- report: a focal point of the indicator's owner or of a contributor, for a quarter that has
  started and is not after the indicator's year; one value per agency and period awaiting review
  or accepted (a returned value is reported again as a new row, history kept);
- accept / return (with a reason): the secretariat or an admin, while the value awaits review.
Every step writes an audit event; a return notifies the agency through the outbox.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date

from sqlalchemy import update
from sqlmodel import Session, select

from models import Agency, Indicator, IndicatorContributor, IndicatorValue, Plan, User, ValueStatus
from models.user import Role
from workflows.checkpoints.evidence import check_link
from workflows.indicators.progress import measure_of, parse_value
from workflows.kernel import audit
from workflows.kernel.actors import Actor, require_role
from workflows.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from workflows.kernel.outbox import enqueue
from workflows.kernel.quarters import quarter_bounds, quarter_label

REVIEWER_ROLES = (Role.secretariat, Role.admin)
MAX_NOTE = 5_000


@dataclass(frozen=True)
class ValueInput:
    """What the focal point filled in (as typed)."""

    year: int
    quarter: int
    value: str
    note: str = ""
    evidence_url: str = ""


def reporting_agencies(session: Session, indicator: Indicator) -> set[int]:
    """The owner and the contributors: the agencies that may report toward the indicator."""
    contributors = session.exec(
        select(IndicatorContributor.agency_id).where(IndicatorContributor.indicator_id == indicator.id)
    ).all()
    return set(contributors) | ({indicator.owner_agency_id} if indicator.owner_agency_id else set())


def get_indicator(session: Session, actor: Actor, indicator_id: int) -> Indicator:
    """The indicator, or not found (also for an agency user whose agency does not report on it)."""
    indicator = session.get(Indicator, indicator_id)
    if indicator is None or (
        not actor.sees_all and actor.agency_id not in reporting_agencies(session, indicator)
    ):
        raise NotFound("not_found", what="indicator", id=indicator_id)
    return indicator


def report_value(
    session: Session, actor: Actor, indicator_id: int, data: ValueInput, today: date
) -> IndicatorValue:
    """Record a value for a period; it awaits the secretariat's review."""
    indicator = get_indicator(session, actor, indicator_id)
    if actor.role != Role.focal or actor.agency_id not in reporting_agencies(session, indicator):
        raise PermissionDenied("indicator.not_reporter")
    value = parse_value(data.value, measure_of(indicator.target, indicator.unit))
    first, last = _period(session, indicator, data.year, data.quarter, today)
    note = unicodedata.normalize("NFC", data.note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput("submission.note_too_long", n=len(note), max=MAX_NOTE)
    url = _evidence_url(data.evidence_url)
    taken = session.exec(
        select(IndicatorValue.id, IndicatorValue.status).where(
            IndicatorValue.indicator_id == indicator.id,
            IndicatorValue.agency_id == actor.agency_id,
            IndicatorValue.period_end == last,
            IndicatorValue.status.in_([ValueStatus.pending, ValueStatus.accepted]),
        )
    ).first()
    if taken:
        raise Conflict(
            "indicator.value_exists", period=quarter_label(data.year, data.quarter), state=taken[1]
        )
    row = IndicatorValue(
        indicator_id=indicator.id,
        agency_id=actor.agency_id,
        author_id=actor.user_id,
        period_label=quarter_label(data.year, data.quarter),
        period_end=last,
        value=value,
        note=note,
        evidence_url=url,
        reported_on=today,
    )
    session.add(row)
    session.flush()
    audit.record(session, actor, "indicator.report", "indicator", indicator.id, None, _facts(row))
    return row


def accept_value(session: Session, actor: Actor, value_id: int, today: date) -> IndicatorValue:
    """Accept a reported value: it counts toward the indicator's progress."""
    return _decide(session, actor, value_id, ValueStatus.accepted, "", today)


def return_value(session: Session, actor: Actor, value_id: int, reason: str, today: date) -> IndicatorValue:
    """Return a reported value with a reason; the agency reports it again."""
    reason = unicodedata.normalize("NFC", reason or "").strip()
    if not reason:
        raise InvalidInput("review.reason_missing")
    if len(reason) > MAX_NOTE:
        raise InvalidInput("review.reason_too_long", n=len(reason), max=MAX_NOTE)
    return _decide(session, actor, value_id, ValueStatus.returned, reason, today)


def _decide(
    session: Session, actor: Actor, value_id: int, status: ValueStatus, reason: str, today: date
) -> IndicatorValue:
    require_role(actor, *REVIEWER_ROLES)
    row = session.get(IndicatorValue, value_id)
    if row is None:
        raise NotFound("not_found", what="indicator value", id=value_id)
    before = _facts(row)
    # the WHERE on status makes a second reviewer's click a refusal, not a second decision
    done = session.execute(
        update(IndicatorValue)
        .where(IndicatorValue.id == value_id, IndicatorValue.status == ValueStatus.pending)
        .values(status=status, reviewer_id=actor.user_id, reviewed_on=today, return_reason=reason)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(row)
    if not done:
        raise Conflict("indicator.already_decided", id=value_id, state=row.status)
    audit.record(
        session, actor, f"indicator.{status.value}", "indicator", row.indicator_id, before, _facts(row)
    )
    if status is ValueStatus.returned:
        enqueue(
            session,
            f"notice:indicator_returned:{row.id}",
            "notice_indicator_returned",
            _notice_context(session, actor, row),
            audience="focal",
            agency_id=row.agency_id,
        )
    return row


def _period(
    session: Session, indicator: Indicator, year: int, quarter: int, today: date
) -> tuple[date, date]:
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2100:
        raise InvalidInput("indicator.period_invalid", year=year, quarter=quarter)
    first, last = quarter_bounds(year, quarter)
    if first > today:
        raise InvalidInput("indicator.period_future", period=quarter_label(year, quarter))
    plan = session.get(Plan, indicator.plan_id)
    if last < plan.issued_on.replace(day=1):
        raise InvalidInput("indicator.period_before_plan", period=quarter_label(year, quarter))
    return first, last


def _evidence_url(text: str) -> str:
    url = (text or "").strip()
    return check_link(url) if url else ""


def _facts(row: IndicatorValue) -> dict:
    return {
        "value_id": row.id,
        "agency_id": row.agency_id,
        "period": row.period_label,
        "value": row.value,
        "status": row.status,
        "reason": row.return_reason,
    }


def _notice_context(session: Session, actor: Actor, row: IndicatorValue) -> dict:
    indicator = session.get(Indicator, row.indicator_id)
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    return {
        "indicator_id": indicator.id,
        "indicator_text": indicator.text,
        "agency_name": session.get(Agency, row.agency_id).name,
        "period_label": row.period_label,
        "reason": row.return_reason,
        "reviewer": (user.full_name or user.username) if user else actor.label,
    }
