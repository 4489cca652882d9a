"""Đôn đốc: a written reminder from the secretariat's desk to an agency about chosen items.

The secretariat or an admin picks items of one agency that are still owed (open or returned, due
or not); the reminder is sent through the outbox to the agency's focal points and head, recorded,
and shows on each item's history. One reminder per agency a day: a second one the same day is
refused (the office's rule against chasing twice; the table enforces it too).
"""

import unicodedata
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models import Agency, Checkpoint, Reminder, ReminderItem, Task, User
from models.user import Role
from workflows.checkpoints.status import OVERDUE_STATES, days_late
from workflows.kernel import audit
from workflows.kernel.actors import Actor, require_role
from workflows.kernel.errors import Conflict, InvalidInput, NotFound
from workflows.kernel.outbox import enqueue

SENDER_ROLES = (Role.secretariat, Role.admin)
MAX_MESSAGE = 5_000
MAX_ITEMS = 200


def send_reminder(
    session: Session, actor: Actor, agency_id: int, checkpoint_ids: list[int], message: str, today: date
) -> Reminder:
    """Remind an agency in writing about items it still owes; refused when it was reminded today."""
    require_role(actor, *SENDER_ROLES)
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("not_found", what="agency", id=agency_id)
    message = unicodedata.normalize("NFC", message or "").strip()
    if len(message) > MAX_MESSAGE:
        raise InvalidInput("submission.note_too_long", n=len(message), max=MAX_MESSAGE)
    items = _owed(session, agency_id, checkpoint_ids)
    if session.exec(
        select(Reminder.id).where(Reminder.agency_id == agency_id, Reminder.sent_on == today)
    ).first():
        raise Conflict("reminder.today", agency=agency.name, date=today.strftime("%d/%m/%Y"))
    reminder = Reminder(agency_id=agency_id, sent_by=actor.user_id, sent_on=today, message=message)
    try:
        with session.begin_nested():  # two clerks at once: the unique (agency, day) decides
            session.add(reminder)
            session.flush()
    except IntegrityError:
        raise Conflict("reminder.today", agency=agency.name, date=today.strftime("%d/%m/%Y")) from None
    session.add_all(ReminderItem(reminder_id=reminder.id, checkpoint_id=cp.id) for cp, _ in items)
    session.flush()
    after = {"reminder_id": reminder.id, "message": message, "items": [cp.id for cp, _ in items]}
    audit.record(session, actor, "reminder.send", "agency", agency_id, None, after)
    for cp, _ in items:
        audit.record(session, actor, "reminder.send", "checkpoint", cp.id, None, after)
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    enqueue(
        session,
        f"reminder:{reminder.id}",
        "reminder_notice",
        {
            "agency_name": agency.name,
            "message": message,
            "sent_on": today.isoformat(),
            "by": (user.full_name or user.username) if user else actor.label,
            "items": [
                {
                    "checkpoint_id": cp.id,
                    "task_ref": task.ref,
                    "task_title": task.title,
                    "due_date": cp.due_date.isoformat(),
                    "days_late": days_late(cp.due_date, today),
                }
                for cp, task in items
            ],
        },
        audience="focal,head",
        agency_id=agency_id,
    )
    return reminder


def _owed(session: Session, agency_id: int, checkpoint_ids: list[int]) -> list[tuple[Checkpoint, Task]]:
    wanted = list(dict.fromkeys(checkpoint_ids))
    if not wanted:
        raise InvalidInput("reminder.no_items")
    if len(wanted) > MAX_ITEMS:
        raise InvalidInput("submission.too_many_items", n=len(wanted), max=MAX_ITEMS)
    rows = session.exec(
        select(Checkpoint, Task)
        .join(Task, Task.id == Checkpoint.task_id)
        .where(
            Checkpoint.id.in_(wanted),
            Checkpoint.agency_id == agency_id,
            Checkpoint.state.in_(OVERDUE_STATES),
            Task.withdrawn.is_(False),
        )
        .order_by(Checkpoint.due_date, Checkpoint.id)
    ).all()
    found = {cp.id for cp, _ in rows}
    for cp_id in wanted:
        if cp_id not in found:
            raise InvalidInput("reminder.item_not_owed", id=cp_id)
    return list(rows)
