"""The status taxonomy on every state and date boundary."""

from datetime import date

from sqlmodel import select

from models import Checkpoint
from tests.builders import add_agency, add_task, checkpoints_of
from workflows.checkpoints.status import Status, status_expr

DUE = date(2023, 6, 14)


def status_on(session, cp: Checkpoint, today: date) -> str:
    return session.exec(select(status_expr(today)).where(Checkpoint.id == cp.id)).one()


def test_open_checkpoint_moves_from_not_due_to_overdue(session):
    syt = add_agency(session, "Sở Y tế")
    first, second = checkpoints_of(session, add_task(session, syt, [date(2023, 3, 14), DUE]))
    assert status_on(session, second, date(2023, 3, 14)) == Status.not_due
    assert status_on(session, second, date(2023, 3, 15)) == Status.in_progress_on_time
    assert status_on(session, second, DUE) == Status.in_progress_on_time
    assert status_on(session, second, date(2023, 6, 15)) == Status.overdue
    assert status_on(session, first, date(2023, 1, 30)) == Status.in_progress_on_time


def test_done_on_time_uses_original_due_date(session):
    syt = add_agency(session, "Sở Y tế")
    (cp,) = checkpoints_of(session, add_task(session, syt, [DUE]))
    cp.state, cp.submitted_on, cp.due_date = "accepted", date(2023, 6, 20), date(2023, 6, 30)
    session.flush()
    assert status_on(session, cp, date(2023, 7, 1)) == Status.done_late
    cp.submitted_on = DUE
    session.flush()
    assert status_on(session, cp, date(2023, 7, 1)) == Status.done_on_time


def test_submitted_returned_and_waived(session):
    syt = add_agency(session, "Sở Y tế")
    (cp,) = checkpoints_of(session, add_task(session, syt, [DUE]))
    cp.state = "submitted"
    session.flush()
    assert status_on(session, cp, date(2023, 7, 1)) == Status.submitted
    cp.state = "returned"
    session.flush()
    assert status_on(session, cp, date(2023, 6, 1)) == Status.returned
    assert status_on(session, cp, date(2023, 7, 1)) == Status.overdue
    cp.state = "waived"
    session.flush()
    assert status_on(session, cp, date(2023, 7, 1)) == Status.waived
