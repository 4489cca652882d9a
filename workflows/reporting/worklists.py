"""Checkpoints as lists show them (inbox, desk, digests): one item shape, one query, one grouping.

Grouping of what an agency owes (each checkpoint in exactly one group, by its status on `today`):
- `overdue`: past the (possibly extended) due date and not accepted — oldest due date first;
- `returned`: sent back for rework, not yet past due;
- `due_soon`: open, not submitted, due within `horizon_days` (14) days;
- `later`: the rest still to do (including periods not yet open);
- `awaiting_review`: submitted, the ball is with the secretariat.
Overdue and returned items carry the secretariat's latest return reason. Ties keep the plan's order.
`needs_attention`: what a list of other agencies' work shows first (the inbox's supported tasks):
overdue, or still to do and due within the horizon.
"""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session

from models import Checkpoint
from workflows.checkpoints.items import CheckpointItem, checkpoint_items, return_reasons
from workflows.checkpoints.status import Status, status_expr

HORIZON_DAYS = 14  # "due soon" in the inbox and the head digest
OWED = (Status.overdue, Status.returned, Status.in_progress_on_time, Status.not_due, Status.submitted)
TO_DO = (Status.overdue, Status.returned, Status.in_progress_on_time)  # open work, its period started


def needs_attention(today: date, horizon_days: int = HORIZON_DAYS) -> ColumnElement[bool]:
    """Checkpoints still to do that are overdue or due within `horizon_days` (SQL, over checkpoints)."""
    return and_(status_expr(today).in_(TO_DO), Checkpoint.due_date <= today + timedelta(days=horizon_days))


@dataclass
class Worklist:
    """What one agency owes, grouped (see the module docstring)."""

    overdue: list[CheckpointItem] = field(default_factory=list)
    returned: list[CheckpointItem] = field(default_factory=list)
    due_soon: list[CheckpointItem] = field(default_factory=list)
    later: list[CheckpointItem] = field(default_factory=list)
    awaiting_review: list[CheckpointItem] = field(default_factory=list)

    @property
    def owed(self) -> list[CheckpointItem]:
        """Everything the agency still has to do, in inbox order."""
        return self.overdue + self.returned + self.due_soon + self.later

    def add(self, item: CheckpointItem, soon: date) -> None:
        """File one item in its group."""
        if item.status == Status.overdue:
            self.overdue.append(item)
        elif item.status == Status.returned:
            self.returned.append(item)
        elif item.status == Status.submitted:
            self.awaiting_review.append(item)
        elif item.status == Status.in_progress_on_time and item.due_date <= soon:
            self.due_soon.append(item)
        else:
            self.later.append(item)


def worklists(
    session: Session, today: date, *filters, horizon_days: int = HORIZON_DAYS, with_later: bool = True
) -> dict[int, Worklist]:
    """Each agency's grouped worklist of the checkpoints matching `filters` (two queries in all).

    `with_later=False` leaves the `later` group empty without reading it (the digests).
    """
    soon = today + timedelta(days=horizon_days)
    status = status_expr(today)
    if with_later:
        wanted = status.in_(OWED)
    else:
        wanted = or_(
            status.in_((Status.overdue, Status.returned, Status.submitted)),
            and_(status == Status.in_progress_on_time, Checkpoint.due_date <= soon),
        )
    items = checkpoint_items(session, today, *filters, wanted)
    reasons = return_reasons(
        session, [i.checkpoint_id for i in items if i.status in (Status.returned, Status.overdue)]
    )
    lists: dict[int, Worklist] = {}
    for item in items:
        if item.checkpoint_id in reasons:
            item = replace(item, return_reason=reasons[item.checkpoint_id])
        lists.setdefault(item.agency_id, Worklist()).add(item, soon)
    return lists
