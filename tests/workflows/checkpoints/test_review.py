"""The secretariat reviews: accept or return with a reason, every round kept, notices in the outbox."""

from datetime import date

import pytest
from sqlmodel import Session, select

from models import AuditEvent, Checkpoint, OutboxMessage, Review, Submission
from tests.workflows.compliance_world import build_world, pdf_bytes
from workflows.checkpoints.queries import checkpoint_history, checkpoint_status
from workflows.checkpoints.review import accept_submission, return_submission
from workflows.checkpoints.submissions import add_contribution, submit_report
from workflows.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied

SUBMITTED_ON, REVIEWED_ON = date(2023, 6, 12), date(2023, 6, 20)


@pytest.fixture
def w(session, tmp_path):
    return build_world(session, tmp_path / "evidence")


@pytest.fixture
def sub(session, w):
    s = submit_report(
        session,
        w.syt_focal,
        w.six_months.id,
        "Báo cáo 6 tháng",
        [("bc.pdf", pdf_bytes())],
        [],
        SUBMITTED_ON,
        w.store,
    )
    session.commit()
    return s


def test_accept_dates_the_checkpoint_by_the_submission(session, w, sub):
    review = accept_submission(session, w.secretariat, sub.id, REVIEWED_ON, expected_version=2)
    session.commit()
    cp = session.get(Checkpoint, w.six_months.id)
    assert (cp.state, cp.submitted_on, cp.accepted_on, cp.version) == (
        "accepted",
        SUBMITTED_ON,
        REVIEWED_ON,
        3,
    )
    assert session.get(Submission, sub.id).status == "accepted"
    assert (review.decision, review.reviewed_on, review.reviewer_id) == (
        "accept",
        REVIEWED_ON,
        w.secretariat.user_id,
    )
    # submitted before 14/06 and accepted after it: still on time
    assert checkpoint_status(session, cp.id, REVIEWED_ON) == "done_on_time"
    notice = session.exec(select(OutboxMessage)).one()
    assert (notice.dedupe_key, notice.template, notice.audience, notice.agency_id) == (
        f"notice:accepted:{sub.id}",
        "notice_accepted",
        "focal",
        w.syt.id,
    )
    assert notice.context["task_ref"] == w.task.ref and notice.context["due_date"] == "2023-06-14"
    assert notice.context["agency_name"] == "Sở Y tế" and notice.context["reviewer"] == "ca.ptm"
    assert notice.context["period_label"] == cp.period_label and notice.context["checkpoint_id"] == cp.id
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "submission.accept")).one()
    assert event.before["state"] == "submitted" and event.after["state"] == "accepted"
    assert event.after["review_id"] == review.id and event.actor_label == "ca.ptm"


def test_return_needs_a_reason_and_reopens_the_checkpoint(session, w, sub):
    for blank in ("", "   \n"):
        with pytest.raises(InvalidInput, match="say why"):
            return_submission(session, w.secretariat, sub.id, blank, REVIEWED_ON)
    assert session.get(Checkpoint, w.six_months.id).state == "submitted"
    return_submission(session, w.secretariat, sub.id, "  Thiếu số bệnh nhân duy trì điều trị  ", REVIEWED_ON)
    session.commit()
    cp = session.get(Checkpoint, w.six_months.id)
    assert (cp.state, cp.submitted_on, cp.version) == ("returned", None, 3)
    assert checkpoint_status(session, cp.id, REVIEWED_ON) == "overdue"  # returned past due
    assert checkpoint_status(session, cp.id, date(2023, 6, 13)) == "returned"
    notice = session.exec(select(OutboxMessage)).one()
    assert (notice.dedupe_key, notice.template) == (f"notice:returned:{sub.id}", "notice_returned")
    assert notice.context["reason"] == "Thiếu số bệnh nhân duy trì điều trị"


def test_every_round_is_kept(session, w, sub):
    return_submission(session, w.secretariat, sub.id, "Bổ sung số liệu", REVIEWED_ON)
    second = submit_report(
        session, w.syt_focal, w.six_months.id, "Đã bổ sung", [], [], date(2023, 6, 25), w.store
    )
    accept_submission(session, w.admin, second.id, date(2023, 6, 26))
    session.commit()
    history = checkpoint_history(session, w.secretariat, w.six_months.id)
    assert [
        (e.submission.round, e.submission.status, [r.decision for r in e.reviews])
        for e in history.submissions
    ] == [(1, "returned", ["return"]), (2, "accepted", ["accept"])]
    assert history.submissions[0].reviews[0].reason == "Bổ sung số liệu"
    assert len(history.submissions[0].evidence) == 1
    cp = history.checkpoint
    assert (cp.submitted_on, cp.accepted_on) == (date(2023, 6, 25), date(2023, 6, 26))
    assert checkpoint_status(session, cp.id, date(2023, 7, 1)) == "done_late"
    assert len(session.exec(select(OutboxMessage)).all()) == 2


def test_only_the_secretariat_and_admin_review(session, w, sub):
    # reads exactly like a submission that does not exist: nothing about the checkpoint leaks
    with pytest.raises(NotFound, match=f"^submission {sub.id} not found$"):
        accept_submission(session, w.stp_focal, sub.id, REVIEWED_ON)
    with pytest.raises(NotFound):
        return_submission(session, w.stp_focal, sub.id, "x", REVIEWED_ON)
    for actor in (w.syt_focal, w.syt_head, w.leader, w.ldtbxh_focal):
        with pytest.raises(PermissionDenied, match="needs secretariat, admin"):
            accept_submission(session, actor, sub.id, REVIEWED_ON)
        with pytest.raises(PermissionDenied):
            return_submission(session, actor, sub.id, "Thiếu", REVIEWED_ON)
    with pytest.raises(NotFound, match="^submission 999 not found$"):
        accept_submission(session, w.secretariat, 999, REVIEWED_ON)
    session.rollback()
    assert session.get(Checkpoint, w.six_months.id).state == "submitted"
    assert session.exec(select(Review)).all() == [] and session.exec(select(OutboxMessage)).all() == []


def test_decided_submissions_and_contributions_are_not_reviewed(session, w, sub):
    contribution = add_contribution(
        session, w.ldtbxh_focal, w.six_months.id, "Số liệu", [], [], SUBMITTED_ON, w.store
    )
    with pytest.raises(Conflict, match="contributions"):
        accept_submission(session, w.secretariat, contribution.id, REVIEWED_ON)
    accept_submission(session, w.secretariat, sub.id, REVIEWED_ON)
    session.commit()
    with pytest.raises(Conflict, match="already accepted"):
        return_submission(session, w.secretariat, sub.id, "muộn", REVIEWED_ON)
    with pytest.raises(Conflict, match="already accepted"):
        accept_submission(session, w.secretariat, sub.id, REVIEWED_ON)


def test_stale_review_form_and_two_reviewers(engine, w, sub):
    with Session(engine) as s:
        with pytest.raises(Conflict, match=r"changed since you loaded it \(version 1"):
            accept_submission(s, w.secretariat, sub.id, REVIEWED_ON, expected_version=1)
    with Session(engine, expire_on_commit=False) as a, Session(engine, expire_on_commit=False) as b:
        accept_submission(a, w.secretariat, sub.id, REVIEWED_ON, expected_version=2)
        a.commit()
        with pytest.raises(Conflict):
            return_submission(b, w.admin, sub.id, "Thiếu", REVIEWED_ON, expected_version=2)
        b.rollback()
    with Session(engine) as s:
        assert s.get(Checkpoint, w.six_months.id).state == "accepted"
        assert [r.decision for r in s.exec(select(Review)).all()] == ["accept"]
        assert [m.template for m in s.exec(select(OutboxMessage)).all()] == ["notice_accepted"]
