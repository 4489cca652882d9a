"""allowed_actions says exactly what the rules allow: for every actor and checkpoint state, the button
shown and the rule's answer agree (the page used to work this out again on its own)."""

from datetime import date

import pytest
from sqlmodel import select

from models import Checkpoint, Submission, Task
from tests.workflows.compliance_world import build_world, pdf_bytes
from workflows.checkpoints import extensions, review, submissions
from workflows.checkpoints.permissions import allowed_actions, checkpoint_facts
from workflows.kernel.errors import Conflict, NotFound, PermissionDenied
from workflows.plans.importing import withdraw_task

JULY = date(2023, 7, 1)
ACTORS = ("syt_focal", "syt_head", "stp_focal", "ldtbxh_focal", "secretariat", "leader", "admin")


@pytest.fixture
def w(session, tmp_path):
    return build_world(session, tmp_path)


def _allowed_by_rule(session, attempt) -> bool:
    """Run the rule in a savepoint and undo it: True unless it refused for who or when."""
    savepoint = session.begin_nested()
    try:
        attempt()
        return True
    except (PermissionDenied, Conflict, NotFound):
        return False
    finally:
        savepoint.rollback()


def _attempts(session, w, actor, cp_id):
    pending = session.get(Checkpoint, cp_id).state == "submitted"
    sub_id = None
    if pending:
        stmt = select(Submission.id).where(Submission.checkpoint_id == cp_id, Submission.status == "pending")
        sub_id = session.exec(stmt).one()
    return {
        "submit": lambda: submissions.submit_report(session, actor, cp_id, "x", [], [], JULY, w.store),
        "contribute": lambda: submissions.add_contribution(session, actor, cp_id, "x", [], [], JULY, w.store),
        "request_extension": lambda: extensions.request_extension(
            session, actor, cp_id, date(2024, 1, 31), "chờ số liệu", JULY
        ),
        "review": (lambda: review.accept_submission(session, actor, sub_id, JULY)) if pending else None,
    }


def _states(session, w):
    """The checkpoint in each state a page can meet: open, submitted, returned, accepted, withdrawn."""
    cp = w.six_months.id
    yield "open", cp
    sub = submissions.submit_report(
        session, w.syt_focal, cp, "6 tháng", [("a.pdf", pdf_bytes("a"))], [], JULY, w.store
    )
    yield "submitted", cp
    review.return_submission(session, w.secretariat, sub.id, "Thiếu số liệu", JULY)
    yield "returned", cp
    sub = submissions.submit_report(session, w.syt_focal, cp, "lần 2", [], [], JULY, w.store)
    review.accept_submission(session, w.secretariat, sub.id, JULY)
    yield "accepted", cp
    withdraw_task(session, session.get(Task, w.task.id))
    yield "withdrawn", w.year.id


def test_buttons_and_rules_agree_for_every_actor_and_state(session, w):
    seen = 0
    for state, cp_id in _states(session, w):
        session.flush()
        cp = session.get(Checkpoint, cp_id)
        for name in ACTORS:
            actor = getattr(w, name)
            try:
                facts = checkpoint_facts(session, cp)
                shown = allowed_actions(actor, facts)
            except NotFound:
                continue
            for action, attempt in _attempts(session, w, actor, cp_id).items():
                if attempt is None:
                    assert not getattr(shown, action), (state, name, action)
                    continue
                assert getattr(shown, action) == _allowed_by_rule(session, attempt), (state, name, action)
                seen += 1
    assert seen > 60
