"""The desk's long lists hold their first rows only; their totals still count every row."""

from datetime import date

from tests.builders import add_agency, add_plan, add_task, add_user, checkpoints_of
from workflows.checkpoints import extensions, submissions
from workflows.checkpoints.evidence import EvidenceStore
from workflows.escalation.sweep import escalate_overdue
from workflows.kernel.actors import Actor
from workflows.reporting.desk import (
    desk,
    escalation_totals,
    escalations_by_rung,
    pending_extensions,
    review_queue,
)

TODAY = date(2023, 7, 1)


def test_lists_are_capped_and_totals_count_everything(session, settings):
    syt = add_agency(session, "Sở Y tế", code="syt")
    focal = Actor.of(add_user(session, "focal_syt", "focal", syt))
    secretariat = Actor.of(add_user(session, "thuongtruc", "secretariat"))
    plan = add_plan(session)
    overdue = [
        add_task(session, syt, [date(2023, 6, 10 + i)], text=f"Việc quá hạn {i}.", plan=plan)
        for i in range(3)
    ]  # 15–21 days late on TODAY: the secretariat rung
    reported = [
        add_task(session, syt, [date(2023, 7, 20)], text=f"Việc đã báo cáo {i}.", plan=plan) for i in range(3)
    ]
    store = EvidenceStore.from_settings(settings)
    for n, task in enumerate(reported):
        (cp,) = checkpoints_of(session, task)
        submissions.submit_report(session, focal, cp.id, "Đã xong", [], [], date(2023, 6, 20 + n), store)
    for task in overdue:
        (cp,) = checkpoints_of(session, task)
        extensions.request_extension(session, focal, cp.id, date(2023, 8, 1), "Chờ số liệu", TODAY)
    escalate_overdue(session, TODAY)
    session.commit()

    assert escalation_totals(session, TODAY) == {"secretariat": 3}
    first = escalations_by_rung(session, secretariat, TODAY, limit=2)["secretariat"]
    assert [e.due_date for e in first] == [date(2023, 6, 10), date(2023, 6, 11)]  # oldest first
    assert len(review_queue(session, secretariat, TODAY, limit=2)) == 2
    assert len(review_queue(session, secretariat, TODAY, limit=None)) == 3
    assert len(pending_extensions(session, secretariat, limit=1)) == 1

    view = desk(session, secretariat, TODAY)  # the default cap is far above these counts
    assert (view.review_total, view.extension_total, view.escalation_totals) == (3, 3, {"secretariat": 3})
    assert [r.submitted_on for r in view.review_queue] == [
        date(2023, 6, 20),
        date(2023, 6, 21),
        date(2023, 6, 22),
    ]
    assert len(view.extensions) == 3 and len(view.escalations["secretariat"]) == 3
