"""Server-drawn charts: the trend's figures are the rollup's at each quarter end; SVG with words in it."""

from datetime import date

from tests.builders import add_agency, add_plan, add_task, add_user, checkpoints_of
from workflows.checkpoints import review, submissions
from workflows.checkpoints.evidence import EvidenceStore
from workflows.kernel.actors import Actor
from workflows.reporting import charts
from workflows.reporting.rollups import plan_rollup

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def test_trend_status_and_indicator_charts(session, settings):
    syt = add_agency(session, "Sở Y tế")
    plan = add_plan(session)
    task = add_task(
        session, syt, [date(2023, 3, 14), date(2023, 6, 14)], schedule_kind="recurring", plan=plan
    )
    q1, _q2 = checkpoints_of(session, task)
    focal = Actor.of(add_user(session, "yte", "focal", syt))
    sec = Actor.of(add_user(session, "tt", "secretariat"))
    store = EvidenceStore.from_settings(settings)
    sub = submissions.submit_report(
        session, focal, q1.id, "Quý I", [("a.pdf", PDF)], [], date(2023, 3, 10), store
    )
    review.accept_submission(session, sec, sub.id, date(2023, 3, 12))
    session.flush()

    points = charts.quarterly_trend(session, plan.id, 2023, 2)
    assert [(p.label, p.completion_pct, p.on_time_pct) for p in points] == [
        ("Quý I", 100.0, 100.0),
        ("Quý II", 50.0, 50.0),  # the 14/06 round is due and not done
    ]
    assert charts.quarterly_trend(session, plan.id, 2023, 2, agency_id=syt.id) == points

    trend = charts.trend_svg(tuple(points), "Tiến độ theo quý")
    assert trend.startswith("<svg") and "Tỷ lệ hoàn thành" in trend and "Quý II" in trend
    assert "<script" not in trend and charts.trend_svg(tuple(points), "Tiến độ theo quý") is trend  # cached
    counts = charts.status_counts(plan_rollup(session, date(2023, 7, 1), plan.id)[0])
    assert counts == (("done_on_time", 1), ("overdue", 1))
    status = charts.status_svg(counts, "Trạng thái")
    assert "Hoàn thành đúng hạn" in status and "Quá hạn" in status
    assert charts.png(charts.trend_figure(points, "x")).startswith(b"\x89PNG")
