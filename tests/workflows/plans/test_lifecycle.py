"""Withdrawing or archiving a plan waives its open checkpoints and keeps its history."""

from datetime import date

import pytest
from sqlmodel import select

from models import AuditEvent, Checkpoint, CheckpointState, Plan
from tests.builders import add_agency, add_plan, add_task, add_user, checkpoints_of
from workflows.checkpoints import summary
from workflows.kernel.actors import Actor
from workflows.kernel.errors import Conflict, InvalidInput, PermissionDenied
from workflows.plans.lifecycle import end_plan

TODAY = date(2023, 7, 1)


@pytest.fixture
def plan_world(session):
    syt = add_agency(session, "Sở Y tế", code="syt")
    plan = add_plan(session)
    task = add_task(session, syt, [date(2023, 3, 14), date(2023, 6, 14), date(2023, 9, 14)], plan=plan)
    cps = checkpoints_of(session, task)
    with summary.changing(session, Checkpoint.id == cps[0].id):
        cps[0].state = CheckpointState.accepted  # done work stays done
    secretariat = Actor.of(add_user(session, "secretariat", "secretariat"))
    focal = Actor.of(add_user(session, "focal", "focal", syt))
    session.commit()
    return plan, cps, secretariat, focal


@pytest.mark.parametrize("status", ["withdrawn", "archived"])
def test_ending_a_plan_waives_what_is_open_and_keeps_what_is_done(session, plan_world, status):
    plan, cps, secretariat, _ = plan_world
    waived = end_plan(session, secretariat, plan.id, status, "Thay thế bằng kế hoạch 99/KH-UBND", TODAY)
    session.commit()
    session.expire_all()
    states = [session.get(Checkpoint, c.id).state for c in cps]
    assert waived == 2 and states == [
        CheckpointState.accepted,
        CheckpointState.waived,
        CheckpointState.waived,
    ]
    got = session.get(Plan, plan.id)
    assert (got.status, got.status_reason) == (status, "Thay thế bằng kế hoạch 99/KH-UBND")
    event = session.exec(select(AuditEvent).where(AuditEvent.action == f"plan.{status}")).one()
    assert event.after["waived"] == 2
    assert summary.differences(session) == {k: [] for k in summary.differences(session)}


def test_bad_requests_change_nothing(session, plan_world):
    plan, cps, secretariat, focal = plan_world
    with pytest.raises(InvalidInput) as no_reason:
        end_plan(session, secretariat, plan.id, "withdrawn", "  ", TODAY)
    assert no_reason.value.message("vi") == "Vui lòng nêu lý do."
    with pytest.raises(PermissionDenied):
        end_plan(session, focal, plan.id, "withdrawn", "x", TODAY)
    session.rollback()
    assert session.get(Plan, plan.id).status == "active"
    end_plan(session, secretariat, plan.id, "withdrawn", "Hủy", TODAY)
    session.commit()
    with pytest.raises(Conflict) as twice:
        end_plan(session, secretariat, plan.id, "archived", "Lưu", TODAY)
    assert "không còn hiệu lực (đã rút)" in twice.value.message("vi")
