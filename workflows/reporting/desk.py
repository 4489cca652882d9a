"""The secretariat's desk: overdue work by age and agency, the review queue, escalations, extensions.

Age buckets of overdue items (days past the current due date): 1–7, 8–30, over 30 — the same
edges as the escalation ladder (due + 7: the secretariat's queue, due + 30: the leader).
The review queue lists the lead agencies' pending submissions, oldest first (first in, first out).
Escalations count only rungs fired for the checkpoint's current due date and still open work.
Scope: a secretariat sees its own province's agencies (`desk_scope`); admins the whole country.
Every list holds its first LIST_LIMIT rows (GLANCE_LIMIT for those read at a glance), its total
counted in SQL; overdue counts per agency and age come from the maintained summary (national
data: 10⁵ overdue checkpoints).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlmodel import Session

from models import (
    Agency,
    AgencySummary,
    Checkpoint,
    CheckpointState,
    Escalation,
    Evidence,
    ExtensionRequest,
    Plan,
    Section,
    SectionSummary,
    Submission,
    SubmissionKind,
    SubmissionStatus,
    Task,
    User,
)
from models.user import Role
from workflows.checkpoints.status import overdue_columns
from workflows.escalation.ladder import in_ladder_order
from workflows.escalation.queries import open_escalations
from workflows.kernel.actors import Actor, require_role
from workflows.plans.queries import plans_in_scope
from workflows.plans.search import Search, search_filters
from workflows.reporting.worklists import CheckpointItem, checkpoint_items

DESK_ROLES = (Role.secretariat, Role.admin)
AGE_BUCKETS = (("1–7 ngày", 1, 7), ("8–30 ngày", 8, 30), ("trên 30 ngày", 31, None))
LIST_LIMIT = 50  # rows a desk list shows; its total is counted in SQL (national data: 10⁵ rows)
GLANCE_LIMIT = 20  # rows of the lists read at a glance (each rung's escalations, the oldest overdue items)


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
    plan_number: str = ""


@dataclass(frozen=True)
class EscalationItem:
    rung: str
    checkpoint_id: int
    agency_name: str
    section_ref: str
    period_label: str
    due_date: date
    fired_on: date
    plan_number: str = ""


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
    plan_number: str = ""


@dataclass
class Desk:
    scope: "DeskScope"
    overdue: list[CheckpointItem] = field(default_factory=list)  # the oldest LIST_LIMIT of overdue_total
    overdue_total: int = 0
    overdue_by_agency: list[OverdueByAgency] = field(default_factory=list)  # of overdue_agency_total
    overdue_agency_total: int = 0
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


@dataclass(frozen=True)
class DeskScope:
    """Whose work a desk shows: one province's agencies, or (None) the whole country."""

    province: str | None = None

    def agencies(self, column) -> list[ColumnElement[bool]]:
        """Conditions keeping `column` (an agency id) within the scope."""
        if self.province is None:
            return []
        return [column.in_(select(Agency.id).where(Agency.province == self.province))]


NATIONAL = DeskScope()


def desk_scope(session: Session, actor: Actor) -> DeskScope:
    """A secretariat works on its own agency's province; admins, and a secretariat of no province, on all."""
    require_role(actor, *DESK_ROLES)
    if actor.role != Role.secretariat or actor.agency_id is None:
        return NATIONAL
    agency = session.get(Agency, actor.agency_id)
    return DeskScope(agency.province) if agency is not None and agency.province else NATIONAL


def overdue_items(
    session: Session,
    actor: Actor,
    today: date,
    plan_id: int | None = None,
    scope: DeskScope = NATIONAL,
    limit: int | None = LIST_LIMIT,
) -> list[CheckpointItem]:
    """Overdue checkpoints of the plan (None: every active plan) in the scope, oldest due date first.

    The first `limit` (None: all).
    """
    require_role(actor, *DESK_ROLES)
    wanted = Search(plan_ids=(plan_id,) if plan_id is not None else (), overdue=True)
    filters = [*search_filters(session, today, wanted), *scope.agencies(Checkpoint.agency_id)]
    return checkpoint_items(session, today, *filters, limit=limit)


def _overdue_rows(today: date, plan_id: int | None, scope: DeskScope):
    """The summary's overdue rows in the scope (per agency over all plans, or per section of one plan)."""
    grain = AgencySummary if plan_id is None else SectionSummary
    where = [grain.n != 0, *overdue_columns(today, grain.state, grain.due_date)]
    where += scope.agencies(grain.agency_id)
    if plan_id is not None:
        where.append(grain.plan_id == plan_id)
    return grain, where


def overdue_total(
    session: Session, today: date, plan_id: int | None = None, scope: DeskScope = NATIONAL
) -> int:
    """How many checkpoints are overdue in the scope (from the summary)."""
    grain, where = _overdue_rows(today, plan_id, scope)
    return int(session.execute(select(func.coalesce(func.sum(grain.n), 0)).where(*where)).scalar_one())


def overdue_by_agency(
    session: Session,
    today: date,
    plan_id: int | None = None,
    scope: DeskScope = NATIONAL,
    limit: int | None = LIST_LIMIT,
) -> tuple[list[OverdueByAgency], int]:
    """Overdue counts per agency and age bucket, oldest work first (the first `limit`), and how many agencies.

    Read from the summary, whose rows keep the current due date of open and returned work.
    """
    grain, where = _overdue_rows(today, plan_id, scope)
    buckets = [
        func.sum(case((_aged(grain.due_date, today, low, high), grain.n), else_=0)).label(f"b{i}")
        for i, (_, low, high) in enumerate(AGE_BUCKETS)
    ]
    oldest = func.min(grain.due_date).label("oldest")
    total = func.sum(grain.n).label("total")
    per_agency = (
        select(grain.agency_id.label("agency_id"), *buckets, total, oldest)
        .where(*where)
        .group_by(grain.agency_id)
        .subquery("per_agency")
    )
    stmt = (
        select(per_agency, Agency.name)
        .join(Agency, Agency.id == per_agency.c.agency_id)
        .where(per_agency.c.total > 0)
        .order_by(per_agency.c.oldest, per_agency.c.total.desc(), Agency.name, Agency.id)
        .limit(limit)
    )
    rows = [
        OverdueByAgency(
            agency_id=r.agency_id,
            agency_name=r.name,
            buckets={label: int(r[f"b{i}"]) for i, (label, _, _) in enumerate(AGE_BUCKETS)},
            total=int(r.total),
            oldest_days=(today - r.oldest).days,
        )
        for r in session.execute(stmt).mappings()
    ]
    count = select(func.count()).select_from(per_agency).where(per_agency.c.total > 0)
    return rows, session.execute(count).scalar_one()


def _aged(due_date, today: date, low: int, high: int | None) -> ColumnElement[bool]:
    """`due_date` is between `low` and `high` days before `today` (the bucket's edges, inclusive)."""
    older_than_low = due_date <= today - timedelta(days=low)
    return older_than_low if high is None else and_(older_than_low, due_date >= today - timedelta(days=high))


def _in_plans(plan_id: int | None):
    """Tasks of the plan, or of every active plan (None)."""
    return Task.plan_id.in_(plans_in_scope(plan_id))


def _pending_reports(scope: DeskScope, plan_id: int | None):
    return (
        select(Submission.id)
        .join(Checkpoint, Checkpoint.id == Submission.checkpoint_id)
        .join(Task, Task.id == Checkpoint.task_id)
        .where(
            Submission.kind == SubmissionKind.report,
            Submission.status == SubmissionStatus.pending,
            Checkpoint.state == CheckpointState.submitted,
            *scope.agencies(Submission.agency_id),
            _in_plans(plan_id),
        )
    )


def review_total(session: Session, scope: DeskScope = NATIONAL, plan_id: int | None = None) -> int:
    """How many reports await review (in the plan; None: in every active plan)."""
    stmt = select(func.count()).select_from(_pending_reports(scope, plan_id).subquery())
    return session.execute(stmt).scalar_one()


def review_queue(
    session: Session,
    actor: Actor,
    today: date,
    limit: int | None = LIST_LIMIT,
    scope: DeskScope = NATIONAL,
    plan_id: int | None = None,
) -> list[ReviewItem]:
    """The review queue as the secretariat may see it (the first `limit`; None: all)."""
    require_role(actor, *DESK_ROLES)
    return pending_reports(session, today, limit, scope, plan_id)


def pending_reports(
    session: Session,
    today: date,
    limit: int | None = None,
    scope: DeskScope = NATIONAL,
    plan_id: int | None = None,
) -> list[ReviewItem]:
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
            Plan.number,
        )
        .join(Checkpoint, Checkpoint.id == Submission.checkpoint_id)
        .join(Task, Task.id == Checkpoint.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .join(Section, Section.id == Task.section_id)
        .join(Agency, Agency.id == Submission.agency_id)
        .join(User, User.id == Submission.author_id)
        .where(
            Submission.kind == SubmissionKind.report,
            Submission.status == SubmissionStatus.pending,
            Checkpoint.state == CheckpointState.submitted,
            *scope.agencies(Submission.agency_id),
            _in_plans(plan_id),
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
            plan_number=number,
        )
        for sub, cp, ref, text, section_ref, agency, full_name, username, n, number in session.execute(
            stmt
        ).all()
    ]


def _fired_by(today: date, scope: DeskScope, plan_id: int | None, *columns):
    """Open escalations (escalation/queries.py) fired on or before `today`, in the scope and plan(s)."""
    return open_escalations(*columns).where(
        Escalation.fired_on <= today, *scope.agencies(Checkpoint.agency_id), _in_plans(plan_id)
    )


def escalation_totals(
    session: Session, today: date, scope: DeskScope = NATIONAL, plan_id: int | None = None
) -> dict[str, int]:
    """Fired rungs of still-open checkpoints, counted per rung, in ladder order."""
    stmt = _fired_by(today, scope, plan_id, Escalation.rung, func.count()).group_by(Escalation.rung)
    return dict(in_ladder_order(session.execute(stmt).tuples().all()))


def escalations_by_rung(
    session: Session,
    actor: Actor,
    today: date,
    limit: int | None = LIST_LIMIT,
    totals: dict[str, int] | None = None,
    scope: DeskScope = NATIONAL,
    plan_id: int | None = None,
) -> dict[str, list[EscalationItem]]:
    """Fired rungs of still-open checkpoints, grouped by rung in ladder order, oldest first.

    The first `limit` of each rung (None: all), every rung in one query (numbered per rung).
    """
    require_role(actor, *DESK_ROLES)
    totals = escalation_totals(session, today, scope, plan_id) if totals is None else totals
    order = [Escalation.fired_on, Escalation.id]
    ranked = (
        _fired_by(
            today,
            scope,
            plan_id,
            Escalation.rung,
            Escalation.checkpoint_id,
            Escalation.due_date,
            Escalation.fired_on,
            Agency.name.label("agency"),
            Section.ref.label("section_ref"),
            Checkpoint.period_label,
            Plan.number.label("plan_number"),
            func.row_number().over(partition_by=Escalation.rung, order_by=order).label("rank"),
        )
        .join(Section, Section.id == Task.section_id)
        .join(Agency, Agency.id == Checkpoint.agency_id)
        .join(Plan, Plan.id == Task.plan_id)
        .subquery("ranked")
    )
    stmt = select(ranked).order_by(ranked.c.rung, ranked.c.rank)
    if limit is not None:
        stmt = stmt.where(ranked.c.rank <= limit)
    groups: dict[str, list[EscalationItem]] = {rung: [] for rung in totals}
    for r in session.execute(stmt).mappings():
        groups.setdefault(r["rung"], []).append(
            EscalationItem(
                r["rung"],
                r["checkpoint_id"],
                r["agency"],
                r["section_ref"],
                r["period_label"],
                r["due_date"],
                r["fired_on"],
                r["plan_number"],
            )
        )
    return groups


def _pending_extensions(scope: DeskScope, plan_id: int | None):
    return (
        select(ExtensionRequest.id)
        .join(Checkpoint, Checkpoint.id == ExtensionRequest.checkpoint_id)
        .join(Task, Task.id == Checkpoint.task_id)
        .where(
            ExtensionRequest.status == "pending", *scope.agencies(Checkpoint.agency_id), _in_plans(plan_id)
        )
    )


def extension_total(session: Session, scope: DeskScope = NATIONAL, plan_id: int | None = None) -> int:
    """How many extension requests await a decision (in the plan, or in every active plan)."""
    stmt = select(func.count()).select_from(_pending_extensions(scope, plan_id).subquery())
    return session.execute(stmt).scalar_one()


def pending_extensions(
    session: Session,
    actor: Actor,
    limit: int | None = LIST_LIMIT,
    scope: DeskScope = NATIONAL,
    plan_id: int | None = None,
) -> list[ExtensionItem]:
    """Pending extension requests as the secretariat may see them (the first `limit`; None: all)."""
    require_role(actor, *DESK_ROLES)
    return pending_extension_requests(session, limit, scope, plan_id)


def pending_extension_requests(
    session: Session, limit: int | None = None, scope: DeskScope = NATIONAL, plan_id: int | None = None
) -> list[ExtensionItem]:
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
            Plan.number,
        )
        .join(Checkpoint, Checkpoint.id == ExtensionRequest.checkpoint_id)
        .join(Task, Task.id == Checkpoint.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .join(Section, Section.id == Task.section_id)
        .join(Agency, Agency.id == Checkpoint.agency_id)
        .join(User, User.id == ExtensionRequest.requested_by)
        .where(
            ExtensionRequest.status == "pending", *scope.agencies(Checkpoint.agency_id), _in_plans(plan_id)
        )
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
            number,
        )
        for ext, agency_id, agency, task_ref, section_ref, period, full_name, username, number in (
            session.execute(stmt).all()
        )
    ]


def desk(session: Session, actor: Actor, today: date, plan_id: int | None = None) -> Desk:
    """Everything the secretariat's desk shows except the matrix, for the viewer's scope, each list capped."""
    scope = desk_scope(session, actor)
    rungs = escalation_totals(session, today, scope, plan_id)
    by_agency, agencies_overdue = overdue_by_agency(session, today, plan_id, scope)
    return Desk(
        scope=scope,
        overdue=overdue_items(session, actor, today, plan_id, scope, limit=GLANCE_LIMIT),
        overdue_total=overdue_total(session, today, plan_id, scope),
        overdue_by_agency=by_agency,
        overdue_agency_total=agencies_overdue,
        review_queue=review_queue(session, actor, today, scope=scope, plan_id=plan_id),
        escalations=escalations_by_rung(
            session, actor, today, GLANCE_LIMIT, totals=rungs, scope=scope, plan_id=plan_id
        ),
        extensions=pending_extensions(session, actor, scope=scope, plan_id=plan_id),
        review_total=review_total(session, scope, plan_id),
        extension_total=extension_total(session, scope, plan_id),
        escalation_totals=rungs,
    )
