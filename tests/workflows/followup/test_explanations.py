"""The leader asks Sở Tư pháp to explain overdue items; the agency answers; unanswered requests escalate."""

from datetime import date
from types import SimpleNamespace

import pytest
from sqlmodel import select

from models import AuditEvent, ExplanationAnswer, ExplanationRequest, OutboxMessage
from models.user import Role
from notifications.render import render
from tests.builders import add_agency, add_task, add_user, checkpoints_of
from workflows.followup.explanations import (
    accept_explanation,
    answer_explanation,
    ask_again,
    ask_explanation,
    escalate_unanswered,
)
from workflows.followup.queries import answers_for_checkpoints, open_requests
from workflows.kernel.actors import Actor
from workflows.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied

TODAY = date(2023, 7, 1)
ANSWER_BY = date(2023, 7, 10)


@pytest.fixture
def w(session):
    stp, syt = add_agency(session, "Sở Tư pháp"), add_agency(session, "Sở Y tế")
    late = [add_task(session, stp, [date(2023, 3, 14)]), add_task(session, stp, [date(2023, 6, 14)])]
    not_due = add_task(session, stp, [date(2023, 12, 14)])
    w = SimpleNamespace(
        stp=stp,
        syt=syt,
        late=[checkpoints_of(session, t)[0].id for t in late],
        not_due=checkpoints_of(session, not_due)[0].id,
        **{
            n: Actor.of(add_user(session, n, r, a))
            for n, r, a in (
                ("lanhdao", Role.leader, None),
                ("lanhdao2", Role.leader, None),
                ("thuongtruc", Role.secretariat, None),
                ("tuphap", Role.focal, stp),
                ("yte", Role.focal, syt),
            )
        },
    )
    session.commit()
    return w


def test_ask_answer_accept_with_notices_and_audit(session, w):
    req = ask_explanation(session, w.lanhdao, w.stp.id, w.late, ANSWER_BY, "Đề nghị giải trình", TODAY)
    session.commit()
    asked = session.exec(select(OutboxMessage)).one()
    assert (asked.template, asked.audience, asked.agency_id) == ("explanation_notice", "focal,head", w.stp.id)
    assert [i["checkpoint_id"] for i in asked.context["items"]] == w.late
    mail = render(asked.template, {"base_url": "https://x", **asked.context})
    assert mail.subject == "[Sơn La – PCMT] Yêu cầu giải trình: Sở Tư pháp"
    assert "trước ngày 10/07/2023" in mail.text and f"https://x/explanations/{req.id}" in mail.text

    answer_explanation(session, w.tuphap, req.id, "Thiếu cán bộ", date(2023, 7, 31), "", date(2023, 7, 5))
    session.commit()
    assert session.get(ExplanationRequest, req.id).status == "answered"
    (item,) = {tuple(v) for v in answers_for_checkpoints(session, w.late).values()}
    assert item == ("Thiếu cán bộ", date(2023, 7, 31), "answered")

    accept_explanation(session, w.lanhdao, req.id, date(2023, 7, 6))
    session.commit()
    assert session.get(ExplanationRequest, req.id).status == "accepted"
    steps = [m.context["step"] for m in session.exec(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert steps == ["ask", "answer", "accept"]
    history = session.exec(
        select(AuditEvent.action).where(
            AuditEvent.entity_type == "checkpoint", AuditEvent.entity_id == w.late[0]
        )
    ).all()
    assert history == ["explanation.ask", "explanation.answer", "explanation.accept"]


def test_no_items_named_means_every_overdue_item_of_the_agency(session, w):
    req = ask_explanation(session, w.thuongtruc, w.stp.id, [], ANSWER_BY, "", TODAY)
    (row,) = open_requests(session, w.thuongtruc)
    assert (row.id, row.agency_name, row.items, row.status) == (req.id, "Sở Tư pháp", 2, "open")
    assert open_requests(session, w.yte) == [] and len(open_requests(session, w.tuphap)) == 1


def test_an_answer_after_the_request_was_closed_is_refused(session, w):
    req = ask_explanation(session, w.lanhdao, w.stp.id, w.late, ANSWER_BY, "", TODAY)
    answer_explanation(session, w.tuphap, req.id, "Lý do", None, "", TODAY)
    with pytest.raises(Conflict) as exc:
        answer_explanation(session, w.tuphap, req.id, "Lần nữa", None, "", TODAY)
    assert exc.value.code == "explanation.awaiting_decision"
    accept_explanation(session, w.thuongtruc, req.id, TODAY)
    session.commit()
    with pytest.raises(Conflict) as exc:
        answer_explanation(session, w.tuphap, req.id, "Muộn", None, "", TODAY)
    session.rollback()
    assert exc.value.message("vi") == "Yêu cầu giải trình đã kết thúc, không nhận thêm trả lời."
    assert len(session.exec(select(ExplanationAnswer)).all()) == 1


def test_ask_again_opens_a_new_round(session, w):
    req = ask_explanation(session, w.lanhdao, w.stp.id, w.late, ANSWER_BY, "", TODAY)
    answer_explanation(session, w.tuphap, req.id, "Chưa rõ", None, "", TODAY)
    with pytest.raises(PermissionDenied):  # another leader did not ask
        ask_again(session, w.lanhdao2, req.id, "Thêm", date(2023, 7, 20), TODAY)
    ask_again(session, w.lanhdao, req.id, "Đề nghị nêu rõ số liệu", date(2023, 7, 20), TODAY)
    assert (req.status, req.round, req.answer_due) == ("open", 2, date(2023, 7, 20))
    answer_explanation(session, w.tuphap, req.id, "Đã bổ sung", None, "", date(2023, 7, 15))
    rounds = session.exec(select(ExplanationAnswer.round).where(ExplanationAnswer.request_id == req.id)).all()
    assert sorted(rounds) == [1, 2]


def test_an_unanswered_request_escalates_on_its_deadline_once(session, w):
    req = ask_explanation(session, w.lanhdao, w.stp.id, w.late, ANSWER_BY, "", TODAY)
    session.commit()
    assert escalate_unanswered(session, ANSWER_BY) == []  # the deadline day itself is still in time
    assert escalate_unanswered(session, date(2023, 7, 11)) == [req.id]
    assert escalate_unanswered(session, date(2023, 7, 12)) == []  # once per round
    session.commit()
    up = session.exec(
        select(OutboxMessage).where(OutboxMessage.dedupe_key.like("explanation:escalate:%"))
    ).one()
    assert (up.audience, up.context["days_late"]) == ("head,leader", 1)
    assert "Chưa trả lời giải trình quá 1 ngày" in render(up.template, up.context).subject
    # answered late and asked again: the new round escalates on its own deadline
    answer_explanation(session, w.tuphap, req.id, "Muộn", None, "", date(2023, 7, 12))
    ask_again(session, w.lanhdao, req.id, "Bổ sung", date(2023, 7, 20), date(2023, 7, 13))
    assert escalate_unanswered(session, date(2023, 7, 21)) == [req.id]


@pytest.mark.parametrize(
    "items, due, code",
    [
        ("not_due", ANSWER_BY, "explanation.item_not_overdue"),
        ("late", TODAY, "explanation.due_past"),
        ("late", None, "explanation.due_missing"),
        ("late", date(2023, 12, 1), "explanation.due_far"),
    ],
)
def test_a_bad_request_is_refused_and_nothing_is_written(session, w, items, due, code):
    ids = [w.not_due] if items == "not_due" else w.late
    with pytest.raises(InvalidInput) as exc:
        ask_explanation(session, w.lanhdao, w.stp.id, ids, due, "", TODAY)
    session.rollback()
    assert exc.value.code == code
    assert session.exec(select(ExplanationRequest)).all() == []
    assert session.exec(select(OutboxMessage)).all() == []


def test_only_askers_ask_and_only_the_agency_answers(session, w):
    with pytest.raises(PermissionDenied):
        ask_explanation(session, w.tuphap, w.stp.id, w.late, ANSWER_BY, "", TODAY)
    with pytest.raises(InvalidInput):  # Sở Y tế has nothing overdue
        ask_explanation(session, w.lanhdao, w.syt.id, [], ANSWER_BY, "", TODAY)
    req = ask_explanation(session, w.lanhdao, w.stp.id, w.late, ANSWER_BY, "", TODAY)
    with pytest.raises(NotFound):
        answer_explanation(session, w.yte, req.id, "x", None, "", TODAY)
    with pytest.raises(InvalidInput) as exc:
        answer_explanation(session, w.tuphap, req.id, "  ", None, "", TODAY)
    assert exc.value.code == "explanation.reason_missing"
    with pytest.raises(InvalidInput):
        answer_explanation(session, w.tuphap, req.id, "Lý do", TODAY, "", TODAY)
