"""Indicators with their progress, the values awaiting review, an indicator's history: one query each."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, func, or_, select
from sqlmodel import Session

from models import Agency, Indicator, IndicatorContributor, IndicatorValue, Plan, ValueStatus
from workflows.indicators.progress import (
    STATUS_LABELS_VI,
    IndicatorStatus,
    Measure,
    indicator_status,
    measure_of,
    progress_pct,
    show_value,
)
from workflows.kernel.actors import Actor


@dataclass(frozen=True)
class IndicatorProgress:
    id: int
    plan_id: int
    ref: str
    text: str
    target: str
    unit: str
    due_date: date | None
    owner_id: int | None
    owner_name: str | None
    value: float | None  # the owner's latest accepted value
    value_period: str | None
    pending: int  # values awaiting review
    progress: float | None
    status: IndicatorStatus

    @property
    def measure(self) -> Measure:
        return measure_of(self.target, self.unit)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS_VI[self.status]

    @property
    def value_text(self) -> str:
        return show_value(self.value, self.target, self.unit)

    @property
    def target_text(self) -> str:
        if self.measure is Measure.yesno:
            return "Đạt"
        return self.target if self.measure is Measure.percent else f"{self.target} {self.unit}".strip()


def indicator_progress(
    session: Session,
    today: date,
    plan_id: int | None = None,
    agency_id: int | None = None,
    as_of: date | None = None,
    plan_ids: list[int] | None = None,
) -> list[IndicatorProgress]:
    """Indicators (of a plan or of `plan_ids`, of an agency as owner or contributor) with progress from
    accepted values.

    `as_of` counts only values for periods ending on or before it (a quarter's report).
    """
    v = IndicatorValue
    accepted = [v.status == ValueStatus.accepted]
    if as_of is not None:
        accepted.append(v.period_end <= as_of)
    latest = (
        select(
            v.indicator_id,
            v.value,
            v.period_label,
            func.row_number()
            .over(partition_by=v.indicator_id, order_by=(v.period_end.desc(), v.id.desc()))
            .label("rn"),
        )
        .join(Indicator, and_(Indicator.id == v.indicator_id, Indicator.owner_agency_id == v.agency_id))
        .where(*accepted)
        .subquery()
    )
    pending = (
        select(v.indicator_id, func.count(v.id).label("n"))
        .where(v.status == ValueStatus.pending)
        .group_by(v.indicator_id)
        .subquery()
    )
    stmt = (
        select(
            Indicator.id,
            Indicator.plan_id,
            Indicator.ref,
            Indicator.text,
            Indicator.target,
            Indicator.unit,
            Indicator.due_date,
            Indicator.owner_agency_id,
            Agency.name,
            latest.c.value,
            latest.c.period_label,
            func.coalesce(pending.c.n, 0),
            Plan.issued_on,
        )
        .join(Plan, Plan.id == Indicator.plan_id)
        .outerjoin(Agency, Agency.id == Indicator.owner_agency_id)
        .outerjoin(latest, and_(latest.c.indicator_id == Indicator.id, latest.c.rn == 1))
        .outerjoin(pending, pending.c.indicator_id == Indicator.id)
        .order_by(Indicator.plan_id, Indicator.id)
    )
    if plan_id is not None:
        stmt = stmt.where(Indicator.plan_id == plan_id)
    if plan_ids is not None:
        stmt = stmt.where(Indicator.plan_id.in_(plan_ids))
    if agency_id is not None:
        contributes = exists().where(
            IndicatorContributor.indicator_id == Indicator.id, IndicatorContributor.agency_id == agency_id
        )
        stmt = stmt.where(or_(Indicator.owner_agency_id == agency_id, contributes))
    return [_progress(row, today) for row in session.execute(stmt).all()]


def _progress(row, today: date) -> IndicatorProgress:
    (id_, plan_id, ref, text, target, unit, due, owner_id, owner, value, period, n, issued_on) = row
    pct = progress_pct(value, target, unit)
    status = indicator_status(pct, measure_of(target, unit), issued_on, due, today)
    return IndicatorProgress(
        id_, plan_id, ref, text, target, unit, due, owner_id, owner, value, period, int(n), pct, status
    )


def status_counts(items: list[IndicatorProgress]) -> dict[IndicatorStatus, int]:
    """How many indicators are in each status, in the order the statuses are listed."""
    return {s: sum(1 for i in items if i.status is s) for s in IndicatorStatus}


@dataclass(frozen=True)
class ValueRow:
    id: int
    indicator_id: int
    indicator_ref: str
    indicator_text: str
    target: str
    unit: str
    agency_id: int
    agency_name: str
    period_label: str
    value: float
    note: str
    evidence_url: str
    status: str
    reported_on: date
    reviewed_on: date | None
    return_reason: str

    @property
    def value_text(self) -> str:
        return show_value(self.value, self.target, self.unit)


def _value_rows():
    v = IndicatorValue
    return (
        select(
            v.id,
            v.indicator_id,
            Indicator.ref,
            Indicator.text,
            Indicator.target,
            Indicator.unit,
            v.agency_id,
            Agency.name,
            v.period_label,
            v.value,
            v.note,
            v.evidence_url,
            v.status,
            v.reported_on,
            v.reviewed_on,
            v.return_reason,
        )
        .join(Indicator, Indicator.id == v.indicator_id)
        .join(Agency, Agency.id == v.agency_id)
    )


def values_awaiting_review(session: Session, limit: int = 50) -> list[ValueRow]:
    """Reported values the secretariat has not decided, oldest first."""
    stmt = (
        _value_rows()
        .where(IndicatorValue.status == ValueStatus.pending)
        .order_by(IndicatorValue.reported_on, IndicatorValue.id)
        .limit(limit)
    )
    return [ValueRow(*r) for r in session.execute(stmt).all()]


def indicator_values(session: Session, actor: Actor, indicator_id: int) -> list[ValueRow]:
    """Every value reported toward an indicator, newest period first (an agency user sees its own)."""
    stmt = _value_rows().where(IndicatorValue.indicator_id == indicator_id)
    if not actor.sees_all:
        stmt = stmt.where(IndicatorValue.agency_id == actor.agency_id)
    stmt = stmt.order_by(IndicatorValue.period_end.desc(), IndicatorValue.id.desc())
    return [ValueRow(*r) for r in session.execute(stmt).all()]
