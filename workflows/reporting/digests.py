"""What the digests report: the weekly one per department head, the daily one for the secretariat.

Plain queries returning dataclasses (rendering and queueing live in notifications/digests.py).
Everything is grouped: the head digests of all agencies cost the same handful of queries as one.

Head digest (week = ISO week of `today`), for one agency:
- standing: the agency's rollup (reporting/rollups.py: completion and on-time shares of what is due);
- overdue: past the current due date and not accepted — oldest first, with days late;
- due_soon: open, not submitted, due within the next 14 days (as the focal point's inbox);
- returned: sent back for rework and not yet past due, with the last return reason;
- awaiting_review: submitted, waiting for the secretariat;
- extension_decisions: requests approved or refused in the 7 days up to `today`;
- indicators: the chỉ tiêu the agency owns, with progress and status (`indicators/progress.py`).
"Nothing to report" = all five lists empty and no indicator at risk or missed; such an agency gets
no digest unless asked.

Secretariat digest (daily):
- new_overdue: items that became overdue today (due date = yesterday);
- escalations: rungs fired today, by rung, for still-open work (the sweep runs before the digest);
- review_queue: lead agencies' reports awaiting review, oldest first; pending_extensions: requests
  not yet decided, oldest first (the desk's own queries, workflows/reporting/desk.py);
- worst: the 5 agencies in the worst standing — most overdue items, then the oldest overdue item,
  then the lowest completion share; agencies with nothing overdue and nothing missing are left out;
- indicators_flagged: the chỉ tiêu at risk or missed, with their owner; indicator_counts: how many
  indicators are in each status.

Both cover every active plan (withdrawn and archived plans are left out, `plans/lifecycle.py`) unless
a plan is chosen, and say which (`PlanScope`); when the scope holds several plans each item names its
plan, since their refs (II.1 …) repeat from plan to plan.
"""

from collections import Counter
from dataclasses import dataclass, field, is_dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from models import (
    Agency,
    Checkpoint,
    Escalation,
    ExtensionRequest,
    Plan,
    Task,
)
from workflows.checkpoints.status import Status, days_late, status_expr
from workflows.escalation.ladder import RUNG_LABELS_VI, in_ladder_order
from workflows.escalation.queries import open_escalations
from workflows.indicators.progress import STATUS_LABELS_VI as INDICATOR_LABELS_VI
from workflows.indicators.progress import IndicatorStatus
from workflows.indicators.queries import IndicatorProgress, indicator_progress
from workflows.kernel.clock import VN
from workflows.kernel.errors import NotFound
from workflows.plans.queries import active_plans_newest_first
from workflows.reporting.desk import ExtensionItem, ReviewItem, pending_extension_requests, pending_reports
from workflows.reporting.rollups import Rollup, agency_rollup
from workflows.reporting.worklists import CheckpointItem, checkpoint_items, worklists

WORST_AGENCIES = 5
DECISION_DAYS = 7


def plain(value):
    """Dataclasses to dicts, recursively (`dataclasses.asdict` deep-copies every leaf: 4x slower)."""
    if is_dataclass(value):
        return {k: plain(v) for k, v in vars(value).items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class PlanScope:
    """The plans a digest covers: the chosen one, or every active plan (`chosen` None)."""

    chosen: str | None  # the chosen plan's number
    numbers: list[str]  # the numbers of the plans covered, the most recently issued first
    plan_ids: list[int]
    every_plan: bool = False  # the plans covered are all the plans there are

    @property
    def several(self) -> bool:
        """Items of more than one plan may mix: each says its plan."""
        return len(self.plan_ids) > 1

    @property
    def figure_plans(self) -> list[int] | None:
        """The plans the figures are narrowed to; None when every plan counts (the cheaper grain serves)."""
        return None if self.every_plan else self.plan_ids


def _scope_dict(scope: PlanScope | None) -> dict | None:
    return None if scope is None else {**plain(scope), "several": scope.several}


def plan_scope(session: Session, plan_id: int | None = None) -> PlanScope:
    """The chosen plan (NotFound when there is none such), or every active plan."""
    if plan_id is not None:
        plan = session.get(Plan, plan_id)
        if plan is None:
            raise NotFound("not_found", what="plan", id=plan_id)
        return PlanScope(plan.number, [plan.number], [plan.id])
    plans = active_plans_newest_first(session)
    every = session.execute(select(func.count(Plan.id))).scalar_one() == len(plans)
    return PlanScope(None, [p.number for p in plans], [p.id for p in plans], every_plan=every)


FLAGGED = (IndicatorStatus.missed, IndicatorStatus.at_risk)  # what a leader must hear about


@dataclass(frozen=True)
class DigestIndicator:
    """A chỉ tiêu as the digests show it."""

    indicator_id: int
    plan_number: str
    ref: str
    text: str
    owner_id: int | None
    owner_name: str
    target_text: str
    value_text: str
    value_period: str | None
    progress: float | None
    status: str
    status_label: str
    due_date: date | None
    pending: int

    @property
    def flagged(self) -> bool:
        return self.status in FLAGGED

    @classmethod
    def of(cls, i: IndicatorProgress, plan_number: str) -> "DigestIndicator":
        return cls(
            i.id,
            plan_number,
            i.ref,
            i.text,
            i.owner_id,
            i.owner_name or "",
            i.target_text,
            i.value_text,
            i.value_period,
            None if i.progress is None else round(i.progress, 1),
            i.status.value,
            i.status_label,
            i.due_date,
            i.pending,
        )


def digest_indicators(session: Session, today: date, scope: "PlanScope") -> list[DigestIndicator]:
    """Every indicator of the plans in scope, missed and at-risk ones first, then in plan order."""
    numbers = dict(zip(scope.plan_ids, scope.numbers, strict=True))
    items = indicator_progress(session, today, plan_ids=scope.plan_ids)
    rank = {s: n for n, s in enumerate((*FLAGGED, IndicatorStatus.no_data, IndicatorStatus.on_track))}
    items.sort(key=lambda i: rank.get(i.status, len(rank)))  # stable: plan order within a status
    return [DigestIndicator.of(i, numbers.get(i.plan_id, "")) for i in items]


@dataclass(frozen=True)
class Standing:
    """An agency's figures as the digests show them (from its rollup)."""

    agency_id: int
    agency_name: str
    total: int
    due: int
    done: int
    done_on_time: int
    overdue: int
    completion_pct: float | None
    on_time_pct: float | None
    oldest_overdue_days: int | None
    oldest_overdue_checkpoint_id: int | None

    @classmethod
    def of(cls, r: Rollup) -> "Standing":
        oldest = r.oldest_overdue
        return cls(
            agency_id=r.key,
            agency_name=r.label,
            total=r.total,
            due=r.due,
            done=r.done,
            done_on_time=r.done_on_time,
            overdue=r.counts[Status.overdue.value],
            completion_pct=r.completion_pct,
            on_time_pct=r.on_time_pct,
            oldest_overdue_days=oldest.days_late if oldest else None,
            oldest_overdue_checkpoint_id=oldest.checkpoint_id if oldest else None,
        )


@dataclass(frozen=True)
class ExtensionDecision:
    extension_id: int
    checkpoint_id: int
    agency_id: int
    agency_name: str
    task_ref: str
    task_text: str
    period_label: str
    previous_due: date
    requested_due: date
    approved: bool
    reason: str
    note: str
    decided_on: date
    plan_number: str = ""


@dataclass
class HeadDigest:
    agency_id: int
    agency_name: str
    today: date
    iso_year: int
    iso_week: int
    standing: Standing | None
    plans: PlanScope | None = None
    overdue: list[CheckpointItem] = field(default_factory=list)
    due_soon: list[CheckpointItem] = field(default_factory=list)
    returned: list[CheckpointItem] = field(default_factory=list)
    awaiting_review: list[CheckpointItem] = field(default_factory=list)
    extension_decisions: list[ExtensionDecision] = field(default_factory=list)
    indicators: list[DigestIndicator] = field(default_factory=list)

    @property
    def week_label(self) -> str:
        return f"{self.iso_week:02d}/{self.iso_year}"

    @property
    def indicators_flagged(self) -> int:
        return sum(1 for i in self.indicators if i.flagged)

    @property
    def has_news(self) -> bool:
        return bool(
            self.overdue
            or self.due_soon
            or self.returned
            or self.awaiting_review
            or self.extension_decisions
            or self.indicators_flagged
        )

    def as_dict(self) -> dict:
        """Plain values (nested dicts and lists; dates stay dates), with the derived ones."""
        return {
            **plain(self),
            "plans": _scope_dict(self.plans),
            "week_label": self.week_label,
            "indicators_flagged": self.indicators_flagged,
            "has_news": self.has_news,
        }


@dataclass(frozen=True)
class FiredEscalation:
    rung: str
    checkpoint_id: int
    agency_name: str
    task_ref: str
    due_date: date
    days_late: int
    plan_number: str = ""


@dataclass(frozen=True)
class RungGroup:
    rung: str
    label: str
    items: list[FiredEscalation]


@dataclass
class SecretariatDigest:
    today: date
    overall: Standing
    plans: PlanScope | None = None
    new_overdue: list[CheckpointItem] = field(default_factory=list)
    escalations: list[RungGroup] = field(default_factory=list)
    review_queue: list[ReviewItem] = field(default_factory=list)
    pending_extensions: list[ExtensionItem] = field(default_factory=list)
    worst: list[Standing] = field(default_factory=list)
    indicators_flagged: list[DigestIndicator] = field(default_factory=list)
    indicator_counts: dict[str, int] = field(default_factory=dict)  # status → how many (labels below)

    @property
    def escalation_count(self) -> int:
        return sum(len(g.items) for g in self.escalations)

    @property
    def has_news(self) -> bool:
        return bool(
            self.new_overdue or self.escalations or self.review_queue or self.pending_extensions or self.worst
        )

    def as_dict(self) -> dict:
        """Plain values (nested dicts and lists; dates stay dates), with the derived ones."""
        return {
            **plain(self),
            "plans": _scope_dict(self.plans),
            "escalation_count": self.escalation_count,
            "indicator_labels": {s.value: INDICATOR_LABELS_VI[s] for s in IndicatorStatus},
            "has_news": self.has_news,
        }


def head_digest(
    session: Session, agency_id: int, today: date, include_empty: bool = False, plan_id: int | None = None
) -> HeadDigest | None:
    """The weekly digest of one agency; None when it has nothing to report (unless `include_empty`)."""
    digests = head_digests(
        session, today, agency_ids=[agency_id], include_empty=include_empty, plan_id=plan_id
    )
    return digests[0] if digests else None


def head_digests(
    session: Session,
    today: date,
    agency_ids: list[int] | None = None,
    include_empty: bool = False,
    plan_id: int | None = None,
) -> list[HeadDigest]:
    """Weekly digests of the given (default: every active) agency, by agency name, over the plan
    (default: every active plan); a handful of queries in all."""
    agency_filter = [Agency.active.is_(True)] if agency_ids is None else [Agency.id.in_(agency_ids)]
    agencies = session.execute(
        select(Agency.id, Agency.name).where(*agency_filter).order_by(Agency.name, Agency.id)
    ).all()
    ids = [a.id for a in agencies]
    if not ids:
        return []
    scope = plan_scope(session, plan_id)
    year, week, _ = today.isocalendar()
    digests = {a.id: HeadDigest(a.id, a.name, today, year, week, None, scope) for a in agencies}
    rollup_ids = None if agency_ids is None else ids
    for r in agency_rollup(session, today, agency_ids=rollup_ids, plan_ids=scope.figure_plans):
        if r.key in digests:
            digests[r.key].standing = Standing.of(r)

    cp_filter = [Task.plan_id.in_(scope.plan_ids)]
    if agency_ids is not None:
        cp_filter.append(Checkpoint.agency_id.in_(ids))
    for agency_id, work in worklists(session, today, *cp_filter, with_later=False).items():
        digest = digests.get(agency_id)
        if digest is not None:
            digest.overdue, digest.due_soon = work.overdue, work.due_soon
            digest.returned, digest.awaiting_review = work.returned, work.awaiting_review
    decided = extension_decisions(
        session, today, None if agency_ids is None else ids, plan_ids=scope.plan_ids
    )
    for decision in decided:
        if decision.agency_id in digests:
            digests[decision.agency_id].extension_decisions.append(decision)
    for indicator in digest_indicators(session, today, scope):
        if indicator.owner_id in digests:
            digests[indicator.owner_id].indicators.append(indicator)
    return [d for d in digests.values() if include_empty or d.has_news]


def _vn_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=VN).astimezone(UTC)


def extension_decisions(
    session: Session,
    today: date,
    agency_ids: list[int] | None = None,
    days: int = DECISION_DAYS,
    plan_ids: list[int] | None = None,
) -> list[ExtensionDecision]:
    """Extension requests decided in the `days` days up to `today` (Vietnam dates), oldest first."""
    start, end = _vn_midnight(today - timedelta(days=days - 1)), _vn_midnight(today + timedelta(days=1))
    stmt = (
        select(
            ExtensionRequest,
            Checkpoint.agency_id,
            Checkpoint.period_label,
            Agency.name,
            Task.ref,
            Task.text,
            Plan.number,
        )
        .join(Checkpoint, Checkpoint.id == ExtensionRequest.checkpoint_id)
        .join(Task, Task.id == Checkpoint.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .join(Agency, Agency.id == Checkpoint.agency_id)
        .where(
            ExtensionRequest.status.in_(("approved", "refused")),
            ExtensionRequest.decided_at >= start,
            ExtensionRequest.decided_at < end,
        )
        .order_by(ExtensionRequest.decided_at, ExtensionRequest.id)
    )
    if agency_ids is not None:
        stmt = stmt.where(Checkpoint.agency_id.in_(agency_ids))
    if plan_ids is not None:
        stmt = stmt.where(Task.plan_id.in_(plan_ids))
    return [
        ExtensionDecision(
            extension_id=req.id,
            checkpoint_id=req.checkpoint_id,
            agency_id=agency_id,
            agency_name=name,
            task_ref=ref,
            task_text=text,
            period_label=period,
            previous_due=req.previous_due,
            requested_due=req.requested_due,
            approved=req.status == "approved",
            reason=req.reason,
            note=req.decision_note,
            decided_on=req.decided_at.astimezone(VN).date(),
            plan_number=number,
        )
        for req, agency_id, period, name, ref, text, number in session.execute(stmt).all()
    ]


def secretariat_digest(session: Session, today: date, plan_id: int | None = None) -> SecretariatDigest:
    """The secretariat's daily digest over the plan (default: every active plan)."""
    scope = plan_scope(session, plan_id)
    in_plans = Task.plan_id.in_(scope.plan_ids)
    yesterday = today - timedelta(days=1)
    status = status_expr(today)
    new_overdue = checkpoint_items(
        session, today, status == Status.overdue.value, Checkpoint.due_date == yesterday, in_plans
    )
    standings = [Standing.of(r) for r in agency_rollup(session, today, plan_ids=scope.figure_plans)]
    indicators = digest_indicators(session, today, scope)
    counts = Counter(i.status for i in indicators)
    return SecretariatDigest(
        today=today,
        overall=_overall(standings),
        plans=scope,
        new_overdue=new_overdue,
        escalations=escalations_fired(session, today, scope.plan_ids),
        review_queue=pending_reports(session, today, plan_id=plan_id),
        pending_extensions=pending_extension_requests(session, plan_id=plan_id),
        worst=worst_agencies(standings),
        indicators_flagged=[i for i in indicators if i.flagged],
        indicator_counts={s.value: counts.get(s.value, 0) for s in IndicatorStatus},
    )


def escalations_fired(session: Session, today: date, plan_ids: list[int] | None = None) -> list[RungGroup]:
    """Rungs fired on `today` for still-open work (current due date), by rung in ladder order."""
    stmt = (
        open_escalations(Escalation, Agency.name, Task.ref, Plan.number)
        .join(Agency, Agency.id == Checkpoint.agency_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(Escalation.fired_on == today)
        .order_by(Agency.name, Task.position, Escalation.id)
    )
    if plan_ids is not None:
        stmt = stmt.where(Task.plan_id.in_(plan_ids))
    groups: dict[str, list[FiredEscalation]] = {}
    for esc, agency, ref, number in session.execute(stmt).all():
        late = days_late(esc.due_date, today)
        groups.setdefault(esc.rung, []).append(
            FiredEscalation(esc.rung, esc.checkpoint_id, agency, ref, esc.due_date, late, number)
        )
    return [
        RungGroup(rung, RUNG_LABELS_VI.get(rung, rung), items)
        for rung, items in in_ladder_order(groups.items())
    ]


def worst_agencies(standings: list[Standing], n: int = WORST_AGENCIES) -> list[Standing]:
    """The `n` agencies in the worst standing (see the module docstring for the order)."""
    lagging = [s for s in standings if s.overdue or (s.due and s.done < s.due)]
    return sorted(
        lagging,
        key=lambda s: (
            -s.overdue,
            -(s.oldest_overdue_days or 0),
            s.completion_pct if s.completion_pct is not None else 100.0,
            s.agency_name,
        ),
    )[:n]


def _overall(standings: list[Standing]) -> Standing:
    """The province's figures: the agencies' sums (each checkpoint belongs to one agency)."""
    due = sum(s.due for s in standings)
    done = sum(s.done for s in standings)
    on_time = sum(s.done_on_time for s in standings)
    oldest = max(
        (s for s in standings if s.oldest_overdue_days is not None),
        key=lambda s: s.oldest_overdue_days,
        default=None,
    )
    return Standing(
        agency_id=0,
        agency_name="Toàn tỉnh",
        total=sum(s.total for s in standings),
        due=due,
        done=done,
        done_on_time=on_time,
        overdue=sum(s.overdue for s in standings),
        completion_pct=round(100 * done / due, 1) if due else None,
        on_time_pct=round(100 * on_time / due, 1) if due else None,
        oldest_overdue_days=oldest.oldest_overdue_days if oldest else None,
        oldest_overdue_checkpoint_id=oldest.oldest_overdue_checkpoint_id if oldest else None,
    )
