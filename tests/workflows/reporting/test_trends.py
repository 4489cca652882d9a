"""Trends: each quarter's point is what was due and done on its last day (today for the quarter under way)."""

from datetime import date

import pytest

from models import Checkpoint, Section
from tests.builders import add_agency, add_plan, add_task, add_user, checkpoints_of
from workflows.checkpoints import review, submissions, summary
from workflows.checkpoints.evidence import EvidenceStore
from workflows.kernel.actors import Actor
from workflows.plans.importing import withdraw_task
from workflows.plans.lifecycle import end_plan
from workflows.plans.queries import plans_in_scope
from workflows.reporting import trends
from workflows.reporting.rollups import agency_rollup, plan_rollup

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
TODAY = date(2023, 7, 10)


@pytest.fixture
def w(session, settings):
    """Sở Y tế: one item done late in Q2 for a Q1 deadline, one on time in Q2, one done in Q2 ahead of its
    Q3 deadline, one overdue since Q2 (area II.1); Công an tỉnh: one overdue since Q1 (area II.2, filed
    under II.2.1) and a withdrawn task whose waived checkpoint counts nowhere."""
    syt, cat = add_agency(session, "Sở Y tế"), add_agency(session, "Công an tỉnh")
    plan = add_plan(session)
    focal = Actor.of(add_user(session, "yte", "focal", syt))
    sec = Actor.of(add_user(session, "tt", "secretariat"))
    store = EvidenceStore.from_settings(settings)

    def done(due: date, submitted: date, accepted: date) -> None:
        (cp,) = checkpoints_of(session, add_task(session, syt, [due], plan=plan))
        sub = submissions.submit_report(
            session, focal, cp.id, "Báo cáo", [("a.pdf", PDF)], [], submitted, store
        )
        review.accept_submission(session, sec, sub.id, accepted)

    done(date(2023, 3, 14), date(2023, 4, 18), date(2023, 4, 20))
    done(date(2023, 6, 14), date(2023, 6, 8), date(2023, 6, 10))
    done(date(2023, 9, 15), date(2023, 5, 18), date(2023, 5, 20))
    add_task(session, syt, [date(2023, 6, 14)], plan=plan)
    area = Section(plan_id=plan.id, ref="II.2", title="Phòng ngừa", position=2)
    sub_area = Section(plan_id=plan.id, ref="II.2.1", title="Trong trường học", position=3)
    session.add_all([area, sub_area])
    session.flush()
    late = add_task(session, cat, [date(2023, 3, 14)], plan=plan)
    withdrawn = add_task(session, cat, [date(2023, 3, 20)], plan=plan)
    with summary.changing(session, Checkpoint.task_id.in_([late.id, withdrawn.id])):
        for task in (late, withdrawn):
            task.section_id = sub_area.id
    withdraw_task(session, withdrawn)
    session.flush()
    return {"plan": plan, "syt": syt, "cat": cat, "sec": sec}


def figures(trend: trends.Trend) -> list[tuple]:
    return [(p.label, p.due, p.done, p.done_on_time, p.completion_pct, p.on_time_pct) for p in trend.points]


def test_each_quarter_counts_what_was_due_and_done_by_its_last_day(session, w):
    quarters = trends.plan_quarters(session, [w["plan"].id], TODAY)
    assert quarters == [(2023, 1), (2023, 2), (2023, 3)]  # the plan was issued on 30/01/2023
    trend = trends.scope_trend(session, TODAY, quarters, [w["plan"].id])
    assert figures(trend) == [
        ("Quý I/2023", 2, 0, 0, 0.0, 0.0),  # the Q1 item was accepted only on 20/04
        ("Quý II/2023", 5, 3, 2, 60.0, 40.0),  # the Q3 item done on 20/05 counts from Q2 on
        ("Quý III/2023", 5, 3, 2, 60.0, 40.0),
    ]
    assert [p.as_of for p in trend.points] == [date(2023, 3, 31), date(2023, 6, 30), TODAY]
    assert [p.partial for p in trend.points] == [False, False, True]
    # the quarter under way is today's rollup
    (now,) = plan_rollup(session, TODAY, w["plan"].id)
    last = trend.points[-1]
    assert (last.due, last.done, last.done_on_time) == (now.due, now.done, now.done_on_time)


def test_an_agencys_trend_and_each_areas(session, w):
    plan, quarters = w["plan"], [(2023, 1), (2023, 2), (2023, 3)]
    mine = trends.scope_trend(session, TODAY, quarters, [plan.id], agency_id=w["syt"].id, label="Sở Y tế")
    assert mine.key == w["syt"].id and mine.label == "Sở Y tế"
    assert figures(mine)[:2] == [("Quý I/2023", 1, 0, 0, 0.0, 0.0), ("Quý II/2023", 4, 3, 2, 75.0, 50.0)]
    (rollup,) = agency_rollup(session, TODAY, plan_id=plan.id, agency_ids=[w["syt"].id])
    assert mine.points[-1].completion_pct == rollup.completion_pct

    areas = trends.area_trends(session, TODAY, quarters, plan.id)
    assert [(t.key, t.label) for t in areas] == [("II.1", "Nhiệm vụ"), ("II.2", "Phòng ngừa")]
    assert figures(areas[1]) == [  # II.2.1's overdue item; its withdrawn task counts in no quarter
        ("Quý I/2023", 1, 0, 0, 0.0, 0.0),
        ("Quý II/2023", 1, 0, 0, 0.0, 0.0),
        ("Quý III/2023", 1, 0, 0, 0.0, 0.0),
    ]
    assert [t.key for t in trends.area_trends(session, TODAY, quarters, plan.id, agency_id=w["syt"].id)] == [
        "II.1"
    ]
    nothing = trends.scope_trend(session, TODAY, quarters, [plan.id], agency_id=w["syt"].id + 999)
    assert [(p.due, p.completion_pct) for p in nothing.points] == [(0, None)] * 3


def test_quarters_run_from_the_first_plans_issue_to_today_the_latest_eight(session, w):
    assert trends.trend_quarters(date(2022, 11, 5), date(2023, 2, 1)) == [(2022, 4), (2023, 1)]
    assert trends.trend_quarters(date(2023, 8, 1), date(2023, 7, 1)) == [(2023, 3)]  # issued after today
    long = trends.trend_quarters(date(2020, 1, 1), date(2023, 7, 1))
    assert len(long) == trends.MOST_QUARTERS and long[0] == (2021, 4) and long[-1] == (2023, 3)

    older = add_plan(session, "5/KH-UBND", issued_on=date(2022, 8, 15))
    assert trends.plan_quarters(session, plans_in_scope(None), TODAY)[0] == (2022, 3)
    end_plan(session, w["sec"], older.id, "archived", "Đã kết thúc", TODAY)  # out of "every active plan"
    assert trends.plan_quarters(session, plans_in_scope(None), TODAY)[0] == (2023, 1)
