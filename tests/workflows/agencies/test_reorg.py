"""Agencies merge and rename: open work follows the successor, closed work keeps its history."""

from datetime import date

import pytest
from sqlmodel import select

from models import (
    Agency,
    AgencyGroup,
    AgencyGroupMember,
    AuditEvent,
    Checkpoint,
    OutboxMessage,
    Task,
    TaskSupport,
    User,
)
from tests.builders import add_agency, add_task, checkpoints_of
from tests.workflows.compliance_world import build_world
from workflows.agencies.reorg import merge_agency, rename_agency
from workflows.checkpoints.queries import list_checkpoints
from workflows.checkpoints.review import accept_submission
from workflows.checkpoints.submissions import submit_report
from workflows.kernel.actors import Actor
from workflows.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from workflows.kernel.outbox import enqueue

TODAY = date(2023, 9, 1)


@pytest.fixture
def w(session, tmp_path):
    world = build_world(session, tmp_path / "evidence")
    world.snv = add_agency(session, "Sở Nội vụ", code="snv")
    # Sở LĐTBXH leads its own quarterly task: Q1 accepted, Q2 submitted, Q3 open
    world.own = add_task(
        session,
        world.ldtbxh,
        [date(2023, 3, 14), date(2023, 6, 14), date(2023, 9, 14)],
        supporting=(world.syt,),
        text="Quản lý người nghiện sau cai.",
        schedule_kind="recurring",
    )
    group = AgencyGroup(name="Các sở, ban, ngành")
    session.add(group)
    session.flush()
    session.add_all(
        [
            AgencyGroupMember(group_id=group.id, agency_id=world.ldtbxh.id),
            AgencyGroupMember(group_id=group.id, agency_id=world.syt.id),
        ]
    )
    session.commit()
    q1, q2, q3 = checkpoints_of(session, world.own)
    s1 = submit_report(session, world.ldtbxh_focal, q1.id, "Quý I", [], [], date(2023, 3, 10), world.store)
    accept_submission(session, world.secretariat, s1.id, date(2023, 3, 12))
    world.pending = submit_report(
        session, world.ldtbxh_focal, q2.id, "6 tháng", [], [], date(2023, 6, 10), world.store
    )
    enqueue(session, "reminder:q3", "reminder", {}, audience="focal", agency_id=world.ldtbxh.id)
    session.commit()
    world.q = (q1.id, q2.id, q3.id)
    return world


def test_merge_moves_open_work_and_keeps_closed_history(session, w):
    q1, q2, q3 = w.q
    result = merge_agency(session, w.admin, w.ldtbxh.id, w.snv.id, TODAY)
    session.commit()
    assert sorted(result.checkpoint_ids) == [q2, q3] and result.task_ids == [w.own.id]
    old, new = session.get(Agency, w.ldtbxh.id), session.get(Agency, w.snv.id)
    assert (old.active, old.successor_id) == (False, new.id)
    cps = {cp.id: cp for cp in session.exec(select(Checkpoint).where(Checkpoint.id.in_(w.q)))}
    assert (cps[q1].agency_id, cps[q1].state) == (old.id, "accepted")  # history stays
    assert (cps[q2].agency_id, cps[q2].state, cps[q2].version) == (new.id, "submitted", 3)
    assert (cps[q3].agency_id, cps[q3].version) == (new.id, 2)
    assert session.get(Task, w.own.id).lead_agency_id == new.id
    # it supported the methadone task; now its successor does
    supporters = session.exec(select(TaskSupport.agency_id).where(TaskSupport.task_id == w.task.id))
    assert set(supporters) == {new.id}
    moved = session.get(User, w.ldtbxh_focal.user_id)
    assert moved.agency_id == new.id
    assert set(session.exec(select(OutboxMessage.agency_id))) == {new.id}  # unsent notices follow
    assert set(session.exec(select(AgencyGroupMember.agency_id))) == {w.syt.id, new.id}
    # the moved focal point carries on: the pending report can be reviewed, the open one submitted
    focal = Actor.of(moved)
    assert [r.checkpoint_id for r in list_checkpoints(session, focal, TODAY, agency_id=new.id).items] == [
        q2,
        q3,
    ]
    accept_submission(session, w.secretariat, w.pending.id, TODAY)
    submit_report(session, focal, q3, "Quý III", [], [], TODAY, w.store)
    session.commit()
    assert session.get(Checkpoint, q3).state == "submitted"
    merge = session.exec(select(AuditEvent).where(AuditEvent.action == "agency.merge")).one()
    assert (merge.entity_id, merge.actor_label, merge.before) == (
        old.id,
        "admin",
        {"active": True, "successor_id": None},
    )
    assert merge.after["successor_id"] == new.id and merge.after["user_ids"] == [moved.id]
    reassigned = session.exec(
        select(AuditEvent.entity_id, AuditEvent.before, AuditEvent.after).where(
            AuditEvent.action == "checkpoint.reassign"
        )
    ).all()
    assert sorted(r[0] for r in reassigned) == [q2, q3]
    assert all(b == {"agency_id": old.id} and a["agency_id"] == new.id for _, b, a in reassigned)


def test_merge_chains_resolve_to_the_survivor(session, w):
    merge_agency(session, w.admin, w.ldtbxh.id, w.snv.id, TODAY)
    survivor = add_agency(session, "Sở Nội vụ và Lao động", code="snvld")
    merge_agency(session, w.admin, w.snv.id, survivor.id, TODAY)
    session.commit()
    assert session.get(Agency, w.ldtbxh.id).successor_id == survivor.id
    assert {cp.agency_id for cp in session.exec(select(Checkpoint).where(Checkpoint.id.in_(w.q[1:])))} == {
        survivor.id
    }


def test_merge_refusals(session, w):
    with pytest.raises(PermissionDenied):
        merge_agency(session, w.ldtbxh_focal, w.ldtbxh.id, w.snv.id, TODAY)  # a focal point never
    with pytest.raises(InvalidInput, match="into itself"):
        merge_agency(session, w.admin, w.snv.id, w.snv.id, TODAY)
    with pytest.raises(NotFound, match="agency 999"):
        merge_agency(session, w.admin, w.ldtbxh.id, 999, TODAY)
    merge_agency(session, w.admin, w.ldtbxh.id, w.snv.id, TODAY)
    with pytest.raises(Conflict, match="already inactive"):
        merge_agency(session, w.admin, w.ldtbxh.id, w.syt.id, TODAY)
    with pytest.raises(InvalidInput, match="inactive; merge into its successor"):
        merge_agency(session, w.admin, w.stp.id, w.ldtbxh.id, TODAY)


def test_rename_in_place_keeps_the_old_name_as_an_alias(session, w):
    agency = rename_agency(session, w.admin, w.ldtbxh.id, "  Sở Lao động   và Xã hội ", TODAY)
    session.commit()
    assert (agency.id, agency.name, agency.active) == (w.ldtbxh.id, "Sở Lao động và Xã hội", True)
    assert agency.aliases == ["Sở Lao động - Thương binh và Xã hội"]
    assert session.get(Checkpoint, w.q[0]).agency_id == agency.id  # nothing moves
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "agency.rename")).one()
    assert event.before["name"] == "Sở Lao động - Thương binh và Xã hội"
    assert event.after["name"] == "Sở Lao động và Xã hội"
    with pytest.raises(Conflict, match="already called"):
        rename_agency(session, w.admin, w.ldtbxh.id, "sở y tế", TODAY)
    with pytest.raises(InvalidInput, match="empty"):
        rename_agency(session, w.admin, w.ldtbxh.id, "  ", TODAY)
    with pytest.raises(PermissionDenied):
        rename_agency(session, w.syt_focal, w.syt.id, "Sở Y tế tỉnh Sơn La", TODAY)
