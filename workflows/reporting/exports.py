"""The quarterly compilation the secretariat files with UBND tỉnh, as .xlsx and .csv.

A quarter holds the checkpoints whose ORIGINAL due date falls in it (an extension does not move
an obligation to another quarter's report). Rows are in the order an office files them: lead
agency by name, then the task in plan order, then the due date. Withdrawn tasks are left out.

The .xlsx is the fileable form (`quarterly_xlsx`): a title block (the reporting body — the
registry's own authority, or the plan's issuer when one plan is reported —, quốc hiệu and tiêu
ngữ, the report title with its quarter, the plan(s), the as-of date), the table with its header row
repeated on every printed page, totals by status, A4 landscape fitted to the page width. Every text
cell is one wrapped paragraph: the plan's hard line breaks are gone.
"""

import csv
import io
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models import (
    Agency,
    Checkpoint,
    Evidence,
    Plan,
    Section,
    Submission,
    SubmissionKind,
    SubmissionStatus,
    Task,
    TaskSupport,
)
from models.user import Role
from workflows.agencies.store import authority_name
from workflows.checkpoints.status import STATUS_LABELS_VI, Status, days_late_on, status_expr
from workflows.followup.queries import answers_for_checkpoints, explanation_text
from workflows.kernel.actors import Actor, require_role
from workflows.kernel.errors import NotFound
from workflows.kernel.quarters import quarter_bounds, quarter_label
from workflows.kernel.text import one_paragraph
from workflows.plans.queries import active_plans_newest_first, plans_in_scope

EXPORT_ROLES = (Role.secretariat, Role.leader, Role.admin)
# the totals' breakdown, in the order a report reads: what was done, what is owed, what is not yet
TOTAL_ORDER = (
    Status.done_on_time,
    Status.done_late,
    Status.submitted,
    Status.overdue,
    Status.returned,
    Status.in_progress_on_time,
    Status.not_due,
    Status.waived,
)


@dataclass(frozen=True)
class ExportRow:
    agency: str
    section_ref: str
    task_ref: str
    task_text: str
    period_label: str
    due_date: date
    status: str
    submitted_on: date | None
    accepted_on: date | None
    evidence_count: int
    plan_number: str = ""
    supporting: str = ""
    days_late: int = 0
    content: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS_VI[Status(self.status)]


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    value: Callable[[int, ExportRow], object]
    kind: str = "text"  # text | date | number


COLUMNS = (
    Column("STT", 5, lambda n, r: n, "number"),
    Column("Cơ quan chủ trì", 18, lambda n, r: r.agency),
    Column("Cơ quan phối hợp", 18, lambda n, r: r.supporting),
    Column("Mục", 7, lambda n, r: r.section_ref),
    Column("Nhiệm vụ", 44, lambda n, r: r.task_text),
    Column("Kỳ báo cáo", 11, lambda n, r: r.period_label),
    Column("Hạn", 11, lambda n, r: r.due_date, "date"),
    Column("Trạng thái", 13, lambda n, r: r.status_label),
    Column("Số ngày quá hạn", 8, lambda n, r: r.days_late or None, "number"),
    Column("Ngày gửi báo cáo", 11, lambda n, r: r.submitted_on, "date"),
    Column("Ngày chấp nhận", 11, lambda n, r: r.accepted_on, "date"),
    Column("Nội dung báo cáo, giải trình", 34, lambda n, r: r.content),
    Column("Số minh chứng", 9, lambda n, r: r.evidence_count, "number"),
    Column("Kế hoạch", 12, lambda n, r: r.plan_number),
)
HEADERS = tuple(c.header for c in COLUMNS)
PLAN_COLUMN = "Kế hoạch"


def cells(row: ExportRow, n: int) -> tuple:
    """The row as filed, numbered `n`, in HEADERS order (dates stay dates)."""
    return tuple(c.value(n, row) for c in COLUMNS)


@dataclass
class QuarterlyExport:
    """What the fileable workbook says: who reports, on which plans, for which quarter, as of when."""

    authority: str
    plans: list[Plan]
    all_active: bool
    year: int
    quarter: int
    today: date
    rows: list[ExportRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        return quarter_label(self.year, self.quarter)


def quarterly_export(
    session: Session, actor: Actor, plan_id: int | None, year: int, quarter: int, today: date
) -> QuarterlyExport:
    """The quarter's rows with the title block's facts (plan_id None: every active plan)."""
    rows = quarterly_rows(session, actor, plan_id, year, quarter, today)
    if plan_id is None:
        plans, body = active_plans_newest_first(session), authority_name(session)
    else:
        plans = [session.get(Plan, plan_id)]
        body = plans[0].issuer
    return QuarterlyExport(body, plans, plan_id is None, year, quarter, today, rows)


def quarterly_rows(
    session: Session, actor: Actor, plan_id: int | None, year: int, quarter: int, today: date
) -> list[ExportRow]:
    """Checkpoints of `plan_id` (None: of every active plan) originally due in the quarter, with
    status, days late, supporting agencies, the report's content, evidence counts and the plan."""
    require_role(actor, *EXPORT_ROLES)
    if plan_id is not None and session.get(Plan, plan_id) is None:
        raise NotFound("not_found", what="plan", id=plan_id)
    plans = plans_in_scope(plan_id)
    first, last = quarter_bounds(year, quarter)
    in_quarter = (
        Task.plan_id.in_(plans),
        Task.withdrawn.is_(False),
        Checkpoint.original_due_date >= first,
        Checkpoint.original_due_date <= last,
    )
    reports = (
        Submission.kind == SubmissionKind.report,
        Submission.status != SubmissionStatus.withdrawn,
    )
    evidence = (
        select(Submission.checkpoint_id, func.count(Evidence.id).label("n"))
        .join(Evidence, Evidence.submission_id == Submission.id)
        .where(*reports, Evidence.withdrawn_at.is_(None))
        .group_by(Submission.checkpoint_id)
        .subquery()
    )
    latest = (
        select(Submission.checkpoint_id, func.max(Submission.id).label("id"))
        .where(*reports)
        .group_by(Submission.checkpoint_id)
        .subquery()
    )
    report = aliased(Submission)
    stmt = (
        select(
            Checkpoint.id,
            Task.id,
            Agency.name,
            Section.ref,
            Task.ref,
            Task.text,
            Checkpoint.period_label,
            Checkpoint.due_date,
            Checkpoint.original_due_date,
            status_expr(today),
            Checkpoint.submitted_on,
            Checkpoint.accepted_on,
            func.coalesce(evidence.c.n, 0),
            Plan.number,
            report.note,
        )
        .select_from(Checkpoint)
        .join(Task, Task.id == Checkpoint.task_id)
        .join(Section, Section.id == Task.section_id)
        .join(Agency, Agency.id == Checkpoint.agency_id)
        .join(Plan, Plan.id == Task.plan_id)
        .outerjoin(evidence, evidence.c.checkpoint_id == Checkpoint.id)
        .outerjoin(latest, latest.c.checkpoint_id == Checkpoint.id)
        .outerjoin(report, report.id == latest.c.id)
        .where(*in_quarter)
        .order_by(
            Agency.name,
            Plan.issued_on,
            Plan.id,
            Section.position,
            Task.position,
            Checkpoint.due_date,
            Checkpoint.id,
        )
    )
    found = session.execute(stmt).all()
    support = _supporting_names(session, select(Checkpoint.task_id).join(Task).where(*in_quarter))
    late = [r[0] for r in found if r[9] == Status.overdue]
    answers = answers_for_checkpoints(session, late) if late else {}
    return [
        ExportRow(
            agency=agency,
            section_ref=section_ref,
            task_ref=task_ref,
            task_text=one_paragraph(text),
            period_label=period,
            due_date=due,
            status=status,
            submitted_on=submitted_on,
            accepted_on=accepted_on,
            evidence_count=int(n_evidence),
            plan_number=number,
            supporting="; ".join(support.get(task_id, [])),
            days_late=days_late_on(status, today, due, original_due, submitted_on),
            content=_content(note, answers.get(cp_id)),
        )
        for (
            cp_id,
            task_id,
            agency,
            section_ref,
            task_ref,
            text,
            period,
            due,
            original_due,
            status,
            submitted_on,
            accepted_on,
            n_evidence,
            number,
            note,
        ) in found
    ]


def _supporting_names(session: Session, task_ids) -> dict[int, list[str]]:
    """The supporting agencies' names of each task of `task_ids` (a subquery), by name."""
    stmt = (
        select(TaskSupport.task_id, Agency.name)
        .join(Agency, Agency.id == TaskSupport.agency_id)
        .where(TaskSupport.task_id.in_(task_ids))
        .order_by(TaskSupport.task_id, Agency.name)
    )
    names: dict[int, list[str]] = {}
    for task_id, name in session.execute(stmt):
        names.setdefault(task_id, []).append(name)
    return names


def _content(note: str | None, answer: tuple[str, date | None, str] | None) -> str:
    """The agency's latest report, and its explanation (giải trình) when it is late, in one paragraph."""
    parts = [one_paragraph(note)] if note and note.strip() else []
    if answer is not None:
        parts.append("Giải trình: " + one_paragraph(explanation_text(answer)))
    return " ".join(parts)


def status_totals(rows: list[ExportRow]) -> list[tuple[str, int]]:
    """(status label, how many rows) for every status, in TOTAL_ORDER."""
    counts = Counter(r.status for r in rows)
    return [(STATUS_LABELS_VI[s], counts.get(s, 0)) for s in TOTAL_ORDER]


FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")  # light grey: still reads in black and white
TITLE_ROWS = 7  # the header row follows the title block
POINTS_PER_LINE = 13.0  # an 11 pt Times New Roman line in a wrapped cell (measured in LibreOffice)
CHARS_PER_WIDTH = 1.5  # Vietnamese text in 11 pt Times New Roman per unit of column width (measured)


def quarterly_xlsx(export: QuarterlyExport) -> bytes:
    """The fileable workbook: title block, table with repeated header, totals, A4 landscape."""
    columns = [c for c in COLUMNS if export.all_active or c.header != PLAN_COLUMN]
    wb = Workbook()
    ws = wb.active
    ws.title = export.label.replace("/", "-")[:31]  # Excel forbids "/" in sheet names
    _title_block(ws, export, len(columns))
    header = TITLE_ROWS + 1
    _header_row(ws, header, columns)
    for n, row in enumerate(export.rows, start=1):
        _data_row(ws, header + n, [c.value(n, row) for c in columns], columns)
    last_data = header + len(export.rows)
    _totals(ws, last_data + 1, export.rows, columns)
    for i, c in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = c.width
    ws.freeze_panes = f"A{header + 1}"
    ws.auto_filter.ref = f"A{header}:{get_column_letter(len(columns))}{last_data}"
    _print_setup(ws, header, len(columns))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def plan_line(export: QuarterlyExport) -> str:
    """Which plan(s) the report is about, as the title block says it."""
    if not export.all_active:
        p = export.plans[0]
        return f"Kế hoạch số {p.number} ngày {p.issued_on:%d/%m/%Y} của {p.issuer}"
    numbers = ", ".join(p.number for p in export.plans) or "không có"
    return f"Tất cả kế hoạch đang thực hiện: {numbers}"


def _title_block(ws: Worksheet, export: QuarterlyExport, width: int) -> None:
    """Rows 1–6: body and quốc hiệu – tiêu ngữ side by side, then title, plan(s) and as-of date."""
    left = max(3, width // 3)
    right = width - 5  # the right block spans the last six columns
    _merged(ws, 1, 1, left, export.authority.upper(), bold=True, size=12)
    _merged(ws, 1, right, width, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    _merged(ws, 2, right, width, "Độc lập - Tự do - Hạnh phúc", bold=True, size=12)
    _merged(ws, 4, 1, width, f"BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ {export.label.upper()}", bold=True, size=14)
    _merged(ws, 5, 1, width, plan_line(export), bold=True, size=12)
    _merged(ws, 6, 1, width, f"(Số liệu tính đến ngày {export.today:%d/%m/%Y})", italic=True, size=12)
    for r in (1, 2, 4, 5, 6):
        ws.row_dimensions[r].height = 20


def _merged(ws: Worksheet, row: int, first: int, last: int, text: str, **font) -> None:
    ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell = ws.cell(row, first, text)
    cell.font = Font(name=FONT, **font)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _header_row(ws: Worksheet, row: int, columns: list[Column]) -> None:
    for i, c in enumerate(columns, start=1):
        cell = ws.cell(row, i, c.header)
        cell.font = Font(name=FONT, size=11, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill, cell.border = HEADER_FILL, GRID
    ws.row_dimensions[row].height = _height(((c.header, c.width) for c in columns), minimum=2)


def _data_row(ws: Worksheet, row: int, values: list, columns: list[Column]) -> None:
    for i, (c, value) in enumerate(zip(columns, values, strict=True), start=1):
        cell = ws.cell(row, i, value)
        cell.font = Font(name=FONT, size=11)
        cell.border = GRID
        centred = c.kind != "text" or c.width <= 12
        cell.alignment = Alignment(horizontal="center" if centred else "left", vertical="top", wrap_text=True)
        if c.kind == "date":
            cell.number_format = "DD/MM/YYYY"
    texts = ((str(v or ""), c.width) for c, v in zip(columns, values, strict=True) if c.kind == "text")
    ws.row_dimensions[row].height = _height(texts)


def _totals(ws: Worksheet, row: int, rows: list[ExportRow], columns: list[Column]) -> None:
    """'Tổng cộng' (every row, every piece of evidence), then one row per status with its count."""
    status_col = next(i for i, c in enumerate(columns, start=1) if c.header == "Trạng thái")
    evidence_col = next(i for i, c in enumerate(columns, start=1) if c.header == "Số minh chứng")
    lines = [("Tổng cộng", len(rows), sum(r.evidence_count for r in rows))]
    lines += [
        (f"Trong đó: {label}" if k == 0 else label, n, None)
        for k, (label, n) in enumerate(status_totals(rows))
    ]
    for k, (label, count, evidence) in enumerate(lines):
        r = row + k
        for i in range(1, len(columns) + 1):
            ws.cell(r, i).border = GRID
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=status_col - 1)
        head = ws.cell(r, 2, label)
        head.font = Font(name=FONT, size=11, bold=k == 0, italic=k > 0)
        head.alignment = Alignment(horizontal="right" if k == 0 else "left", indent=0 if k == 0 else 2)
        for col, value in ((status_col, count), (evidence_col, evidence)):
            if value is not None:
                cell = ws.cell(r, col, value)
                cell.font = Font(name=FONT, size=11, bold=k == 0)
                cell.alignment = Alignment(horizontal="center")


def _height(texts, minimum: int = 1) -> float:
    """A row tall enough for its longest wrapped text (spreadsheets do not grow rows on opening)."""
    lines = max((_lines(text, width) for text, width in texts), default=1)
    return POINTS_PER_LINE * max(lines, minimum) + 3


def _lines(text: str, width: float) -> int:
    """How many lines `text` wraps to in a column `width` characters wide (words kept whole)."""
    per_line = max(1, math.floor(width * CHARS_PER_WIDTH) - 1)
    lines, used = 1, 0
    for word in text.split():
        need = len(word) if used == 0 else used + 1 + len(word)
        if need <= per_line:
            used = need
        else:
            lines += 1
            used = min(len(word), per_line)
            lines += (len(word) - 1) // per_line
    return lines


def _print_setup(ws: Worksheet, header: int, width: int) -> None:
    """A4 landscape, fitted to the page width, the header row on every page, page numbers."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header}:{header}"
    ws.print_area = f"A1:{get_column_letter(width)}{ws.max_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.font, ws.oddFooter.center.size = FONT, 10


def quarterly_csv(rows: list[ExportRow]) -> bytes:
    """CSV in UTF-8 with a BOM, so Excel shows the Vietnamese diacritics; dates dd/mm/yyyy."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)

    def day(d: date) -> str:
        return d.strftime("%d/%m/%Y")

    for n, r in enumerate(rows, start=1):
        writer.writerow("" if v is None else day(v) if isinstance(v, date) else v for v in cells(r, n))
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
