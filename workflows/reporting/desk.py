"""The secretariat's desk: overdue work by age and agency, the review queue, escalations, extensions.

Age buckets of overdue items (days past the current due date): 1–7, 8–30, over 30 — the same
edges as the escalation ladder (due + 7: the secretariat's queue, due + 30: the leader).
The review queue lists the lead agencies' pending submissions, oldest first (first in, first out).
Escalations count only rungs fired for the checkpoint's current due date and still open work.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from models import (
    Agency,
    Checkpoint,
    CheckpointState,
    Escalation,
    Evidence,
    ExtensionRequest,
    Section,
    Submission,
    SubmissionKind,
    SubmissionStatus,
    Task,
    User,
)
from models.user import Role
from workflows.checkpoints.status import Status, overdue_columns, status_expr
from workflows.escalation.ladder import in_ladder_order
from workflows.escalation.queries import open_escalations
from workflows.kernel.actors import Actor, require_role
from workflows.reporting.worklists import CheckpointItem, checkpoint_items

DESK_ROLES = (Role.secretariat, Role.admin)
AGE_BUCKETS = (("1–7 ngày", 1, 7), ("8–30 ngày", 8, 30), ("trên 30 ngày", 31, None))
LIST_LIMIT = 50  # rows a desk list shows; its total is counted in SQL (national data: 10⁵ rows)


@dataclass
class OverdueByAgency:
    agency_id: int
    agency_name: str
    buckets: dict[str, int]
    total: int
    oldest_days: int


@dataclass(frozen=True)
class ReviewItem:
    submission_id: int
    checkpoint_id: int
    checkpoint_version: int
    agency_id: int
    agency_name: str
    task_ref: str
    section_ref: str
    task_text: str
    period_label: str
    due_date: date
    submitted_on: date
    round: int
    evidence_count: int
    author: str
    waiting_days: int


@dataclass(frozen=True)
class EscalationItem:
    rung: str
    checkpoint_id: int
    agency_name: str
    section_ref: str
    period_label: str
    due_date: date
    fired_on: date


@dataclass(frozen=True)
class ExtensionItem:
    extension_id: int
    checkpoint_id: int
    agency_id: int
    agency_name: str
    task_ref: str
    section_ref: str
    period_label: str
    previous_due: date
    requested_due: date
    reason: str
    requested_by: str


@dataclass
class Desk:
    overdue: list[CheckpointItem] = field(default_factory=list)
    overdue_by_agency: list[OverdueByAgency] = field(default_factory=list)
    review_queue: list[ReviewItem] = field(default_factory=list)
    escalations: dict[str, list[EscalationItem]] = field(default_factory=dict)
    extensions: list[ExtensionItem] = field(default_factory=list)
    review_total: int = 0  # review_queue, extensions and escalations hold the first LIST_LIMIT rows
    extension_total: int = 0
    escalation_totals: dict[str, int] = field(default_factory=dict)


def bucket_of(days: int) -> str:
    """The age bucket label of an item `days` past due."""
    for label, low, high in AGE_BUCKETS:
        if days >= low and (high is None or days <= high):
            return label
    return AGE_BUCKETS[0][0]


def overdue_items(
    session: Session, actor: Actor, today: date, plan_id: int | None = None
) -> list[CheckpointItem]:
    """Every overdue checkpoint, oldest due date first."""
    require_role(actor, *DESK_ROLES)
    # the status CASE, and the same condition in columns: a due-date range on ix_checkpoint_due_state
    filters = [status_expr(today) == Status.overdue.value, *overdue_columns(today)]
    if plan_id is not None:
        filters.append(Task.plan_id == plan_id)
    return checkpoint_items(session, today, *filters)


def overdue_by_agency(items: list[CheckpointItem]) -> list[OverdueByAgency]:
    """Overdue counts per agency and age bucket, the agencies with the oldest work first."""
    rows: dict[int, OverdueByAgency] = {}
    for item in items:
        row = rows.setdefault(
            item.agency_id,
            OverdueByAgency(
                item.agency_id, item.agency_name, {label: 0 for label, _, _ in AGE_BUCKETS}, 0, 0
            ),
        )
        row.buckets[bucket_of(item.days_late)] += 1
        row.total += 1
        row.oldest_days = max(row.oldest_days, item.days_late)
    return sorted(rows.values(), key=lambda r: (-r.oldest_days, -r.total, r.agency_name))


def _pending_reports():
    return (
        select(Submission.id)
        .join(Checkpoint, Checkpoint.id == Submission.checkpoint_id)
        .where(
            Submission.kind == SubmissionKind.report,
            Submission.status == SubmissionStatus.pending,
            Checkpoint.state == CheckpointState.submitted,
        )
    )


def review_total(session: Session) -> int:
    """How many reports await review."""
    return session.execute(select(func.count()).select_from(_pending_reports().subquery())).scalar_one()


def review_queue(
    session: Session, actor: Actor, today: date, limit: int | None = LIST_LIMIT
) -> list[ReviewItem]:
    """The review queue as the secretariat may see it (the first `limit`; None: all)."""
    require_role(actor, *DESK_ROLES)
    return pending_reports(session, today, limit)


def pending_reports(session: Session, today: date, limit: int | None = None) -> list[ReviewItem]:
    """Pending reports of lead agencies, oldest submission first (the desk and the daily digest)."""
    evidence = (  # counted for the rows shown only, not for every submission ever made
        select(func.count())
        .where(Evidence.submission_id == Submission.id, Evidence.withdrawn_at.is_(None))
        .scalar_subquery()
    )
    stmt = (
        select(
            Submission,
            Checkpoint,
            Task.ref,
            Task.text,
            Section.ref,
            Agency.name,
            User.full_name,
            User.username,
            evidence,
        )
        .join(Checkpoint, Checkpoint.id == Submission.checkpoint_id)
        .join(Task, Task.id == Checkpoint.task_id)
        .join(Section, Section.id == Task.section_id)
        .join(Agency, Agency.id == Submission.agency_id)
        .join(User, User.id == Submission.author_id)
        .where(
            Submission.kind == SubmissionKind.report,
            Submission.status == SubmissionStatus.pending,
            Checkpoint.state == CheckpointState.submitted,
        )
        .order_by(Submission.submitted_at, Submission.id)  # ix_submission_status_submitted
        .limit(limit)
    )
    return [
        ReviewItem(
            submission_id=sub.id,
            checkpoint_id=cp.id,
            checkpoint_version=cp.version,
            agency_id=sub.agency_id,
            agency_name=agency,
            task_ref=ref,
            section_ref=section_ref,
            task_text=text,
            period_label=cp.period_label,
            due_date=cp.due_date,
            submitted_on=sub.submitted_on,
            round=sub.round,
            evidence_count=int(n),
            author=full_name or username,
            waiting_days=max(0, (today - sub.submitted_on).days),
        )
        for sub, cp, ref, text, section_ref, agency, full_name, username, n in session.execute(stmt).all()
    ]


def _fired_by(today: date, *columns):
    """Open escalations (escalation/queries.py) fired on or before `today`."""
    return open_escalations(*columns).where(Escalation.fired_on <= today)


def escalation_totals(session: Session, today: date) -> dict[str, int]:
    """Fired rungs of still-open checkpoints, counted per rung, in ladder order."""
    stmt = _fired_by(today, Escalation.rung, func.count()).group_by(Escalation.rung)
    return dict(in_ladder_order(session.execute(stmt).tuples().all()))


def escalations_by_rung(
    session: Session,
    actor: Actor,
    today: date,
    limit: int | None = LIST_LIMIT,
    totals: dict[str, int] | None = None,
) -> dict[str, list[EscalationItem]]:
    """Fired rungs of still-open checkpoints, grouped by rung in ladder order, oldest first.

    The first `limit` of each rung (None: all); one LIMIT query per rung that has any.
    """
    require_role(actor, *DESK_ROLES)
    totals = escalation_totals(session, today) if totals is None else totals
    groups: dict[str, list[EscalationItem]] = {}
    for rung in totals:
        stmt = (
            _fired_by(today, Escalation, Agency.name, Section.ref, Checkpoint.period_label)
            .join(Section, Section.id == Task.section_id)
            .join(Agency, Agency.id == Checkpoint.agency_id)
            .where(Escalation.rung == rung)
            .order_by(Escalation.fired_on, Escalation.id)
            .limit(limit)
        )
        groups[rung] = [
            EscalationItem(esc.rung, esc.checkpoint_id, agency, ref, period, esc.due_date, esc.fired_on)
            for esc, agency, ref, period in session.execute(stmt).all()
        ]
    return groups


def extension_total(session: Session) -> int:
    """How many extension requests await a decision."""
    stmt = select(func.count()).select_from(ExtensionRequest).where(ExtensionRequest.status == "pending")
    return session.execute(stmt).scalar_one()


def pending_extensions(session: Session, actor: Actor, limit: int | None = LIST_LIMIT) -> list[ExtensionItem]:
    """Pending extension requests as the secretariat may see them (the first `limit`; None: all)."""
    require_role(actor, *DESK_ROLES)
    return pending_extension_requests(session, limit)


def pending_extension_requests(session: Session, limit: int | None = None) -> list[ExtensionItem]:
    """Extension requests awaiting a decision, oldest first (the desk and the daily digest)."""
    stmt = (
        select(
            ExtensionRequest,
            Checkpoint.agency_id,
            Agency.name,
            Task.ref,
            Section.ref,
            Checkpoint.period_label,
            User.full_name,
            User.username,
        )
        .join(Checkpoint, Checkpoint.id == ExtensionRequest.checkpoint_id)
        .join(Task, Task.id == Checkpoint.task_id)
        .join(Section, Section.id == Task.section_id)
        .join(Agency, Agency.id == Checkpoint.agency_id)
        .join(User, User.id == ExtensionRequest.requested_by)
        .where(ExtensionRequest.status == "pending")
        .order_by(ExtensionRequest.requested_at, ExtensionRequest.id)
        .limit(limit)
    )
    return [
        ExtensionItem(
            ext.id,
            ext.checkpoint_id,
            agency_id,
            agency,
            task_ref,
            section_ref,
            period,
            ext.previous_due,
            ext.requested_due,
            ext.reason,
            full_name or username,
        )
        for ext, agency_id, agency, task_ref, section_ref, period, full_name, username in session.execute(
            stmt
        ).all()
    ]


def desk(session: Session, actor: Actor, today: date, plan_id: int | None = None) -> Desk:
    """Everything the secretariat's desk shows except the matrix (see rollups.agency_area_matrix)."""
    overdue = overdue_items(session, actor, today, plan_id)
    rungs = escalation_totals(session, today)
    return Desk(
        overdue=overdue,
        overdue_by_agency=overdue_by_agency(overdue),
        review_queue=review_queue(session, actor, today),
        escalations=escalations_by_rung(session, actor, today, totals=rungs),
        extensions=pending_extensions(session, actor),
        review_total=review_total(session),
        extension_total=extension_total(session),
        escalation_totals=rungs,
    )
