"""Rollups: counts per status, due/done shares and the oldest overdue item, per agency/section/plan."""

from datetime import date
from types import SimpleNamespace

from sqlalchemy import event
from sqlmodel import select

from models import Checkpoint, Section
from tests.builders import add_agency, add_plan, add_task, checkpoints_of
from workflows.checkpoints import summary
from workflows.plans.importing import withdraw_task
from workflows.reporting.rollups import agency_area_matrix, agency_rollup, plan_rollup, section_rollup

TODAY = date(2023, 6, 20)


def _section(session, plan, ref, position):
    s = session.exec(select(Section).where(Section.plan_id == plan.id, Section.ref == ref)).first()
    if s is None:
        s = Section(plan_id=plan.id, ref=ref, title=f"Mục {ref}", position=position)
        session.add(s)
        session.flush()
    return s


def _cp(session, agency, due, section=None, plan=None, **state):
    task = add_task(session, agency, [due], plan=plan)
    (cp,) = checkpoints_of(session, task)
    withdrawn = state.pop("withdrawn", False)
    with summary.changing(session, Checkpoint.task_id == task.id):
        if section is not None:
            task.section_id = section.id
        for name, value in state.items():
            setattr(cp, name, value)
        if withdrawn:
            withdraw_task(session, task)
    return cp


def _world(session):
    """Two agencies, two plans; agency A's figures are worked out by hand in the test below."""
    syt, cat = add_agency(session, "Sở Y tế", code="syt"), add_agency(session, "Công an tỉnh", code="cat")
    plan = add_plan(session)
    _section(session, plan, "II", 0)
    s21 = _section(session, plan, "II.1", 1)
    s22 = _section(session, plan, "II.2", 2)
    s221 = _section(session, plan, "II.2.1", 3)
    s3 = _section(session, plan, "III", 4)
    cps = {
        "on_time": _cp(
            session, syt, date(2023, 3, 14), s21, state="accepted", submitted_on=date(2023, 3, 10)
        ),
        "late": _cp(session, syt, date(2023, 6, 14), s21, state="accepted", submitted_on=date(2023, 6, 18)),
        "overdue_old": _cp(session, syt, date(2023, 5, 1), s22),
        "overdue_new": _cp(session, syt, date(2023, 6, 1), s221),
        "ahead": _cp(session, syt, date(2023, 9, 14), s221),
        "early_done": _cp(
            session, syt, date(2023, 9, 14), s221, state="accepted", submitted_on=date(2023, 6, 10)
        ),
        "waived": _cp(session, syt, date(2023, 3, 14), s21, state="waived"),
        "withdrawn": _cp(session, syt, date(2023, 4, 1), s21, withdrawn=True),
        "extended": _cp(session, syt, date(2023, 5, 20), s22, due_date=date(2023, 7, 1)),
        "submitted": _cp(
            session, syt, date(2023, 6, 10), s3, state="submitted", submitted_on=date(2023, 6, 9)
        ),
        "b_returned": _cp(session, cat, date(2023, 7, 14), s21, state="returned"),
        "b_overdue": _cp(session, cat, date(2023, 6, 19), s3),
    }
    other = add_plan(session, number="2/KH-TEST")
    cps["other_plan"] = _cp(session, syt, date(2023, 1, 10), plan=other)
    session.commit()
    return SimpleNamespace(syt=syt, cat=cat, plan=plan, other=other, cps=cps)


def test_agency_rollup_counts_shares_and_oldest_overdue(session):
    w = _world(session)
    a, b = agency_rollup(session, TODAY, plan_id=w.plan.id)  # ordered by name: Công an tỉnh, Sở Y tế
    assert (a.key, a.label, b.key, b.label) == (w.cat.id, "Công an tỉnh", w.syt.id, "Sở Y tế")
    assert b.counts == {
        "not_due": 0,
        "in_progress_on_time": 2,
        "overdue": 2,
        "submitted": 1,
        "done_on_time": 2,
        "done_late": 1,
        "returned": 0,
        "waived": 2,
    }
    # due: on_time, late, overdue_old, overdue_new, early_done, extended (original date passed), submitted
    assert (b.total, b.due, b.done, b.done_on_time) == (10, 7, 3, 2)
    assert (b.completion_pct, b.on_time_pct) == (42.9, 28.6)
    assert (b.oldest_overdue.checkpoint_id, b.oldest_overdue.due_date, b.oldest_overdue.days_late) == (
        w.cps["overdue_old"].id,
        date(2023, 5, 1),
        50,
    )
    assert a.counts["returned"] == 1 and a.counts["overdue"] == 1 and a.due == 1
    assert a.completion_pct == 0.0 and a.oldest_overdue.days_late == 1


def test_agency_rollup_without_plan_and_restricted_to_agencies(session):
    w = _world(session)
    (only,) = agency_rollup(session, TODAY, agency_ids={w.syt.id})
    assert only.total == 11 and only.counts["overdue"] == 3
    assert only.oldest_overdue.checkpoint_id == w.cps["other_plan"].id
    assert agency_rollup(session, TODAY, agency_ids=[]) == []


def test_nothing_due_gives_no_share(session):
    syt = add_agency(session, "Sở Y tế")
    add_task(session, syt, [date(2023, 12, 14)])
    session.commit()
    (r,) = agency_rollup(session, date(2023, 2, 1))
    assert (r.due, r.completion_pct, r.on_time_pct, r.oldest_overdue) == (0, None, None, None)


def test_section_rollup_counts_subtrees(session):
    w = _world(session)
    rows = {r.key: r for r in section_rollup(session, TODAY, w.plan.id)}
    assert list(rows) == ["II", "II.1", "II.2", "II.2.1", "III"]  # plan order
    assert rows["II"].total == 10 and rows["II.1"].total == 5 and rows["II"].label == "Mục II"
    assert rows["II.2"].total == 5 and rows["II.2.1"].total == 3
    assert rows["II.2"].counts["overdue"] == 2
    assert rows["II.2"].oldest_overdue.checkpoint_id == w.cps["overdue_old"].id
    assert rows["II.2.1"].oldest_overdue.checkpoint_id == w.cps["overdue_new"].id
    assert rows["III"].counts == {**{k: 0 for k in rows["III"].counts}, "submitted": 1, "overdue": 1}
    assert sum(rows[k].total for k in ("II.1", "II.2", "III")) == 12  # every checkpoint once


def test_plan_rollup(session):
    w = _world(session)
    first, second = plan_rollup(session, TODAY)
    assert (first.key, first.label, first.total) == (w.plan.id, "1/KH-TEST", 12)
    assert (second.key, second.total, second.counts["overdue"]) == (w.other.id, 1, 1)
    (only,) = plan_rollup(session, TODAY, plan_id=w.plan.id)
    assert only.due == 8 and only.done == 3
    assert only.oldest_overdue.checkpoint_id == w.cps["overdue_old"].id
    assert only.as_dict()["oldest_overdue"] == {
        "checkpoint_id": w.cps["overdue_old"].id,
        "due_date": "2023-05-01",
        "days_late": 50,
    }


def test_agency_area_matrix(session):
    w = _world(session)
    m = agency_area_matrix(session, TODAY, w.plan.id)
    assert [ref for ref, _ in m.areas] == ["II.1", "II.2", "III"]
    assert m.agencies == [(w.cat.id, "Công an tỉnh"), (w.syt.id, "Sở Y tế")]
    assert m.cell(w.syt.id, "II.1").total == 4 and m.cell(w.syt.id, "II.1").done == 2
    assert m.cell(w.syt.id, "II.2").total == 5 and m.cell(w.syt.id, "II.2").counts["overdue"] == 2
    assert m.cell(w.cat.id, "II.2") is None
    assert m.cell(w.cat.id, "III").oldest_overdue.checkpoint_id == w.cps["b_overdue"].id
    assert sum(c.total for c in m.cells.values()) == 12


def test_each_rollup_is_two_statements(session, engine):
    w = _world(session)
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    agency_rollup(session, TODAY, plan_id=w.plan.id)
    section_rollup(session, TODAY, w.plan.id)
    plan_rollup(session, TODAY)
    agency_area_matrix(session, TODAY, w.plan.id)
    assert len(statements) == 8
