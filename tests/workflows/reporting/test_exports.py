"""Quarterly compilation: rows, order, evidence counts, and the .xlsx/.csv files themselves."""

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from models import Task
from tests.builders import add_agency, add_plan, add_task, add_user, checkpoints_of
from workflows.agencies.store import set_authority
from workflows.checkpoints import extensions, review, submissions
from workflows.checkpoints.evidence import EvidenceStore
from workflows.followup.explanations import answer_explanation, ask_explanation
from workflows.kernel.actors import Actor
from workflows.kernel.errors import InvalidInput, NotFound, PermissionDenied
from workflows.kernel.quarters import parse_quarter, quarter_bounds, quarter_label
from workflows.plans.importing import withdraw_task
from workflows.plans.lifecycle import end_plan
from workflows.reporting.exports import (
    quarterly_csv,
    quarterly_export,
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
    # the plan's text keeps the PDF's hard line breaks; a filed report does not
    t_cat1 = add_task(
        session,
        cat,
        [date(2023, 5, 15)],
        supporting=(syt,),
        text="Công an tỉnh,\nviệc   thứ\r\nnhất.",
        plan=plan,
    )
    session.get(Task, t_cat1.id).position, session.get(Task, t_cat2.id).position = 1, 2
    gone = add_task(session, syt, [date(2023, 5, 1)], text="Đã rút.", plan=plan)
    withdraw_task(session, session.get(Task, gone.id))
    store = EvidenceStore.from_settings(settings)
    q2 = checkpoints_of(session, t_syt)[1]
    sub = submissions.submit_report(
        session,
        focal["syt"],
        q2.id,
        "6 tháng:\nđã đánh giá\n xong",
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
    # the overdue one was explained
    late = checkpoints_of(session, t_cat1)[0]
    req = ask_explanation(
        session, leader, cat.id, [late.id], date(2023, 6, 28), "Đề nghị giải trình", date(2023, 6, 20)
    )
    answer_explanation(
        session, focal["cat"], req.id, "Chờ số liệu\ncủa huyện", date(2023, 7, 20), "", date(2023, 6, 25)
    )
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


def test_rows_carry_supporting_agencies_days_late_and_the_report_or_explanation(session, w):
    rows = quarterly_rows(session, w["sec"], w["plan"].id, 2023, 2, TODAY)
    late, extended, done = rows
    assert (late.supporting, extended.supporting, done.supporting) == ("Sở Y tế", "", "")
    assert (late.days_late, extended.days_late, done.days_late) == (47, 0, 0)  # 15/05 → 01/07
    assert late.content == "Giải trình: Chờ số liệu của huyện (cam kết hoàn thành 20/07/2023)"
    assert done.content == "6 tháng: đã đánh giá xong" and extended.content == ""


def test_a_late_report_counts_its_days_against_the_original_due_date(session, w, settings):
    task = add_task(session, w["syt"], [date(2023, 4, 10)], text="Báo cáo muộn.", plan=w["plan"])
    cp = checkpoints_of(session, task)[0]
    focal = Actor.of(add_user(session, "focal_syt_2", "focal", w["syt"]))
    store = EvidenceStore.from_settings(settings)
    sub = submissions.submit_report(
        session, focal, cp.id, "Muộn", [], ["https://x.vn"], date(2023, 4, 20), store
    )
    review.accept_submission(session, w["sec"], sub.id, date(2023, 4, 22))
    row = next(
        r
        for r in quarterly_rows(session, w["sec"], w["plan"].id, 2023, 2, TODAY)
        if r.task_text == "Báo cáo muộn."
    )
    assert (row.status_label, row.days_late) == ("Hoàn thành quá hạn", 10)


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


def test_a_withdrawn_plan_leaves_the_all_plans_export_but_not_its_own(session, w):
    later = add_plan(session, "7/KH-UBND", issued_on=date(2023, 4, 1))
    add_task(session, w["syt"], [date(2023, 6, 20)], text="Kế hoạch sau.", plan=later)
    end_plan(session, w["sec"], later.id, "withdrawn", "Thay thế", TODAY)
    export = quarterly_export(session, w["sec"], None, 2023, 2, TODAY)
    assert {r.plan_number for r in export.rows} == {"1/KH-TEST"}
    assert [p.number for p in export.plans] == ["1/KH-TEST"]
    own = quarterly_rows(session, w["sec"], later.id, 2023, 2, TODAY)
    assert [r.status_label for r in own] == ["Miễn thực hiện"]


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def _table(ws) -> tuple[list, list[list], list[list]]:
    """(header, data rows, totals rows) of the sheet: the header row is the one opening with STT."""
    values = [[c.value for c in row] for row in ws.iter_rows()]
    h = next(i for i, v in enumerate(values) if v[0] == "STT")
    t = next(i for i, v in enumerate(values) if "Tổng cộng" in v)
    return values[h], values[h + 1 : t], values[t:]


def test_xlsx_is_a_report_an_office_can_file(session, w):
    ws = _sheet(quarterly_xlsx(quarterly_export(session, w["sec"], w["plan"].id, 2023, 2, TODAY)))
    assert ws.title == "Quý II-2023"
    # title block: the plan's issuer, quốc hiệu – tiêu ngữ, title with quarter, the plan, as-of date
    assert (
        ws["A1"].value == "UBND TỈNH THỬ" and ws["A1"].font.bold and ws["A1"].font.name == "Times New Roman"
    )
    titles = [c.value for row in ws.iter_rows(max_row=7) for c in row if c.value]
    assert titles[1:] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ QUÝ II/2023",
        "Kế hoạch số 1/KH-TEST ngày 30/01/2023 của UBND tỉnh Thử",
        "(Số liệu tính đến ngày 01/07/2023)",
    ]
    header, rows, totals = _table(ws)
    assert header == [
        "STT",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Mục",
        "Nhiệm vụ",
        "Kỳ báo cáo",
        "Hạn",
        "Trạng thái",
        "Số ngày quá hạn",
        "Ngày gửi báo cáo",
        "Ngày chấp nhận",
        "Nội dung báo cáo, giải trình",
        "Số minh chứng",
    ]  # one plan: no plan column (the title names it)
    assert ws["A8"].value == "STT" and all(c.font.bold for c in ws[8]) and ws.freeze_panes == "A9"
    assert rows[0][1:5] == ["Công an tỉnh", "Sở Y tế", "II.1", "Công an tỉnh, việc thứ nhất."]
    assert rows[0][7:9] == ["Quá hạn", 47] and rows[0][11].startswith("Giải trình: Chờ số liệu của huyện")
    last = rows[2]
    assert last[:2] == [3, "Sở Y tế"] and last[7] == "Hoàn thành đúng hạn" and last[12] == 3
    assert (
        last[6] == datetime(2023, 6, 14)
        and last[9] == datetime(2023, 6, 10)
        and last[10] == datetime(2023, 6, 20)
    )
    assert ws.cell(11, 7).number_format == "DD/MM/YYYY" and ws.cell(11, 7).is_date
    assert ws.auto_filter.ref == "A8:M11"
    # no cell keeps a hard line break; the long texts wrap
    assert not any("\n" in str(v) for row in ws.iter_rows() for v in (c.value for c in row) if v)
    assert ws.cell(9, 5).alignment.wrap_text and ws.cell(9, 12).alignment.wrap_text
    # totals equal the rows: every row, every piece of evidence, and each status
    assert totals[0][7] == len(rows) == 3 and totals[0][12] == sum(r[12] for r in rows)
    by_status = {t[1].removeprefix("Trong đó: "): t[7] for t in totals[1:]}
    assert by_status["Quá hạn"] == sum(r[7] == "Quá hạn" for r in rows) == 1
    assert sum(by_status.values()) == len(rows) and len(by_status) == 8
    # print: A4 landscape, one page wide, the header row on every page
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    assert ws.print_title_rows == "$8:$8"
    assert ws.print_area == f"'Quý II-2023'!$A$1:$M${ws.max_row}"


def test_xlsx_of_every_active_plan_is_issued_by_the_registrys_authority(session, w):
    set_authority(session, "Hưng Yên", TODAY)
    later = add_plan(session, "7/KH-UBND", issued_on=date(2023, 4, 1))
    add_task(session, w["syt"], [date(2023, 6, 20)], text="Kế hoạch sau.", plan=later)
    ws = _sheet(quarterly_xlsx(quarterly_export(session, w["sec"], None, 2023, 2, TODAY)))
    assert ws["A1"].value == "UBND TỈNH HƯNG YÊN"
    assert ws["A5"].value == "Tất cả kế hoạch đang thực hiện: 7/KH-UBND, 1/KH-TEST"
    header, rows, totals = _table(ws)
    assert header[-1] == "Kế hoạch" and sorted(r[-1] for r in rows) == [
        "1/KH-TEST",
        "1/KH-TEST",
        "1/KH-TEST",
        "7/KH-UBND",
    ]
    assert totals[0][7] == 4


def test_csv_has_a_bom_and_vietnamese_dates(session, w):
    rows = quarterly_rows(session, w["sec"], w["plan"].id, 2023, 2, TODAY)
    data = quarterly_csv(rows)
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0][1:3] == ["Cơ quan chủ trì", "Cơ quan phối hợp"] and len(table) == 4
    assert table[3][1:4] == ["Sở Y tế", "", "II.1"] and table[3][6:13] == [
        "14/06/2023",
        "Hoàn thành đúng hạn",
        "",
        "10/06/2023",
        "20/06/2023",
        "6 tháng: đã đánh giá xong",
        "3",
    ]
    assert table[1][8] == "47" and table[1][9] == "" and table[1][12] == "0" and table[1][13] == "1/KH-TEST"
