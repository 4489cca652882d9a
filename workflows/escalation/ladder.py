"""The escalation ladder: which rung is current for a due date, per plan (defaults: docs/design.md).

A ladder is a list of rungs `{rung, offset_days, audience}` with unique names and strictly
increasing offsets (days from the checkpoint's CURRENT due date). On a given day exactly one rung
is current for a due date: the last one whose date (due + offset) has come. The last rung stays
current for `LAST_RUNG_DAYS` days, long enough to catch up after any outage of the sweep, and
bounded so that a sweep never scans the whole history of overdue items.

Rung names are the four rungs of docs/design.md (each has its mail templates `escalation_<rung>`); a plan
may drop rungs, move their offsets and change their audiences.
Audience vocabulary (workflows/kernel/recipients.py turns it into addresses): roles joined by ",":
`focal` (the agency's focal points), `head` (its department head), `secretariat` (the
secretariat's escalation queue and daily digest), `leader` (the provincial leader in charge).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from models.outbox import OutboxMessage
from models.plan import Plan
from workflows.kernel.actors import Actor, require_role
from workflows.kernel.audit import record
from workflows.kernel.errors import InvalidInput, NotFound
from workflows.kernel.recipients import AUDIENCES

LAST_RUNG_DAYS = 30
AUDIENCE_WIDTH = OutboxMessage.__table__.c.audience.type.length


@dataclass(frozen=True)
class Rung:
    rung: str
    offset_days: int
    audience: str

    def as_dict(self) -> dict[str, Any]:
        return {"rung": self.rung, "offset_days": self.offset_days, "audience": self.audience}


DEFAULT_LADDER: tuple[Rung, ...] = (  # docs/design.md, "The escalation ladder"
    Rung("reminder", -7, "focal"),
    Rung("overdue", 1, "focal,head"),
    Rung("secretariat", 7, "secretariat"),
    Rung("leader", 30, "leader"),
)


@dataclass(frozen=True)
class RungWindow:
    """Due dates for which `rung` is current on a day: lo < due_date <= hi."""

    rung: Rung
    lo: date
    hi: date


RUNG_NAMES = tuple(r.rung for r in DEFAULT_LADDER)  # also the order rungs are listed in
# no day counts here: a plan may set its own offsets (set_plan_ladder)
RUNG_LABELS_VI = {
    "reminder": "Nhắc trước hạn",
    "overdue": "Quá hạn (báo đơn vị)",
    "secretariat": "Chuyển Thường trực",
    "leader": "Báo cáo lãnh đạo",
}


def in_ladder_order(rungs):
    """Rung names (or (rung, value) pairs) sorted in ladder order; unknown names last, by name."""
    order = {rung: i for i, rung in enumerate(RUNG_NAMES)}

    def key(item):
        name = item if isinstance(item, str) else item[0]
        return (order.get(name, len(order)), name)

    return sorted(rungs, key=key)


def validate_ladder(raw: Any) -> tuple[Rung, ...]:
    """Check a ladder given as JSON data; raise InvalidInput naming the first fault."""
    if not isinstance(raw, list) or not raw:
        raise InvalidInput("ladder.not_a_list")
    rungs: list[Rung] = []
    for i, item in enumerate(raw, 1):
        if not isinstance(item, dict) or set(item) != {"rung", "offset_days", "audience"}:
            raise InvalidInput("ladder.keys", i=i)
        name, offset, audience = item["rung"], item["offset_days"], item["audience"]
        if name not in RUNG_NAMES:
            raise InvalidInput("ladder.rung_name", i=i, name=name, allowed=", ".join(RUNG_NAMES))
        if not isinstance(offset, int) or isinstance(offset, bool) or abs(offset) > 366:
            raise InvalidInput("ladder.offset", name=name, offset=offset)
        parts = audience.split(",") if isinstance(audience, str) else []
        if not parts or any(p not in AUDIENCES for p in parts) or len(set(parts)) != len(parts):
            raise InvalidInput(
                "ladder.audience", name=name, audience=audience, allowed=", ".join(sorted(AUDIENCES))
            )
        if len(audience) > AUDIENCE_WIDTH:
            raise InvalidInput("ladder.audience_width", name=name, audience=audience, max=AUDIENCE_WIDTH)
        if any(r.rung == name for r in rungs):
            raise InvalidInput("ladder.duplicate", name=name)
        if rungs and offset <= rungs[-1].offset_days:
            raise InvalidInput("ladder.order", name=name, offset=offset, previous=rungs[-1].offset_days)
        rungs.append(Rung(name, offset, audience))
    return tuple(rungs)


def ladder_of(plan: Plan) -> tuple[Rung, ...]:
    """The plan's ladder, or the defaults when it has none."""
    if plan.ladder is None:
        return DEFAULT_LADDER
    try:
        return validate_ladder(plan.ladder)
    except InvalidInput as exc:
        raise InvalidInput("ladder.stored_invalid", id=plan.id, number=plan.number, reason=str(exc)) from exc


def windows(ladder: tuple[Rung, ...], today: date) -> list[RungWindow]:
    """For each rung, the due dates it is current for on `today` (missed lower rungs are superseded)."""
    result = []
    for i, rung in enumerate(ladder):
        until = ladder[i + 1].offset_days if i + 1 < len(ladder) else rung.offset_days + LAST_RUNG_DAYS
        # current when due + offset <= today < due + next offset
        result.append(
            RungWindow(rung, lo=today - timedelta(days=until), hi=today - timedelta(days=rung.offset_days))
        )
    return result


def set_plan_ladder(session: Session, actor: Actor, plan_id: int, raw: list[dict] | None) -> tuple[Rung, ...]:
    """Give a plan its own ladder (None: back to the defaults); secretariat or admin only."""
    require_role(actor, "secretariat", "admin", "system")  # the CLI acts as the system
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("not_found", what="plan", id=plan_id)
    ladder = DEFAULT_LADDER if raw is None else validate_ladder(raw)
    before = plan.ladder
    plan.ladder = None if raw is None else [r.as_dict() for r in ladder]
    session.add(plan)
    session.flush()
    record(session, actor, "plan.ladder", "plan", plan.id, {"ladder": before}, {"ladder": plan.ladder})
    return ladder
