"""Agencies are merged and renamed: open obligations follow the successor, closed ones keep history.

- Merge: the old agency becomes inactive with `successor_id`; its open checkpoints (not accepted or
  waived), the tasks it leads, its supporting roles, group memberships, users and not-yet-sent
  notices move to the successor. Accepted/waived checkpoints, submissions and audit events stay
  under the old agency, so past figures still read as they were.
- Rename: done in place (same id, new name, the old name kept as an alias). A rename is the same
  body under a new name: keeping one id keeps its whole history, users and figures continuous, and
  plan imports that still write the old name resolve it through the alias. A reorganisation that
  creates a new body is a merge into a new agency row.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from models.agency import Agency, AgencyGroupMember
from models.checkpoint import Checkpoint
from models.outbox import OutboxMessage
from models.plan import Task, TaskSupport
from models.search import reindex_tasks, tasks_of_agency
from models.user import Role, User
from workflows.agencies.queries import find_agency
from workflows.agencies.store import ensure_db_registry
from workflows.checkpoints import summary
from workflows.checkpoints.status import CLOSED_STATES
from workflows.kernel import audit
from workflows.kernel.actors import Actor, require_role
from workflows.kernel.errors import Conflict, InvalidInput, NotFound

NO_SYNC = {"synchronize_session": False}
# who renames and merges: the secretariat keeps the registry (issue: "a registry page lets the
# secretariat add, rename and merge agencies and aliases"), the admin too, and the CLI
REORGANISERS = (Role.secretariat, Role.admin, "system")


def may_reorganise(actor: Actor) -> bool:
    """Whether the actor may rename and merge agencies (what the registry page offers)."""
    return actor.role in REORGANISERS


@dataclass(frozen=True)
class MergeResult:
    """What moved from the old agency to its successor."""

    agency_id: int
    successor_id: int
    checkpoint_ids: list[int]
    task_ids: list[int]
    user_ids: list[int]


def _agency(session: Session, agency_id: int) -> Agency:
    agency = session.get(Agency, agency_id, populate_existing=True)
    if agency is None:
        raise NotFound("not_found", what="agency", id=agency_id)
    return agency


def merge_agency(
    session: Session, actor: Actor, agency_id: int, successor_id: int, today: date
) -> MergeResult:
    """Merge `agency_id` into `successor_id` (admin only)."""
    require_role(actor, *REORGANISERS)
    if agency_id == successor_id:
        raise InvalidInput("agency.merge_self")
    old, new = _agency(session, agency_id), _agency(session, successor_id)
    if not old.active:
        raise Conflict("agency.already_inactive", name=old.name, successor=old.successor_id)
    if not new.active:
        raise InvalidInput("agency.successor_inactive", name=new.name, successor=new.successor_id)
    session.flush()

    moving = session.exec(
        select(Checkpoint).where(Checkpoint.agency_id == old.id, Checkpoint.state.not_in(CLOSED_STATES))
    ).all()
    task_ids = {cp.task_id for cp in moving}
    held = (
        set(
            session.exec(
                select(Checkpoint.task_id, Checkpoint.original_due_date).where(
                    Checkpoint.agency_id == new.id, Checkpoint.task_id.in_(task_ids)
                )
            ).all()
        )
        if task_ids
        else set()
    )
    clashes = [cp.id for cp in moving if (cp.task_id, cp.original_due_date) in held]
    if clashes:
        raise Conflict("agency.merge_clash", name=new.name, clashes=clashes)
    cp_ids = [cp.id for cp in moving]
    if cp_ids:
        with summary.changing(session, Checkpoint.id.in_(cp_ids)):
            session.execute(
                update(Checkpoint)
                .where(Checkpoint.id.in_(cp_ids))
                .values(agency_id=new.id, version=Checkpoint.version + 1, updated_at=func.now())
                .execution_options(**NO_SYNC)
            )
    led = list(session.exec(select(Task.id).where(Task.lead_agency_id == old.id)).all())
    session.execute(
        update(Task)
        .where(Task.lead_agency_id == old.id)
        .values(lead_agency_id=new.id)
        .execution_options(**NO_SYNC)
    )
    _move_supports(session, old.id, new.id)
    _move_memberships(session, old.id, new.id)
    users = list(session.exec(select(User.id).where(User.agency_id == old.id)).all())
    session.execute(
        update(User).where(User.agency_id == old.id).values(agency_id=new.id).execution_options(**NO_SYNC)
    )
    # notices not yet sent go to the people now responsible
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.agency_id == old.id, OutboxMessage.status.in_(("pending", "failed")))
        .values(agency_id=new.id)
        .execution_options(**NO_SYNC)
    )
    # earlier predecessors point straight at the survivor: one hop resolves any old name
    session.execute(
        update(Agency)
        .where(Agency.successor_id == old.id)
        .values(successor_id=new.id)
        .execution_options(**NO_SYNC)
    )
    session.execute(
        update(Agency)
        .where(Agency.id == old.id)
        .values(active=False, successor_id=new.id)
        .execution_options(**NO_SYNC)
    )
    session.expire_all()  # the bulk updates bypassed the identity map
    reindex_tasks(session, tasks_of_agency(new.id))  # the old one's tasks are found by the new name

    audit.record(
        session,
        actor,
        "agency.merge",
        "agency",
        old.id,
        {"active": True, "successor_id": None},
        {
            "active": False,
            "successor_id": new.id,
            "effective_on": today,
            "checkpoint_ids": cp_ids,
            "task_ids": led,
            "user_ids": users,
        },
    )
    for cp_id in cp_ids:
        audit.record(
            session,
            actor,
            "checkpoint.reassign",
            "checkpoint",
            cp_id,
            {"agency_id": old.id},
            {"agency_id": new.id, "reason": "agency.merge", "effective_on": today},
        )
    session.flush()
    return MergeResult(old.id, new.id, cp_ids, led, users)


def _move_supports(session: Session, old_id: int, new_id: int) -> None:
    """Supporting roles follow the successor unless it already leads or supports the task."""
    rows = session.exec(
        select(TaskSupport.task_id, Task.lead_agency_id)
        .join(Task, Task.id == TaskSupport.task_id)
        .where(TaskSupport.agency_id == old_id)
    ).all()
    has = set(session.exec(select(TaskSupport.task_id).where(TaskSupport.agency_id == new_id)).all())
    redundant = [t for t, lead in rows if lead == new_id or t in has]
    movable = [t for t, lead in rows if t not in redundant]
    if redundant:
        session.execute(
            delete(TaskSupport).where(TaskSupport.agency_id == old_id, TaskSupport.task_id.in_(redundant))
        )
    if movable:
        session.execute(
            update(TaskSupport)
            .where(TaskSupport.agency_id == old_id, TaskSupport.task_id.in_(movable))
            .values(agency_id=new_id)
            .execution_options(**NO_SYNC)
        )
    # the successor now leads tasks it used to support: it is no longer its own supporter
    session.execute(
        delete(TaskSupport).where(
            TaskSupport.agency_id == new_id,
            TaskSupport.task_id.in_(select(Task.id).where(Task.lead_agency_id == new_id)),
        )
    )


def _move_memberships(session: Session, old_id: int, new_id: int) -> None:
    """Group memberships ("các sở, ban, ngành") pass to the successor."""
    groups = set(
        session.exec(select(AgencyGroupMember.group_id).where(AgencyGroupMember.agency_id == old_id)).all()
    )
    has = set(
        session.exec(select(AgencyGroupMember.group_id).where(AgencyGroupMember.agency_id == new_id)).all()
    )
    session.execute(delete(AgencyGroupMember).where(AgencyGroupMember.agency_id == old_id))
    session.add_all(AgencyGroupMember(group_id=g, agency_id=new_id) for g in groups - has)


def rename_agency(session: Session, actor: Actor, agency_id: int, new_name: str, today: date) -> Agency:
    """Rename in place; the old name becomes an alias (admin only)."""
    require_role(actor, *REORGANISERS)
    agency = _agency(session, agency_id)
    new_name = " ".join((new_name or "").split())
    if not new_name:
        raise InvalidInput("agency.name_empty")
    if len(new_name) > 255:
        raise InvalidInput("agency.name_too_long")
    if new_name == agency.name:
        raise InvalidInput("agency.name_same", name=new_name)
    others = session.exec(select(Agency.id, Agency.name).where(Agency.id != agency.id)).all()
    taken = [aid for aid, name in others if name.casefold() == new_name.casefold()]
    if taken:
        raise Conflict("agency.name_taken", id=taken[0], name=new_name)
    before = {"name": agency.name, "aliases": list(agency.aliases)}
    aliases = [a for a in agency.aliases if a.casefold() != new_name.casefold()]
    if agency.name not in aliases:
        aliases.append(agency.name)
    agency.name, agency.aliases = new_name, aliases  # a new list: JSON columns track assignment only
    session.add(agency)
    session.flush()
    reindex_tasks(session, tasks_of_agency(agency.id))
    audit.record(
        session,
        actor,
        "agency.rename",
        "agency",
        agency.id,
        before,
        {"name": agency.name, "aliases": aliases, "effective_on": today},
    )
    return agency


def rename_in_registry(session: Session, actor: Actor, agency_id: int, new_name: str, today: date) -> Agency:
    """A rename from the registry page (admin); the registry moves into the database first, for good."""
    require_role(actor, *REORGANISERS)
    ensure_db_registry(session, today)
    return rename_agency(session, actor, agency_id, new_name, today)


def merge_in_registry(
    session: Session, actor: Actor, agency_id: int, successor: str, today: date
) -> tuple[Agency, MergeResult]:
    """A merge into the agency typed on the registry page (name, code or alias), admin only."""
    require_role(actor, *REORGANISERS)
    ensure_db_registry(session, today)
    target = find_agency(session, successor)
    return target, merge_agency(session, actor, agency_id, target.id, today)
