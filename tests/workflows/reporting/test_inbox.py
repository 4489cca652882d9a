"""The focal point's inbox and the secretariat's desk queries."""

from datetime import date

import pytest
from sqlmodel import Session

from models import Task, TaskSupport
from tests.builders import add_agency, add_plan, add_task, add_user, changed, checkpoints_of
from workflows.checkpoints import extensions, review, submissions
from workflows.checkpoints.evidence import EvidenceStore
from workflows.checkpoints.queries import task_periods
from workflows.escalation.sweep import escalate_overdue
from workflows.kernel.actors import Actor
from workflows.kernel.errors import InvalidInput, NotFound, PermissionDenied
from workflows.plans.importing import withdraw_task
from workflows.plans.queries import plan_tasks
from workflows.reporting.desk import (
    bucket_of,
    desk,
    overdue_by_agency,
    pending_extensions,
    review_queue,
)
from workflows.reporting.inbox import agency_inbox, supported_list

TODAY = date(2023, 7, 1)
PDF = b"%PDF-1.4\n%inbox test\n"


@pytest.fixture
def w(session: Session, settings):
    """Sở Y tế owes: an overdue 14/03 and 14/06, a returned item (extended to 10/07), one due 05/07,
    one later, one submitted; Công an tỉnh supports one task and owes one overdue item."""
    syt = add_agency(session, "Sở Y tế", code="syt")
    cat = add_agency(session, "Công an tỉnh", code="cat")
    plan = add_plan(session)
    users = {
        n: add_user(session, n, r, a)
        for n, r, a in [
            ("focal_syt", "focal", syt),
            ("head_syt", "head", syt),
            ("focal_cat", "focal", cat),
            ("secretariat", "secretariat", None),
            ("leader", "leader", None),
        ]
    }
    actors = {n: Actor.of(u) for n, u in users.items()}
    second = add_task(
        session, syt, [date(2023, 6, 14)], ref="II.2-1", text="Nhiệm vụ mục II.2 (phần sau).", plan=plan
    )
    first = add_task(
        session,
        syt,
        [date(2023, 3, 14), date(2023, 6, 14), date(2023, 9, 14)],
        supporting=(cat,),
        ref="II.1-1",
        text="Sở Y tế chủ trì đánh giá chương trình Methadone.",
        schedule_kind="recurring",
        plan=plan,
    )
    soon = add_task(session, syt, [date(2023, 7, 5)], text="Tập huấn trong tháng 7.", plan=plan)
    returned = add_task(session, syt, [date(2023, 6, 20)], text="Báo cáo bị trả lại.", plan=plan)
    waiting = add_task(session, syt, [date(2023, 6, 25)], text="Báo cáo chờ thẩm định.", plan=plan)
    cat_task = add_task(
        session, cat, [date(2023, 5, 31)], supporting=(syt,), text="Công an tỉnh chủ trì.", plan=plan
    )
    withdrawn = add_task(session, syt, [date(2023, 4, 1)], text="Nhiệm vụ đã rút.", plan=plan)
    withdraw_task(session, session.get(Task, withdrawn.id))
    # the first and second tasks are in plan order II.1 before II.2 although added the other way round
    session.get(Task, first.id).position, session.get(Task, second.id).position = 1, 2
    session.flush()
    store = EvidenceStore.from_settings(settings)
    cp_returned = checkpoints_of(session, returned)[0]
    sub = submissions.submit_report(
        session, actors["focal_syt"], cp_returned.id, "Lần 1", [("a.pdf", PDF)], [], date(2023, 6, 15), store
    )
    review.return_submission(session, actors["secretariat"], sub.id, "Thiếu số liệu", date(2023, 6, 16))
    ext = extensions.request_extension(
        session, actors["focal_syt"], cp_returned.id, date(2023, 7, 10), "Chờ số liệu", date(2023, 6, 17)
    )
    extensions.decide_extension(session, actors["secretariat"], ext.id, True, "", date(2023, 6, 18))
    cp_waiting = checkpoints_of(session, waiting)[0]
    submissions.submit_report(
        session,
        actors["focal_syt"],
        cp_waiting.id,
        "Đã gửi",
        [("b.pdf", PDF)],
        ["https://example.vn/x"],
        date(2023, 6, 24),
        store,
    )
    session.flush()
    return {
        "syt": syt,
        "cat": cat,
        "plan": plan,
        "actors": actors,
        "first": first,
        "second": second,
        "soon": soon,
        "returned": cp_returned,
        "waiting": cp_waiting,
        "cat_task": cat_task,
        "withdrawn": withdrawn,
        "store": store,
    }


def ids(items) -> list[int]:
    return [i.checkpoint_id for i in items]


def test_inbox_groups_and_orders_what_the_agency_owes(session, w):
    inbox = agency_inbox(session, w["actors"]["focal_syt"], TODAY)
    first = checkpoints_of(session, w["first"])
    second = checkpoints_of(session, w["second"])
    # oldest due first; same due date: plan order (II.1 before II.2)
    assert ids(inbox.overdue) == [first[0].id, first[1].id, second[0].id]
    assert [i.days_late for i in inbox.overdue] == [109, 17, 17]
    assert inbox.overdue[0].task_text == "Sở Y tế chủ trì đánh giá chương trình Methadone."
    assert inbox.overdue[0].section_ref == "II.1" and inbox.overdue[0].plan_number == "1/KH-TEST"
    assert ids(inbox.returned) == [w["returned"].id]
    assert inbox.returned[0].due_date == date(2023, 7, 10) and inbox.returned[0].original_due_date == date(
        2023, 6, 20
    )
    assert inbox.returned[0].return_reason == "Thiếu số liệu"
    assert ids(inbox.due_soon) == [checkpoints_of(session, w["soon"])[0].id]
    assert inbox.due_soon[0].days_left == 4
    assert ids(inbox.later) == [first[2].id]
    assert ids(inbox.awaiting_review) == [w["waiting"].id]
    withdrawn = checkpoints_of(session, w["withdrawn"])[0].id
    assert withdrawn not in ids(inbox.owed + inbox.awaiting_review)
    # supported: the lead's current checkpoint of the task Sở Y tế supports
    assert ids(inbox.supported) == [checkpoints_of(session, w["cat_task"])[0].id]
    assert inbox.supported[0].agency_name == "Công an tỉnh"


def test_supported_shows_the_first_open_period_of_the_lead(session, w):
    inbox = agency_inbox(session, w["actors"]["focal_cat"], TODAY)
    first = checkpoints_of(session, w["first"])
    assert ids(inbox.overdue) == [checkpoints_of(session, w["cat_task"])[0].id]
    assert ids(inbox.supported) == [first[0].id]  # Q1 still open: the earliest one not done
    review.accept_submission(
        session,
        w["actors"]["secretariat"],
        submissions.submit_report(
            session,
            w["actors"]["focal_syt"],
            first[0].id,
            "Q1",
            [],
            ["https://example.vn/q1"],
            TODAY,
            w["store"],
        ).id,
        TODAY,
    )
    assert ids(agency_inbox(session, w["actors"]["focal_cat"], TODAY).supported) == [first[1].id]


def test_inbox_visibility(session, w):
    head = agency_inbox(session, w["actors"]["head_syt"], TODAY)
    assert head.agency_name == "Sở Y tế" and len(head.overdue) == 3
    with pytest.raises(NotFound):
        agency_inbox(session, w["actors"]["focal_cat"], TODAY, agency_id=w["syt"].id)
    with pytest.raises(InvalidInput):
        agency_inbox(session, w["actors"]["secretariat"], TODAY)
    assert len(agency_inbox(session, w["actors"]["secretariat"], TODAY, agency_id=w["syt"].id).overdue) == 3
    with pytest.raises(NotFound):
        agency_inbox(session, w["actors"]["secretariat"], TODAY, agency_id=9999)


def test_task_periods_respect_visibility(session, w):
    first = checkpoints_of(session, w["first"])
    periods = task_periods(session, w["actors"]["focal_syt"], TODAY, w["first"].id, w["syt"].id)
    assert [p.checkpoint.id for p in periods] == [c.id for c in first]
    assert [p.status for p in periods] == ["overdue", "overdue", "in_progress_on_time"]
    outsider = Actor(user_id=None, role="focal", agency_id=w["cat"].id + 100)
    assert task_periods(session, outsider, TODAY, w["first"].id, w["syt"].id) == []


def test_overdue_buckets_by_age_and_agency(session, w):
    assert [bucket_of(d) for d in (1, 7, 8, 30, 31, 400)] == [
        "1–7 ngày",
        "1–7 ngày",
        "8–30 ngày",
        "8–30 ngày",
        "trên 30 ngày",
        "trên 30 ngày",
    ]
    view = desk(session, w["actors"]["secretariat"], TODAY)
    rows = {r.agency_name: r for r in view.overdue_by_agency}
    assert rows["Sở Y tế"].buckets == {"1–7 ngày": 0, "8–30 ngày": 2, "trên 30 ngày": 1}
    assert rows["Sở Y tế"].oldest_days == 109 and rows["Công an tỉnh"].total == 1
    assert [r.agency_name for r in view.overdue_by_agency] == ["Sở Y tế", "Công an tỉnh"]  # oldest first
    assert view.overdue_agency_total == 2 and view.overdue_total == 4 == len(view.overdue)
    # the buckets count what the overdue list holds, item by item
    by_list = {}
    for item in view.overdue:
        by_list.setdefault(item.agency_name, []).append(bucket_of(item.days_late))
    assert {name: sorted(b) for name, b in by_list.items()} == {
        name: sorted(label for label, n in r.buckets.items() for _ in range(n)) for name, r in rows.items()
    }
    (first,), two = overdue_by_agency(session, TODAY, limit=1)
    assert first.agency_name == "Sở Y tế" and two == 2  # paged in SQL, counted in all


def test_review_queue_and_extensions(session, w):
    sec = w["actors"]["secretariat"]
    cat_cp = checkpoints_of(session, w["cat_task"])[0]
    submissions.submit_report(
        session,
        w["actors"]["focal_cat"],
        cat_cp.id,
        "CAT",
        [("c.pdf", PDF)],
        [],
        date(2023, 6, 30),
        w["store"],
    )
    queue = review_queue(session, sec, TODAY)
    assert [q.checkpoint_id for q in queue] == [w["waiting"].id, cat_cp.id]  # first in, first out
    assert queue[0].evidence_count == 2 and queue[0].waiting_days == 7 and queue[0].author == "focal_syt"
    assert queue[1].agency_name == "Công an tỉnh" and queue[1].evidence_count == 1
    first = checkpoints_of(session, w["first"])
    extensions.request_extension(
        session, w["actors"]["focal_syt"], first[2].id, date(2023, 10, 1), "Lý do", TODAY
    )
    pending = pending_extensions(session, sec)
    assert [(p.checkpoint_id, p.previous_due, p.requested_due) for p in pending] == [
        (first[2].id, date(2023, 9, 14), date(2023, 10, 1))
    ]
    assert pending[0].section_ref == "II.1" and pending[0].period_label
    for who in ("focal_syt", "leader"):
        with pytest.raises(PermissionDenied):
            review_queue(session, w["actors"][who], TODAY)


def test_escalations_by_rung_follow_the_ladder(session, w):
    escalate_overdue(session, TODAY)
    view = desk(session, w["actors"]["secretariat"], TODAY)
    # 14/06 is 17 days late: the secretariat rung; 31/05 is 31 days late: the leader rung;
    # 05/07 is within a week: the reminder rung (10/07, extended, is not yet); 14/03 is past every window
    assert list(view.escalations) == ["reminder", "secretariat", "leader"]  # ladder order
    assert {e.checkpoint_id for e in view.escalations["reminder"]} == {
        checkpoints_of(session, w["soon"])[0].id
    }
    assert {e.agency_name for e in view.escalations["secretariat"]} == {"Sở Y tế"}
    assert [e.checkpoint_id for e in view.escalations["leader"]] == [
        checkpoints_of(session, w["cat_task"])[0].id
    ]


def test_plan_tasks_counts_and_visibility(session, w):
    rows = {r.task_id: r for r in plan_tasks(session, w["actors"]["focal_cat"], TODAY, w["plan"].id)}
    first = rows[w["first"].id]
    assert first.counts == {"overdue": 2, "in_progress_on_time": 1} and first.visible  # supported
    assert first.current_checkpoint_id == checkpoints_of(session, w["first"])[0].id
    assert not rows[w["soon"].id].visible and rows[w["cat_task"].id].visible
    assert rows[w["withdrawn"].id].withdrawn
    with pytest.raises(NotFound):
        plan_tasks(session, w["actors"]["secretariat"], TODAY, 9999)


def test_support_rows_do_not_leak_other_agencies(session, w):
    # a third agency neither leads nor supports anything: empty inbox, no error
    other = add_agency(session, "Sở Tư pháp", code="stp")
    focal = Actor.of(add_user(session, "focal_stp", "focal", other))
    inbox = agency_inbox(session, focal, TODAY)
    assert inbox.owed == [] and inbox.supported == [] and inbox.awaiting_review == []
    session.add(TaskSupport(task_id=w["soon"].id, agency_id=other.id))
    session.flush()
    assert ids(agency_inbox(session, focal, TODAY).supported) == [
        c.id for c in checkpoints_of(session, w["soon"])
    ]


def test_supported_shows_the_last_period_when_every_one_is_closed(session, w):
    periods = checkpoints_of(session, w["first"])
    for cp in periods:
        changed(session, cp, state="accepted" if cp is not periods[0] else "waived")
    inbox = agency_inbox(session, w["actors"]["focal_cat"], TODAY)
    assert inbox.supported == [] and (inbox.supported_due, inbox.supported_total) == (0, 1)  # nothing to do
    assert ids(supported_list(session, w["actors"]["focal_cat"], TODAY).items) == [periods[-1].id]


@pytest.fixture
def supporter(session, w):
    """Sở Tư pháp supports five live tasks (three need attention on TODAY) and a withdrawn one."""
    stp = add_agency(session, "Sở Tư pháp", code="stp")
    syt, plan = w["syt"], w["plan"]
    done = add_task(session, syt, [date(2023, 2, 28)], supporting=(stp,), text="Đã xong.", plan=plan)
    changed(session, checkpoints_of(session, done)[0], state="accepted", submitted_on=date(2023, 2, 20))
    later = add_task(session, syt, [date(2023, 9, 30)], supporting=(stp,), text="Quý III.", plan=plan)
    for task in (w["first"], w["cat_task"], w["soon"], w["withdrawn"]):
        session.add(TaskSupport(task_id=task.id, agency_id=stp.id))
    session.flush()
    return {
        "actor": Actor.of(add_user(session, "focal_stp", "focal", stp)),
        "stp": stp,
        "done": checkpoints_of(session, done)[0].id,
        "q1": checkpoints_of(session, w["first"])[0].id,  # overdue since 14/03
        "cat": checkpoints_of(session, w["cat_task"])[0].id,  # overdue since 31/05
        "soon": checkpoints_of(session, w["soon"])[0].id,  # due 05/07, within the horizon
        "later": checkpoints_of(session, later)[0].id,  # due 30/09: not yet
    }


def test_supported_in_the_inbox_are_those_needing_attention_capped_and_counted(session, w, supporter):
    inbox = agency_inbox(session, supporter["actor"], TODAY)
    assert ids(inbox.supported) == [supporter["q1"], supporter["cat"], supporter["soon"]]  # oldest due first
    assert (inbox.supported_due, inbox.supported_total) == (3, 5)  # the withdrawn task is not counted
    capped = agency_inbox(session, supporter["actor"], TODAY, supported_limit=2)
    assert ids(capped.supported) == [supporter["q1"], supporter["cat"]]
    assert (capped.supported_due, capped.supported_total) == (3, 5)  # counted in all, not on the page
    narrow = agency_inbox(session, supporter["actor"], TODAY, horizon_days=3)
    assert ids(narrow.supported) == [supporter["q1"], supporter["cat"]]  # 05/07 is 4 days away


def test_the_full_list_of_supported_tasks_pages_by_due_date(session, w, supporter):
    actor = supporter["actor"]
    everything = [supporter[k] for k in ("done", "q1", "cat", "soon", "later")]
    whole = supported_list(session, actor, TODAY)
    assert ids(whole.items) == everything and whole.total == 5 and whole.agency_name == "Sở Tư pháp"
    pages = [supported_list(session, actor, TODAY, offset=o, limit=2) for o in (0, 2, 4)]
    assert [ids(p.items) for p in pages] == [everything[:2], everything[2:4], everything[4:]]
    assert {p.total for p in pages} == {5}
    past = supported_list(session, actor, TODAY, offset=10, limit=2)
    assert past.items == [] and past.total == 5


def test_a_focal_point_reads_only_their_own_agency_supported_tasks(session, w, supporter):
    stp = supporter["stp"].id
    with pytest.raises(NotFound):
        supported_list(session, w["actors"]["focal_cat"], TODAY, agency_id=stp)
    with pytest.raises(NotFound):
        agency_inbox(session, w["actors"]["focal_cat"], TODAY, agency_id=stp)
    assert supported_list(session, w["actors"]["focal_cat"], TODAY).agency_name == "Công an tỉnh"
    with pytest.raises(InvalidInput):
        supported_list(session, w["actors"]["secretariat"], TODAY)
    assert supported_list(session, w["actors"]["secretariat"], TODAY, agency_id=stp).total == 5
