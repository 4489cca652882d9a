"""Extension requests: the lead's focal point asks, the secretariat decides; the original due date stays."""

import threading
from datetime import date

import pytest
from sqlmodel import Session, select

from models import AuditEvent, Checkpoint, ExtensionRequest, OutboxMessage
from tests.workflows.compliance_world import build_world, wait_until_blocked
from workflows.checkpoints.extensions import decide_extension, request_extension
from workflows.checkpoints.queries import checkpoint_status
from workflows.checkpoints.review import accept_submission
from workflows.checkpoints.submissions import submit_report
from workflows.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied

TODAY, NEW_DUE = date(2023, 6, 5), date(2023, 6, 30)


@pytest.fixture
def w(session, tmp_path):
    return build_world(session, tmp_path / "evidence")


def test_approved_extension_moves_the_due_date_not_the_original(session, w):
    req = request_extension(session, w.syt_focal, w.six_months.id, NEW_DUE, "  Chờ số liệu quý II  ", TODAY)
    session.commit()
    assert (req.status, req.previous_due, req.requested_due, req.reason) == (
        "pending",
        date(2023, 6, 14),
        NEW_DUE,
        "Chờ số liệu quý II",
    )
    assert session.get(Checkpoint, w.six_months.id).version == 1  # asking changes nothing yet
    decide_extension(session, w.secretariat, req.id, True, "Đồng ý", date(2023, 6, 6))
    session.commit()
    cp = session.get(Checkpoint, w.six_months.id)
    assert (cp.due_date, cp.original_due_date, cp.version) == (NEW_DUE, date(2023, 6, 14), 2)
    assert checkpoint_status(session, cp.id, date(2023, 6, 20)) == "in_progress_on_time"
    assert checkpoint_status(session, cp.id, date(2023, 7, 1)) == "overdue"
    session.refresh(req)
    assert (req.status, req.decided_by, req.decision_note) == ("approved", w.secretariat.user_id, "Đồng ý")
    assert req.decided_at is not None and req.decided_at.tzinfo is not None
    notice = session.exec(select(OutboxMessage)).one()
    assert (notice.dedupe_key, notice.template, notice.audience, notice.agency_id) == (
        f"notice:extension:{req.id}",
        "notice_extension",
        "focal",
        w.syt.id,
    )
    assert notice.context["approved"] is True and notice.context["due_date"] == "2023-06-30"
    assert notice.context["previous_due"] == "2023-06-14"
    # on-time figures keep the original date: a report on 20/06 inside the extension is still late
    sub = submit_report(session, w.syt_focal, cp.id, "Báo cáo", [], [], date(2023, 6, 20), w.store)
    accept_submission(session, w.secretariat, sub.id, date(2023, 6, 21))
    session.commit()
    assert checkpoint_status(session, cp.id, date(2023, 7, 1)) == "done_late"
    actions = session.exec(
        select(AuditEvent.action)
        .where(AuditEvent.entity_id == cp.id, AuditEvent.entity_type == "checkpoint")
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["extension.request", "extension.approve", "submission.submit", "submission.accept"]


def test_refusal_keeps_the_due_date_and_allows_a_new_request(session, w):
    req = request_extension(session, w.syt_focal, w.six_months.id, NEW_DUE, "Chờ số liệu", TODAY)
    with pytest.raises(Conflict, match=f"extension request {req.id} for this checkpoint is still pending"):
        request_extension(session, w.syt_focal, w.six_months.id, date(2023, 7, 15), "lần 2", TODAY)
    decide_extension(session, w.secretariat, req.id, False, "Không có căn cứ", TODAY)
    session.commit()
    cp = session.get(Checkpoint, w.six_months.id)
    assert (cp.due_date, cp.version) == (date(2023, 6, 14), 1)
    assert session.exec(select(OutboxMessage)).one().context["approved"] is False
    with pytest.raises(Conflict, match="already refused"):
        decide_extension(session, w.secretariat, req.id, True, "", TODAY)
    again = request_extension(session, w.syt_focal, w.six_months.id, date(2023, 7, 15), "lần 2", TODAY)
    assert again.status == "pending"


def test_bad_requests_are_refused_precisely(session, w):
    cp = w.six_months.id
    with pytest.raises(InvalidInput, match=r"14/06/2023 must be after the current one \(14/06/2023\)"):
        request_extension(session, w.syt_focal, cp, date(2023, 6, 14), "x", TODAY)
    with pytest.raises(InvalidInput, match="give a reason"):
        request_extension(session, w.syt_focal, cp, NEW_DUE, "  ", TODAY)
    with pytest.raises(NotFound):
        request_extension(session, w.stp_focal, cp, NEW_DUE, "x", TODAY)
    for actor in (w.syt_head, w.ldtbxh_focal, w.secretariat, w.leader):
        with pytest.raises(PermissionDenied):
            request_extension(session, actor, cp, NEW_DUE, "x", TODAY)
    assert session.exec(select(ExtensionRequest)).all() == []


def test_only_the_secretariat_decides(session, w):
    req = request_extension(session, w.syt_focal, w.six_months.id, NEW_DUE, "Chờ số liệu", TODAY)
    session.commit()
    with pytest.raises(NotFound, match=f"^extension request {req.id} not found$"):
        decide_extension(session, w.stp_focal, req.id, True, "", TODAY)
    for actor in (w.syt_focal, w.syt_head, w.leader):
        with pytest.raises(PermissionDenied):
            decide_extension(session, actor, req.id, True, "", TODAY)
    with pytest.raises(NotFound, match="^extension request 999 not found$"):
        decide_extension(session, w.secretariat, 999, True, "", TODAY)
    session.rollback()
    assert session.get(ExtensionRequest, req.id).status == "pending"


def test_closed_checkpoint_is_not_extended(session, w):
    req = request_extension(session, w.syt_focal, w.six_months.id, NEW_DUE, "Chờ số liệu", TODAY)
    sub = submit_report(session, w.syt_focal, w.six_months.id, "Báo cáo", [], [], TODAY, w.store)
    accept_submission(session, w.secretariat, sub.id, TODAY)
    session.commit()
    with pytest.raises(Conflict, match="is accepted; refuse the request instead"):
        decide_extension(session, w.secretariat, req.id, True, "", TODAY)
    with pytest.raises(Conflict, match="nothing to extend"):
        request_extension(session, w.syt_focal, w.six_months.id, NEW_DUE, "x", TODAY)
    assert decide_extension(session, w.secretariat, req.id, False, "Đã hoàn thành", TODAY).status == "refused"


def test_two_concurrent_requests_leave_one_pending(engine, w):
    outcome = {}
    with Session(engine, expire_on_commit=False) as a:
        request_extension(a, w.syt_focal, w.six_months.id, NEW_DUE, "A", TODAY)
        a.flush()

        def second():
            with Session(engine) as b:
                try:
                    request_extension(b, w.syt_focal, w.six_months.id, date(2023, 7, 1), "B", TODAY)
                    b.commit()
                    outcome["b"] = "committed"
                except Conflict as exc:
                    outcome["b"] = str(exc)

        thread = threading.Thread(target=second)
        thread.start()
        wait_until_blocked(engine, thread)
        a.commit()
    thread.join(60)
    assert "still pending" in outcome["b"]
    with Session(engine) as s:
        assert [r.reason for r in s.exec(select(ExtensionRequest)).all()] == ["A"]
