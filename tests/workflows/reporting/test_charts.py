"""Server-drawn charts: the trend's figures are the rollup's at each quarter end; SVG with words in it,
drawn with presentation attributes only (the pages' Content-Security-Policy blocks inline styles)."""

import re
from datetime import date
from xml.dom import minidom

from tests.builders import add_agency, add_plan, add_task, add_user, checkpoints_of
from workflows.checkpoints import review, submissions
from workflows.checkpoints.evidence import EvidenceStore
from workflows.kernel.actors import Actor
from workflows.reporting import charts, trends
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

    points = trends.scope_trend(session, date(2023, 6, 30), [(2023, 1), (2023, 2)], [plan.id]).points
    assert [(p.label, p.completion_pct, p.on_time_pct) for p in points] == [
        ("Quý I/2023", 100.0, 100.0),
        ("Quý II/2023", 50.0, 50.0),  # the 14/06 round is due and not done
    ]

    trend = charts.trend_svg(points, "Tiến độ theo quý")
    assert trend.startswith("<svg") and "Tỷ lệ hoàn thành" in trend and "II/2023" in trend
    assert "<script" not in trend and charts.trend_svg(points, "Tiến độ theo quý") is trend  # cached
    counts = charts.status_counts(plan_rollup(session, date(2023, 7, 1), plan.id)[0])
    assert counts == (("done_on_time", 1), ("overdue", 1))
    status = charts.status_svg(counts, "Trạng thái")
    assert "Hoàn thành đúng hạn" in status and "Quá hạn" in status
    small = charts.trend_svg(points, "II.1 Nhiệm vụ", small=True)
    assert "II/23" in small and "Tỷ lệ đúng hạn" not in small  # the grid of areas shares one legend
    for drawn in (trend, status, small):
        assert_no_inline_style(drawn)
    assert 'role="img" aria-label="Tiến độ theo quý"' in trend
    assert 'stroke="#1d4ed8"' in trend and 'fill="#b91c1c"' in status  # the colours, as attributes
    assert charts.png(charts.trend_figure(list(points), "x")).startswith(b"\x89PNG")


def assert_no_inline_style(svg: str) -> None:
    """Well-formed SVG with neither a style attribute nor a <style> element (both blocked by the CSP)."""
    minidom.parseString(svg)
    assert not re.search(r"<style|\sstyle=", svg)


def test_the_quarter_under_way_is_labelled_with_the_day_it_is_read_on(session):
    plan = add_plan(session)
    add_task(session, add_agency(session, "Sở Y tế"), [date(2023, 3, 14)], plan=plan)
    points = trends.scope_trend(session, date(2023, 7, 1), [(2023, 2), (2023, 3)], [plan.id]).points
    drawn = charts.trend_svg(points, "Theo quý")
    assert "III/2023" in drawn and "(đến 01/07)" in drawn and "(đến 30/06)" not in drawn
