"""Quarterly compilation: rows, order, evidence counts, and the .xlsx/.csv files themselves."""

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from models import Task
from tests.builders import add_agency, add_plan, add_task, add_user, checkpoints_of
from workflows.checkpoints import extensions, review, submissions
from workflows.checkpoints.evidence import EvidenceStore
from workflows.kernel.actors import Actor
from workflows.kernel.errors import InvalidInput, NotFound, PermissionDenied
from workflows.kernel.quarters import parse_quarter, quarter_bounds, quarter_label
from workflows.plans.importing import withdraw_task
from workflows.reporting.exports import (
    quarterly_csv,
    quarterly_rows,
    quarterly_xlsx,
)

TODAY = date(2023, 7, 1)
PDF = b"%PDF-1.4\n%export\n"


def test_parse_quarter_accepts_office_spellings_and_refuses_the_rest():
    assert parse_quarter("2023-Q2", 2020) == (2023, 2)
    assert parse_quarter("Q3/2024", 2020) == (2024, 3)
    assert parse_quarter("q1", 2023) == (2023, 1)
    assert parse_quarter(" 4 ", 2023) == (2023, 4)
    for bad in ("", "Q5", "2023-Q0", "2023", "Q2/2023/1", "2022-Q2/2023", "quý 2"):
        with pytest.raises(InvalidInput):
            parse_quarter(bad, 2023)
    assert quarter_bounds(2023, 1) == (date(2023, 1, 1), date(2023, 3, 31))
    assert quarter_bounds(2023, 4) == (date(2023, 10, 1), date(2023, 12, 31))
    assert quarter_label(2023, 3) == "Quý III/2023"


@pytest.fixture
def w(session, settings):
    syt = add_agency(session, "Sở Y tế", code="syt")
    cat = add_agency(session, "Công an tỉnh", code="cat")
    plan = add_plan(session)
    focal = {a.code: Actor.of(add_user(session, f"focal_{a.code}", "focal", a)) for a in (syt, cat)}
    sec = Actor.of(add_user(session, "secretariat", "secretariat"))
    leader = Actor.of(add_user(session, "leader", "leader"))
    t_syt = add_task(
        session,
        syt,
        [date(2023, 3, 14), date(2023, 6, 14)],
        schedule_kind="recurring",
        text="Sở Y tế chủ trì đánh giá chương trình.",
        plan=plan,
    )
    t_cat2 = add_task(session, cat, [date(2023, 6, 30)], text="Công an tỉnh, việc thứ hai.", plan=plan)
    t_cat1 = add_task(session, cat, [date(2023, 5, 15)], text="Công an tỉnh, việc thứ nhất.", plan=plan)
    session.get(Task, t_cat1.id).position, session.get(Task, t_cat2.id).position = 1, 2
    gone = add_task(session, syt, [date(2023, 5, 1)], text="Đã rút.", plan=plan)
    withdraw_task(session, session.get(Task, gone.id))
    store = EvidenceStore.from_settings(settings)
    q2 = checkpoints_of(session, t_syt)[1]
    sub = submissions.submit_report(
        session,
        focal["syt"],
        q2.id,
        "6 tháng",
        [("a.pdf", PDF), ("b.pdf", PDF + b"2")],
        ["https://example.vn/bc"],
        date(2023, 6, 10),
        store,
    )
    review.accept_submission(session, sec, sub.id, date(2023, 6, 20))
    # Công an tỉnh's second task was extended into Q3: it stays in Q2's report (original due date)
    cp = checkpoints_of(session, t_cat2)[0]
    ext = extensions.request_extension(
        session, focal["cat"], cp.id, date(2023, 7, 31), "Chờ", date(2023, 6, 1)
    )
    extensions.decide_extension(session, sec, ext.id, True, "", date(2023, 6, 2))
    session.flush()
    return {"plan": plan, "sec": sec, "leader": leader, "focal": focal["syt"], "syt": syt}


def test_rows_in_filing_order_with_status_dates_and_evidence(session, w):
    rows = quarterly_rows(session, w["sec"], w["plan"].id, 2023, 2, TODAY)
    assert [(r.agency, r.task_text, r.due_date) for r in rows] == [
        ("Công an tỉnh", "Công an tỉnh, việc thứ nhất.", date(2023, 5, 15)),
        ("Công an tỉnh", "Công an tỉnh, việc thứ hai.", date(2023, 7, 31)),
        ("Sở Y tế", "Sở Y tế chủ trì đánh giá chương trình.", date(2023, 6, 14)),
    ]
    assert [r.status_label for r in rows] == ["Quá hạn", "Đang thực hiện trong hạn", "Hoàn thành đúng hạn"]
    assert (rows[2].submitted_on, rows[2].accepted_on, rows[2].evidence_count) == (
        date(2023, 6, 10),
        date(2023, 6, 20),
        3,
    )
    assert rows[0].evidence_count == 0 and rows[0].submitted_on is None
    assert [r.due_date for r in quarterly_rows(session, w["leader"], w["plan"].id, 2023, 1, TODAY)] == [
        date(2023, 3, 14)
    ]
    assert quarterly_rows(session, w["sec"], w["plan"].id, 2024, 2, TODAY) == []
    with pytest.raises(PermissionDenied):
        quarterly_rows(session, w["focal"], w["plan"].id, 2023, 2, TODAY)
    with pytest.raises(NotFound):
        quarterly_rows(session, w["sec"], 9999, 2023, 2, TODAY)


def test_every_active_plan_in_one_file_says_which_plan_each_row_is_of(session, w):
    later = add_plan(session, "7/KH-UBND", issued_on=date(2023, 4, 1))
    add_task(session, w["syt"], [date(2023, 6, 20)], text="Kế hoạch sau, việc của Sở Y tế.", plan=later)
    rows = quarterly_rows(session, w["sec"], None, 2023, 2, TODAY)
    by_plan = [(r.agency, r.plan_number, r.due_date) for r in rows]
    assert ("Sở Y tế", "7/KH-UBND", date(2023, 6, 20)) in by_plan
    assert len(rows) == len(quarterly_rows(session, w["sec"], w["plan"].id, 2023, 2, TODAY)) + 1
    syt = [p for a, p, _ in by_plan if a == "Sở Y tế"]
    assert syt == ["1/KH-TEST", "7/KH-UBND"]  # within an agency, plans in the order they were issued
    assert [r.plan_number for r in quarterly_rows(session, w["sec"], later.id, 2023, 2, TODAY)] == [
        "7/KH-UBND"
    ]


def test_xlsx_is_what_an_office_files(session, w):
    rows = quarterly_rows(session, w["sec"], w["plan"].id, 2023, 2, TODAY)
    ws = load_workbook(io.BytesIO(quarterly_xlsx(rows, "Quý II/2023"))).active
    assert ws.title == "Quý II-2023" and ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == [
        "STT",
        "Cơ quan chủ trì",
        "Mục",
        "Nhiệm vụ",
        "Kỳ báo cáo",
        "Hạn",
        "Trạng thái",
        "Ngày gửi báo cáo",
        "Ngày chấp nhận",
        "Số minh chứng",
        "Kế hoạch",
    ]
    assert all(c.font.bold for c in ws[1])
    assert ws.column_dimensions["B"].width == 34 and ws.column_dimensions["D"].width == 70
    last = [c.value for c in ws[4]]
    assert last[:3] == [3, "Sở Y tế", "II.1"] and last[6] == "Hoàn thành đúng hạn" and last[9] == 3
    assert (
        last[5] == datetime(2023, 6, 14)
        and last[7] == datetime(2023, 6, 10)
        and last[8] == datetime(2023, 6, 20)
    )
    assert ws.cell(4, 6).number_format == "DD/MM/YYYY" and ws.cell(4, 6).is_date
    assert ws.auto_filter.ref == "A1:K4" and last[10] == "1/KH-TEST"


def test_csv_has_a_bom_and_vietnamese_dates(session, w):
    rows = quarterly_rows(session, w["sec"], w["plan"].id, 2023, 2, TODAY)
    data = quarterly_csv(rows)
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0][1] == "Cơ quan chủ trì" and len(table) == 4
    assert table[3][1:3] == ["Sở Y tế", "II.1"] and table[3][5:10] == [
        "14/06/2023",
        "Hoàn thành đúng hạn",
        "10/06/2023",
        "20/06/2023",
        "3",
    ]
    assert table[1][7] == "" and table[1][9] == "0"
