"""Queue the digests as compact JSON contexts; delivery renders them (`Mail.compose`), the preview now.

A head digest's row holds only what its template reads (`head_context`: the items' shown fields,
dates as ISO strings) and no bodies: rendering 10,000 digests while queueing them cost more than
sending them, and done in the sending workers it overlaps the other connections' waits for the
server. The preview, `digest preview` and delivery render the same context with the same `render`,
so what a head previews is what goes out (the golden files pin it).

Head digests go out once per ISO week and agency (dedupe key `digest:head:{agency}:{year}-W{week}`),
the secretariat's once a day (`digest:secretariat:{date}`); running `queue_*` again the same
week/day adds nothing. A digest of one chosen plan (`plan_id`, `digest send --plan`) is a mail of
its own: its key ends in `:plan-{id}`, so it neither replaces nor blocks the one over every plan.
An agency with nothing to report, or without a head address, gets none (unless
`settings.digest_empty`, for the first).
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from models.agency import Agency
from models.config import Settings
from models.outbox import OutboxMessage
from notifications.delivery import base_context
from notifications.render import RenderedMail, render
from workflows.kernel.errors import NotFound
from workflows.kernel.outbox import enqueue_many
from workflows.kernel.recipients import resolve_recipients
from workflows.reporting.digests import (
    HeadDigest,
    SecretariatDigest,
    head_digest,
    head_digests,
    secretariat_digest,
)

HEAD_TEMPLATE = "head_digest"
SECRETARIAT_TEMPLATE = "secretariat_digest"


@dataclass(frozen=True)
class PreviewMail(RenderedMail):
    """A rendered digest and who would receive it."""

    recipients: list[str] = field(default_factory=list)


def head_key(agency_id: int, today: date, plan_id: int | None = None) -> str:
    year, week, _ = today.isocalendar()
    return f"digest:head:{agency_id}:{year}-W{week:02d}" + _plan_suffix(plan_id)


def secretariat_key(today: date, plan_id: int | None = None) -> str:
    return f"digest:secretariat:{today.isoformat()}" + _plan_suffix(plan_id)


def _plan_suffix(plan_id: int | None) -> str:
    return "" if plan_id is None else f":plan-{plan_id}"


# What the head digest templates read of each part (head_digest.txt/.html, _macros.html, _plans.txt);
# a field left out fails the render (StrictUndefined), so the golden tests catch a template that
# starts reading a new one.
ITEM_FIELDS = (
    "checkpoint_id",
    "task_ref",
    "plan_number",
    "task_text",
    "schedule_phrase",
    "period_label",
    "due_date",
    "original_due_date",
    "days_late",
    "days_left",
    "submitted_on",
    "return_reason",
)
STANDING_FIELDS = (
    "due",
    "done",
    "done_on_time",
    "overdue",
    "completion_pct",
    "on_time_pct",
    "oldest_overdue_days",
)
DECISION_FIELDS = (
    "checkpoint_id",
    "task_ref",
    "plan_number",
    "period_label",
    "approved",
    "previous_due",
    "requested_due",
    "decided_on",
    "note",
)
INDICATOR_FIELDS = (
    "indicator_id",
    "plan_number",
    "text",
    "target_text",
    "value_text",
    "value_period",
    "progress",
    "status",
    "status_label",
    "due_date",
    "pending",
)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _pick(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: _iso(getattr(obj, f)) for f in fields}


def head_context(digest: HeadDigest) -> dict[str, Any]:
    """The compact, JSON-storable template context of a head digest (settings are added at render)."""
    scope = digest.plans
    return {
        "agency_id": digest.agency_id,
        "agency_name": digest.agency_name,
        "today": digest.today.isoformat(),
        "week_label": digest.week_label,
        "standing": None if digest.standing is None else _pick(digest.standing, STANDING_FIELDS),
        "plans": None
        if scope is None
        else {"chosen": scope.chosen, "numbers": scope.numbers, "several": scope.several},
        "overdue": [_pick(i, ITEM_FIELDS) for i in digest.overdue],
        "due_soon": [_pick(i, ITEM_FIELDS) for i in digest.due_soon],
        "returned": [_pick(i, ITEM_FIELDS) for i in digest.returned],
        "awaiting_review": [_pick(i, ITEM_FIELDS) for i in digest.awaiting_review],
        "extension_decisions": [_pick(d, DECISION_FIELDS) for d in digest.extension_decisions],
        "indicators": [_pick(i, INDICATOR_FIELDS) for i in digest.indicators],
        "indicators_flagged": digest.indicators_flagged,
    }


def jsonable(value: Any) -> Any:
    """Dates to ISO strings, recursively, so the context can be stored as JSON and rendered again."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def secretariat_context(digest: SecretariatDigest) -> dict[str, Any]:
    """The template context of the secretariat's digest (JSON-storable; one mail a day, kept whole)."""
    return jsonable(digest.as_dict())


def render_head_digest(digest: HeadDigest, settings: Settings) -> RenderedMail:
    """The mail as delivery renders the queued row (`notifications.delivery.Mail.compose`)."""
    return render(HEAD_TEMPLATE, {**base_context(settings), **head_context(digest)})


def render_secretariat_digest(digest: SecretariatDigest, settings: Settings) -> RenderedMail:
    return render(SECRETARIAT_TEMPLATE, {**base_context(settings), **secretariat_context(digest)})


def preview_head_digest(
    session: Session, settings: Settings, agency_id: int, today: date, plan_id: int | None = None
) -> PreviewMail:
    """The head digest of one agency as it would go out on `today` (rendered even when empty), over
    the plan chosen (default: every active plan, as it is sent)."""
    if session.get(Agency, agency_id) is None:
        raise NotFound("not_found", what="agency", id=agency_id)
    digest = head_digest(session, agency_id, today, include_empty=True, plan_id=plan_id)
    mail = render_head_digest(digest, settings)
    recipients = resolve_recipients(session, settings, [("head", agency_id)])[("head", agency_id)]
    return PreviewMail(mail.subject, mail.text, mail.html, recipients)


def queue_head_digests(session: Session, settings: Settings, today: date, plan_id: int | None = None) -> int:
    """One outbox row per agency with a head address and something to report (over one plan with
    `plan_id`); returns rows added."""
    digests = head_digests(session, today, include_empty=settings.digest_empty, plan_id=plan_id)
    keys = {d.agency_id: head_key(d.agency_id, today, plan_id) for d in digests}
    queued = _existing_keys(session, list(keys.values()))
    digests = [d for d in digests if keys[d.agency_id] not in queued]
    to = resolve_recipients(session, settings, [("head", d.agency_id) for d in digests])
    rows = [
        _row(
            keys[d.agency_id], HEAD_TEMPLATE, head_context(d), "head", d.agency_id, to[("head", d.agency_id)]
        )
        for d in digests
        if to[("head", d.agency_id)]
    ]
    # chunks keep one INSERT under PostgreSQL's 65,535 bound parameters
    return sum(enqueue_many(session, rows[i : i + 500]) for i in range(0, len(rows), 500))


def queue_secretariat_digest(
    session: Session, settings: Settings, today: date, plan_id: int | None = None
) -> int:
    """The secretariat's digest of `today` (over one plan with `plan_id`; 0 or 1 row added)."""
    key = secretariat_key(today, plan_id)
    if _existing_keys(session, [key]):
        return 0
    digest = secretariat_digest(session, today, plan_id)
    if not (digest.has_news or settings.digest_empty):
        return 0
    recipients = resolve_recipients(session, settings, [("secretariat", None)])[("secretariat", None)]
    if not recipients:
        return 0
    return enqueue_many(
        session,
        [_row(key, SECRETARIAT_TEMPLATE, secretariat_context(digest), "secretariat", None, recipients)],
    )


def _row(
    key: str,
    template: str,
    context: dict[str, Any],
    audience: str,
    agency_id: int | None,
    recipients: list[str],
) -> dict[str, Any]:
    """An outbox row without bodies: delivery renders it."""
    return dict(
        dedupe_key=key,
        template=template,
        context=context,
        audience=audience,
        agency_id=agency_id,
        recipients=recipients,
    )


def _existing_keys(session: Session, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 1000):
        chunk = keys[start : start + 1000]
        found.update(
            session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(chunk)))
        )
    return found
