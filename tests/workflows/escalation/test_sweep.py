"""Escalation ladder: rung boundaries, once per rung and due date, outbox in the same transaction."""

import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, insert, text
from sqlmodel import Session, select

from models import Checkpoint, Escalation, OutboxMessage, Plan, Section, Task
from models.db import make_engine, unit_of_work
from tests.builders import add_agency, add_plan, add_task, add_user, checkpoints_of
from workflows.escalation.ladder import DEFAULT_LADDER, set_plan_ladder, validate_ladder, windows
from workflows.escalation.sweep import escalate_overdue
from workflows.kernel.actors import SYSTEM, Actor
from workflows.kernel.errors import InvalidInput, PermissionDenied
from workflows.kernel.text import excerpt
from workflows.plans.importing import withdraw_task

D = date(2023, 6, 14)


def _one_checkpoint(session, due=D, **kw):
    syt = add_agency(session, "Sở Y tế", code="syt")
    long_text = "Tổ chức tuyên truyền phòng, chống ma túy tại các trường học. " * 8
    task = add_task(session, syt, [due], text=long_text, **kw)
    session.commit()
    return checkpoints_of(session, task)[0]


def _sweep(engine, today):
    with unit_of_work(engine) as s:
        return escalate_overdue(s, today)


def _count(session, model):
    return session.exec(select(func.count()).select_from(model)).one()


def test_each_rung_fires_once_on_its_day(session, engine):
    cp = _one_checkpoint(session)
    fired_on = {}
    for day in range(-10, 66):
        today = D + timedelta(days=day)
        for f in _sweep(engine, today):
            assert f.checkpoint_id == cp.id and f.due_date == D
            fired_on[f.rung] = day
    assert fired_on == {"reminder": -7, "overdue": 1, "secretariat": 7, "leader": 30}
    assert _count(session, Escalation) == 4 and _count(session, OutboxMessage) == 4


def test_missed_rungs_are_superseded_not_fired_late(session, engine):
    _one_checkpoint(session)
    assert [f.rung for f in _sweep(engine, D + timedelta(days=10))] == ["secretariat"]
    assert _sweep(engine, D + timedelta(days=29)) == []
    assert [f.rung for f in _sweep(engine, D + timedelta(days=45))] == ["leader"]
    assert _sweep(engine, D + timedelta(days=60)) == []  # past the last rung's catch-up window


def test_rerun_same_day_fires_nothing_new(session, engine):
    _one_checkpoint(session)
    assert len(_sweep(engine, D + timedelta(days=1))) == 1
    assert _sweep(engine, D + timedelta(days=1)) == []
    assert _sweep(engine, D + timedelta(days=3)) == []
    assert _count(session, Escalation) == 1 and _count(session, OutboxMessage) == 1


@pytest.mark.parametrize("state", ["accepted", "waived", "submitted"])
def test_settled_or_submitted_checkpoints_get_nothing(session, engine, state):
    cp = _one_checkpoint(session)
    cp.state, cp.submitted_on = state, D
    session.commit()
    for day in (-7, 1, 7, 30):
        assert _sweep(engine, D + timedelta(days=day)) == []
    assert _count(session, Escalation) == 0 and _count(session, OutboxMessage) == 0


def test_returned_checkpoint_climbs_and_withdrawn_task_does_not(session, engine):
    cp = _one_checkpoint(session)
    cp.state = "returned"
    other = add_task(session, add_agency(session, "Công an tỉnh", code="cat"), [D])
    withdraw_task(session, other)
    session.commit()
    assert [(f.checkpoint_id, f.rung) for f in _sweep(engine, D + timedelta(days=1))] == [(cp.id, "overdue")]


def test_approved_extension_restarts_the_ladder(session, engine):
    cp = _one_checkpoint(session)
    assert [f.rung for f in _sweep(engine, D + timedelta(days=1))] == ["overdue"]
    new_due = D + timedelta(days=20)
    cp.due_date = new_due  # what approving the extension does
    session.commit()
    assert _sweep(engine, D + timedelta(days=2)) == []
    fired = _sweep(engine, new_due - timedelta(days=7))
    assert [(f.rung, f.due_date) for f in fired] == [("reminder", new_due)]
    fired = _sweep(engine, new_due + timedelta(days=1))
    assert [(f.rung, f.due_date) for f in fired] == [("overdue", new_due)]
    keys = session.exec(select(OutboxMessage.dedupe_key).order_by(OutboxMessage.id)).all()
    assert keys == [
        f"escalation:{cp.id}:overdue:2023-06-14",
        f"escalation:{cp.id}:reminder:2023-07-04",
        f"escalation:{cp.id}:overdue:2023-07-04",
    ]


def test_outbox_row_carries_what_the_mail_needs(session, engine):
    cp = _one_checkpoint(session)
    (fired,) = _sweep(engine, D + timedelta(days=1))
    msg = session.exec(select(OutboxMessage)).one()
    assert (msg.template, msg.audience, msg.agency_id, msg.status) == (
        "escalation_overdue",
        "focal,head",
        cp.agency_id,
        "pending",
    )
    assert fired.audience == "focal,head" and fired.agency_id == cp.agency_id
    ctx = msg.context
    assert {
        k: ctx[k]
        for k in (
            "checkpoint_id",
            "agency_name",
            "task_ref",
            "period_label",
            "due_date",
            "due_date_vn",
            "days_late",
            "rung",
        )
    } == {
        "checkpoint_id": cp.id,
        "agency_name": "Sở Y tế",
        "task_ref": "II.1-1",
        "period_label": "Hạn 14/06/2023",
        "due_date": "2023-06-14",
        "due_date_vn": "14/06/2023",
        "days_late": 1,
        "rung": "overdue",
    }
    assert ctx["task_text"].startswith("Tổ chức tuyên truyền") and len(ctx["task_text"]) <= 300
    assert ctx["task_text"].endswith("…") and len(ctx["task_title"]) <= 120
    task = session.get(Task, session.get(Checkpoint, cp.id).task_id)
    plan = session.get(Plan, task.plan_id)
    assert ctx == {  # every field, as the database built it (the mail renders from exactly this)
        "checkpoint_id": cp.id,
        "rung": "overdue",
        "agency_name": "Sở Y tế",
        "plan_number": plan.number,
        "task_ref": "II.1-1",
        "task_title": excerpt(task.title, 120),
        "task_text": excerpt(task.text, 300),
        "period_label": "Hạn 14/06/2023",
        "due_date": "2023-06-14",
        "due_date_vn": "14/06/2023",
        "days_late": 1,
        "days_left": 0,
    }
    assert msg.recipients == [] and msg.dedupe_key == f"escalation:{cp.id}:overdue:2023-06-14"


def test_rolled_back_sweep_leaves_neither_escalation_nor_mail(session, engine):
    _one_checkpoint(session)
    with pytest.raises(RuntimeError), unit_of_work(engine) as s:
        assert len(escalate_overdue(s, D + timedelta(days=1))) == 1
        raise RuntimeError("the job failed after the sweep")
    assert _count(session, Escalation) == 0 and _count(session, OutboxMessage) == 0
    assert len(_sweep(engine, D + timedelta(days=1))) == 1  # fires on the next run instead


def test_per_plan_ladder(session, engine):
    syt = add_agency(session, "Sở Y tế", code="syt")
    default_cp = checkpoints_of(session, add_task(session, syt, [D]))[0]
    own = add_plan(session, number="2/KH-TEST")
    own_cp = checkpoints_of(session, add_task(session, syt, [D], plan=own))[0]
    admin = Actor.of(add_user(session, "tm", "secretariat"))
    set_plan_ladder(
        session,
        admin,
        own.id,
        [
            {"rung": "reminder", "offset_days": -3, "audience": "focal"},
            {"rung": "overdue", "offset_days": 2, "audience": "head,secretariat"},
        ],
    )
    session.commit()

    def fired(day):
        return [(f.checkpoint_id, f.rung) for f in _sweep(engine, D + timedelta(days=day))]

    assert fired(-7) == [(default_cp.id, "reminder")]
    assert fired(-3) == [(own_cp.id, "reminder")]
    assert fired(1) == [(default_cp.id, "overdue")]
    assert fired(2) == [(own_cp.id, "overdue")]
    assert fired(30) == [(default_cp.id, "leader")]
    assert fired(40) == []  # the plan's last rung (overdue) was current for 30 days only
    key = f"escalation:{own_cp.id}:overdue:2023-06-14"
    msg = session.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == key)).one()
    assert msg.audience == "head,secretariat" and msg.context["plan_number"] == "2/KH-TEST"


def _rung(name, offset, audience):
    return {"rung": name, "offset_days": offset, "audience": audience}


@pytest.mark.parametrize(
    "ladder, fault",
    [
        ([], "non-empty list"),
        ([{"rung": "overdue", "offset_days": 1}], "exactly the keys"),
        ([_rung("reminder", 1, "focal"), _rung("reminder", 2, "head")], "appears twice"),
        ([_rung("reminder", 5, "focal"), _rung("overdue", 5, "head")], "must be greater"),
        ([_rung("overdue", True, "focal")], "whole number"),
        ([_rung("overdue", 1, "mayor")], "audience 'mayor'"),
        ([{"rung": "nhac_han", "offset_days": 1, "audience": "focal"}], "must be one of reminder, overdue"),
        ([_rung("overdue", 1, "focal+head")], "joined by ','"),
        ([_rung("overdue", 1, "focal,head,secretariat")], "longer than 20 characters"),
    ],
)
def test_invalid_ladder_is_refused_and_plan_unchanged(session, ladder, fault):
    plan = add_plan(session)
    admin = Actor.of(add_user(session, "tm", "secretariat"))
    session.commit()
    with pytest.raises(InvalidInput, match=fault):
        set_plan_ladder(session, admin, plan.id, ladder)
    session.refresh(plan)
    assert plan.ladder is None


def test_only_secretariat_admin_or_the_cli_set_a_ladder(session):
    plan = add_plan(session)
    for role in ("leader", "focal", "head"):
        with pytest.raises(PermissionDenied):
            set_plan_ladder(session, Actor(user_id=None, role=role, label=role), plan.id, None)
    assert set_plan_ladder(session, SYSTEM, plan.id, None) == DEFAULT_LADDER


def test_default_ladder_windows_tile_the_days():
    assert validate_ladder([r.as_dict() for r in DEFAULT_LADDER]) == DEFAULT_LADDER
    today = date(2023, 6, 20)
    ws = windows(DEFAULT_LADDER, today)
    for lower, upper in zip(ws[1:], ws[:-1], strict=True):
        assert lower.hi == upper.lo  # adjacent, no gap and no overlap: one current rung per due date


def _sweep_many_world(url, n=30):
    engine = make_engine(url)
    with unit_of_work(engine) as s:
        agency = add_agency(s, "Sở Y tế", code="syt")
        for i in range(n):  # due dates spread over every rung's window
            add_task(s, agency, [D + timedelta(days=10 - 2 * i)])
    return engine


def _expected(engine, today):
    with Session(engine) as s:
        return len(escalate_overdue(s, today))  # not committed: rolled back on close


def test_concurrent_sweeps_on_postgres_fire_each_rung_once(pg_url):
    engine = _sweep_many_world(pg_url)
    today = D
    expected = _expected(engine, today)
    assert expected > 10
    # A inserts and holds its transaction open; B starts and must wait on A's rows in the unique index
    a = Session(engine)
    fired_a = escalate_overdue(a, today)
    fired_b = []
    b = threading.Thread(target=lambda: fired_b.extend(_sweep(engine, today)))
    b.start()
    deadline = time.monotonic() + 60  # generous: CI machines are loaded
    with engine.connect() as watch:
        while time.monotonic() < deadline and b.is_alive():
            waiting = watch.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()"
                )
            ).scalar()
            if waiting:
                break
            time.sleep(0.05)
    assert waiting == 1, "the second sweep should be waiting on the first one's uncommitted rows"
    a.commit()
    a.close()
    b.join(30)
    assert (len(fired_a), len(fired_b)) == (expected, 0)
    # and two sweeps released at the same instant the next day
    expected_next = _expected(engine, today + timedelta(days=1))
    assert expected_next > 0
    barrier, results = threading.Barrier(2), []

    def sweep_at_once():
        barrier.wait()
        results.append(len(_sweep(engine, today + timedelta(days=1))))

    threads = [threading.Thread(target=sweep_at_once) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sum(results) == expected_next
    with Session(engine) as s:
        assert _count(s, Escalation) == expected + expected_next
        assert _count(s, OutboxMessage) == expected + expected_next
        dup = s.execute(
            text(
                "SELECT count(*) FROM (SELECT checkpoint_id, rung, due_date FROM escalation "
                "GROUP BY 1, 2, 3 HAVING count(*) > 1) d"
            )
        ).scalar()
        assert dup == 0
    engine.dispose()


def test_every_default_rung_mail_renders_from_the_queued_context(session, engine):
    # the templates belong to notifications/; this checks the context contract between the two
    from notifications.render import render

    _one_checkpoint(session)
    for day in (-7, 1, 7, 30):
        _sweep(engine, D + timedelta(days=day))
    messages = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.template for m in messages] == [f"escalation_{r.rung}" for r in DEFAULT_LADDER]
    for m in messages:
        mail = render(m.template, m.context)
        assert "Sở Y tế" in mail.text and "14/06/2023" in mail.text and mail.subject


def test_a_large_first_sweep_queues_every_mail(session, engine):
    syt = add_agency(session, "Sở Y tế", code="syt")
    plan = add_plan(session)
    section_id = session.exec(select(Section.id).where(Section.plan_id == plan.id)).one()
    n = 1200  # more than one outbox INSERT chunk
    session.execute(
        insert(Task),
        [
            dict(
                plan_id=plan.id,
                section_id=section_id,
                ref=f"II.1-{i}",
                title="t",
                text="Nhiệm vụ",
                span_start=0,
                span_end=1,
                schedule_kind="once",
                lead_agency_id=syt.id,
                due_dates=[],
                position=i,
            )
            for i in range(n)
        ],
    )
    task_ids = session.exec(select(Task.id)).all()
    session.execute(
        insert(Checkpoint),
        [
            dict(task_id=t, agency_id=syt.id, opens_on=D, due_date=D, original_due_date=D, period_label="")
            for t in task_ids
        ],
    )
    session.commit()
    assert len(_sweep(engine, D + timedelta(days=1))) == n
    assert _count(session, Escalation) == n and _count(session, OutboxMessage) == n
