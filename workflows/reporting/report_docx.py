"""The quarterly báo cáo as offices file it: a Word document in the layout of Nghị định 30/2020/NĐ-CP.

Heading block (a borderless two-column table): the issuing body on the left (UBND TỈNH …, bold),
quốc hiệu and tiêu ngữ on the right; "Số: …/BC-UBND" and the place-and-date line to fill in by
hand. Then "BÁO CÁO", the trích yếu, and the body: overall figures, results per area and per agency
(tables, the figures of `rollups.py` on the report date), the trend chart, overdue items with the
agencies' explanations, the indicators, a "kiến nghị, đề xuất" section to complete, then nơi nhận
and the signer's position. Times New Roman, 13–14 pt body, A4 with the decree's margins.
"""

import io
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from sqlmodel import Session

from models import Plan, Task
from workflows.checkpoints.items import CheckpointItem, checkpoint_items
from workflows.checkpoints.status import overdue_columns
from workflows.followup.queries import answers_for_checkpoints, explanation_text
from workflows.indicators.queries import IndicatorProgress, indicator_progress
from workflows.kernel.actors import Actor, require_role
from workflows.kernel.errors import NotFound
from workflows.kernel.quarters import ROMAN, quarter_bounds
from workflows.reporting import charts, trends
from workflows.reporting.exports import EXPORT_ROLES
from workflows.reporting.rollups import Rollup, agency_area_matrix, agency_rollup, plan_rollup, section_rollup

FONT = "Times New Roman"
EMPTY = "—"


@dataclass
class QuarterlyReport:
    """Everything the document says, gathered in a few grouped queries."""

    plan: Plan
    year: int
    quarter: int
    today: date
    overall: Rollup | None
    areas: list[Rollup]
    agencies: list[Rollup]
    overdue: list[CheckpointItem]
    answers: dict[int, tuple[str, date | None, str]]
    indicators: list[IndicatorProgress]
    trend_png: bytes

    @property
    def quarter_words(self) -> str:
        return f"quý {ROMAN[self.quarter]} năm {self.year}"


def quarterly_report(
    session: Session, actor: Actor, plan_id: int, year: int, quarter: int, today: date
) -> QuarterlyReport:
    """The figures of a plan's quarterly report, as of `today` (the report date)."""
    require_role(actor, *EXPORT_ROLES)
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("not_found", what="plan", id=plan_id)
    overall = next(iter(plan_rollup(session, today, plan_id)), None)
    area_refs = {ref for ref, _ in agency_area_matrix(session, today, plan_id).areas}
    overdue = checkpoint_items(session, today, Task.plan_id == plan_id, *overdue_columns(today))
    reported_end = min(today, quarter_bounds(year, quarter)[1])
    trend = trends.scope_trend(
        session, reported_end, trends.plan_quarters(session, [plan_id], reported_end), [plan_id]
    )
    return QuarterlyReport(
        plan=plan,
        year=year,
        quarter=quarter,
        today=today,
        overall=overall,
        areas=[r for r in section_rollup(session, today, plan_id) if r.key in area_refs],
        agencies=agency_rollup(session, today, plan_id=plan_id),
        overdue=overdue,
        answers=answers_for_checkpoints(session, [i.checkpoint_id for i in overdue]),
        indicators=indicator_progress(
            session, today, plan_id=plan_id, as_of=quarter_bounds(year, quarter)[1]
        ),
        trend_png=charts.png(
            charts.trend_figure(list(trend.points), f"Tiến độ thực hiện {plan.number} theo quý")
        ),
    )


def quarterly_docx(report: QuarterlyReport) -> bytes:
    """The report as a .docx (A4, Times New Roman)."""
    doc = Document()
    _page_setup(doc)
    _heading_block(doc, report)
    _body(doc, report)
    _signature_block(doc, report)
    appendix(doc, report)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)  # Word otherwise falls back for some glyphs
    style.paragraph_format.space_after = Pt(6)
    style.paragraph_format.line_spacing = 1.15


def _heading_block(doc, r: QuarterlyReport) -> None:
    issuer = r.plan.issuer.upper()
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, (6.0, 10.5))
    left, right = table.cell(0, 0), table.cell(0, 1)
    _line(left, issuer, bold=True, size=13)
    _line(left, "─────", size=10)
    _line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    _line(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13)
    _line(right, "──────────────", size=10)
    _line(table.cell(1, 0), "Số:        /BC-UBND", size=13)
    place = r.plan.issuer.split("tỉnh")[-1].strip() if "tỉnh" in r.plan.issuer else ""
    _line(table.cell(1, 1), f"{place}, ngày      tháng      năm {r.year}", italic=True, size=14)
    doc.add_paragraph()
    _centred(doc, "BÁO CÁO", bold=True, size=14)
    _centred(
        doc,
        f"Kết quả thực hiện Kế hoạch số {r.plan.number} ngày {r.plan.issued_on:%d/%m/%Y} "
        f"của {r.plan.issuer} {r.quarter_words}",
        bold=True,
        size=14,
    )
    _centred(doc, "─────────", size=10)


def _body(doc, r: QuarterlyReport) -> None:
    o = r.overall
    _para(
        doc,
        f"Thực hiện {r.plan.title} ({r.plan.number}), {r.plan.issuer} báo cáo kết quả thực hiện "
        f"{r.quarter_words} (số liệu tính đến ngày {r.today:%d/%m/%Y}) như sau:",
    )
    _section(doc, "I. KẾT QUẢ THỰC HIỆN")
    _subsection(doc, "1. Tình hình chung")
    if o is None:
        _para(doc, "Kế hoạch chưa có nhiệm vụ nào được theo dõi.")
    else:
        _para(
            doc,
            f"Tổng số mốc nhiệm vụ theo dõi: {o.total}; đến hạn: {o.due}; đã hoàn thành: {o.done} "
            f"(tỷ lệ {_pct(o.completion_pct)}), trong đó đúng hạn: {o.done_on_time} "
            f"(tỷ lệ {_pct(o.on_time_pct)}); quá hạn chưa hoàn thành: {o.counts.get('overdue', 0)}; "
            f"chờ thẩm định: {o.counts.get('submitted', 0)}.",
        )
    doc.add_picture(io.BytesIO(r.trend_png), width=Cm(15.5))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _subsection(doc, "2. Kết quả theo lĩnh vực")
    _figures_table(doc, "Lĩnh vực", [(f"{a.key}. {a.label}", a) for a in r.areas])
    _subsection(doc, "3. Kết quả theo cơ quan chủ trì")
    _figures_table(doc, "Cơ quan", [(a.label, a) for a in r.agencies])
    _section(doc, "II. NHIỆM VỤ QUÁ HẠN VÀ GIẢI TRÌNH CỦA CƠ QUAN")
    if not r.overdue:
        _para(doc, "Không có nhiệm vụ quá hạn.")
    else:
        _para(doc, f"Có {len(r.overdue)} nhiệm vụ quá hạn chưa hoàn thành (danh sách chi tiết tại Phụ lục):")
        _overdue_by_agency(doc, r)
    _section(doc, "III. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU")
    if not r.indicators:
        _para(doc, "Kế hoạch không đề ra chỉ tiêu định lượng.")
    else:
        _indicator_table(doc, r.indicators)
    _section(doc, "IV. KIẾN NGHỊ, ĐỀ XUẤT")
    for _ in range(3):
        _para(doc, "." * 110, size=12)


def _signature_block(doc, r: QuarterlyReport) -> None:
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=2)
    _widths(table, (8.0, 8.5))
    left, right = table.cell(0, 0), table.cell(0, 1)
    first = left.paragraphs[0]
    run = first.add_run("Nơi nhận:")
    _font(run, size=12, bold=True, italic=True)
    first.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for line in ("- Ban Chỉ đạo tỉnh;", "- Thường trực Tỉnh ủy;", "- Các sở, ban, ngành;", "- Lưu: VT."):
        _line(left, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(right, "TM. ỦY BAN NHÂN DÂN", bold=True, size=14)
    _line(right, "CHỦ TỊCH", bold=True, size=14)
    for _ in range(3):
        _line(right, "", size=14)
    _line(right, "(Ký, ghi rõ họ tên, đóng dấu)", italic=True, size=12)


FIGURE_HEADERS = (
    "STT",
    None,
    "Đến hạn",
    "Hoàn thành",
    "Đúng hạn",
    "Quá hạn",
    "Tỷ lệ hoàn thành",
    "Tỷ lệ đúng hạn",
)


def _figures_table(doc, name: str, rows: list[tuple[str, Rollup]]) -> None:
    headers = [h or name for h in FIGURE_HEADERS]
    body = [
        (
            str(n),
            label,
            str(x.due),
            str(x.done),
            str(x.done_on_time),
            str(x.counts.get("overdue", 0)),
            _pct(x.completion_pct),
            _pct(x.on_time_pct),
        )
        for n, (label, x) in enumerate(rows, start=1)
    ]
    total = _sum(r for _, r in rows)
    body.append(
        (
            "",
            "Tổng cộng",
            str(total.due),
            str(total.done),
            str(total.done_on_time),
            str(total.counts["overdue"]),
            _pct(total.completion_pct),
            _pct(total.on_time_pct),
        )
    )
    _table(doc, headers, body, widths=(1.2, 5.6, 1.4, 1.6, 1.5, 1.4, 1.7, 1.6), bold_last=True)


def _overdue_by_agency(doc, r: QuarterlyReport) -> None:
    groups: dict[str, list[CheckpointItem]] = {}
    for i in r.overdue:
        groups.setdefault(i.agency_name, []).append(i)
    body = []
    for n, (agency, items) in enumerate(sorted(groups.items(), key=lambda g: (-len(g[1]), g[0])), start=1):
        answers = (r.answers[i.checkpoint_id] for i in items if i.checkpoint_id in r.answers)
        answered = [explanation_text(a) for a in answers]
        body.append(
            (
                str(n),
                agency,
                str(len(items)),
                str(max(i.days_late for i in items)),
                "; ".join(dict.fromkeys(answered)) or EMPTY,
            )
        )
    _table(
        doc,
        ("STT", "Cơ quan", "Số nhiệm vụ quá hạn", "Quá hạn lâu nhất (ngày)", "Giải trình của cơ quan"),
        body,
        widths=(1.2, 4.6, 2.0, 2.2, 6.0),
    )


def appendix(doc, r: QuarterlyReport) -> None:
    """Phụ lục: every overdue item with its explanation."""
    if not r.overdue:
        return
    doc.add_page_break()
    _centred(doc, "PHỤ LỤC", bold=True, size=14)
    _centred(
        doc, f"DANH SÁCH NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH (đến ngày {r.today:%d/%m/%Y})", bold=True, size=13
    )
    doc.add_paragraph()
    _overdue_table(doc, r)


def _overdue_table(doc, r: QuarterlyReport) -> None:
    body = []
    for n, i in enumerate(r.overdue, start=1):
        answer = r.answers.get(i.checkpoint_id)
        explained = explanation_text(answer) if answer else EMPTY
        body.append(
            (
                str(n),
                i.agency_name,
                f"{i.task_ref.split('@')[0].split('-')[0]} {i.task_title}",
                f"{i.due_date:%d/%m/%Y}",
                str(i.days_late),
                explained,
            )
        )
    _table(
        doc,
        ("STT", "Cơ quan", "Nhiệm vụ", "Hạn", "Số ngày quá hạn", "Giải trình"),
        body,
        widths=(1.2, 3.2, 5.0, 2.0, 1.6, 3.0),
    )


def _indicator_table(doc, items: list[IndicatorProgress]) -> None:
    body = [
        (str(n), i.text, i.owner_name or EMPTY, i.target_text, i.value_text, _pct(i.progress), i.status_label)
        for n, i in enumerate(items, start=1)
    ]
    _table(
        doc,
        ("STT", "Chỉ tiêu", "Chủ trì", "Chỉ tiêu đề ra", "Kết quả", "Tiến độ", "Đánh giá"),
        body,
        widths=(1.2, 5.4, 2.6, 1.8, 1.6, 1.4, 2.0),
    )


def _plan_ref(task_ref: str) -> str:
    """The plan's own numbering ('II.3-b2@so-y-te' → 'II.3'); the suffix only keeps refs unique."""
    return task_ref.split("@")[0].split("-")[0]


def _sum(rows) -> Rollup:
    total = Rollup(key=None, label="Tổng cộng")
    for r in rows:
        total.due += r.due
        total.done += r.done
        total.done_on_time += r.done_on_time
        total.counts["overdue"] += r.counts.get("overdue", 0)
    return total


def _table(doc, headers, body, widths, bold_last: bool = False, size: int = 11) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, text, bold=True, size=size)
    _repeat_header(table.rows[0])
    for k, values in enumerate(body):
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            _cell(cell, text, bold=bold_last and k == len(body) - 1, size=size)
    _widths(table, widths)


def _widths(table, widths) -> None:
    """Column widths on the grid and on every cell (LibreOffice reads the one, Word the other)."""
    table.autofit = False
    for column, w in zip(table.columns, widths, strict=True):
        column.width = Cm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=True):
            cell.width = Cm(w)


def _repeat_header(row) -> None:
    """The header row repeats on every page the table spans."""
    props = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    props.append(flag)


def _cell(cell, text: str, bold: bool = False, size: int = 11) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.first_line_indent = Cm(0)
    _font(p.add_run(text), size=size, bold=bold)


def _line(cell, text: str, bold=False, italic=False, size=13, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    p = (
        cell.paragraphs[0]
        if not cell.paragraphs[0].text and len(cell.paragraphs) == 1 and not cell.paragraphs[0].runs
        else cell.add_paragraph()
    )
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    _font(p.add_run(text), size=size, bold=bold, italic=italic)


def _centred(doc, text: str, bold=False, size=14) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    _font(p.add_run(text), size=size, bold=bold)


def _section(doc, text: str) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(6)
    _font(p.add_run(text), size=14, bold=True)


def _subsection(doc, text: str) -> None:
    _font(doc.add_paragraph().add_run(text), size=14, bold=True)


def _para(doc, text: str, size=14) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.paragraph_format.first_line_indent = Cm(1)
    _font(p.add_run(text), size=size)


def _font(run, size=14, bold=False, italic=False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold, run.italic = bold, italic
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _pct(value: float | None) -> str:
    if value is None:
        return EMPTY
    return (f"{value:.0f}" if value == round(value) else f"{value:.1f}".replace(".", ",")) + "%"
