"""The quarterly compilation the secretariat files with UBND tỉnh, as .xlsx and .csv.

A quarter holds the checkpoints whose ORIGINAL due date falls in it (an extension does not move
an obligation to another quarter's report). Rows are in the order an office files them: lead
agency by name, then the task in plan order, then the due date. Withdrawn tasks are left out.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select
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
)
from models.user import Role
from workflows.checkpoints.status import STATUS_LABELS_VI, Status, status_expr
from workflows.kernel.actors import Actor, require_role
from workflows.kernel.errors import NotFound
from workflows.kernel.quarters import quarter_bounds
from workflows.plans.queries import active_plans

EXPORT_ROLES = (Role.secretariat, Role.leader, Role.admin)
HEADERS = (
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
)
WIDTHS = (6, 34, 10, 70, 16, 12, 24, 16, 16, 13, 16)
DATE_COLUMNS = (6, 8, 9)  # 1-based: Hạn, Ngày gửi, Ngày chấp nhận


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

    @property
    def status_label(self) -> str:
        return STATUS_LABELS_VI[Status(self.status)]

    def cells(self, n: int) -> tuple:
        """The row as filed, numbered `n`, in HEADERS order (dates stay dates)."""
        return (
            n,
            self.agency,
            self.section_ref,
            self.task_text,
            self.period_label,
            self.due_date,
            self.status_label,
            self.submitted_on,
            self.accepted_on,
            self.evidence_count,
            self.plan_number,
        )


def quarterly_rows(
    session: Session, actor: Actor, plan_id: int | None, year: int, quarter: int, today: date
) -> list[ExportRow]:
    """Checkpoints of `plan_id` (None: of every active plan) originally due in the quarter, with
    status, evidence counts and the plan's number."""
    require_role(actor, *EXPORT_ROLES)
    if plan_id is not None and session.get(Plan, plan_id) is None:
        raise NotFound("not_found", what="plan", id=plan_id)
    plans = active_plans() if plan_id is None else [plan_id]
    first, last = quarter_bounds(year, quarter)
    evidence = (
        select(Submission.checkpoint_id, func.count(Evidence.id).label("n"))
        .join(Evidence, Evidence.submission_id == Submission.id)
        .where(
            Submission.kind == SubmissionKind.report,
            Submission.status != SubmissionStatus.withdrawn,
            Evidence.withdrawn_at.is_(None),
        )
        .group_by(Submission.checkpoint_id)
        .subquery()
    )
    stmt = (
        select(
            Agency.name,
            Section.ref,
            Task.ref,
            Task.text,
            Checkpoint.period_label,
            Checkpoint.due_date,
            status_expr(today),
            Checkpoint.submitted_on,
            Checkpoint.accepted_on,
            func.coalesce(evidence.c.n, 0),
            Plan.number,
        )
        .select_from(Checkpoint)
        .join(Task, Task.id == Checkpoint.task_id)
        .join(Section, Section.id == Task.section_id)
        .join(Agency, Agency.id == Checkpoint.agency_id)
        .join(Plan, Plan.id == Task.plan_id)
        .outerjoin(evidence, evidence.c.checkpoint_id == Checkpoint.id)
        .where(
            Task.plan_id.in_(plans),
            Task.withdrawn.is_(False),
            Checkpoint.original_due_date >= first,
            Checkpoint.original_due_date <= last,
        )
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
    return [
        ExportRow(*row[:9], evidence_count=int(row[9]), plan_number=row[10])
        for row in session.execute(stmt).all()
    ]


def quarterly_xlsx(rows: list[ExportRow], title: str) -> bytes:
    """An .xlsx workbook: bold frozen header, set widths, real Excel dates (dd/mm/yyyy)."""
    wb = Workbook()
    ws = wb.active
    ws.title = title.replace("/", "-")[:31]  # Excel forbids "/" in sheet names
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for n, r in enumerate(rows, start=1):
        ws.append(r.cells(n))
    for col in DATE_COLUMNS:
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.number_format = "DD/MM/YYYY"
    for (cell,) in ws.iter_rows(min_row=2, min_col=4, max_col=4):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{len(rows) + 1}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def quarterly_csv(rows: list[ExportRow]) -> bytes:
    """CSV in UTF-8 with a BOM, so Excel shows the Vietnamese diacritics; dates dd/mm/yyyy."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)

    def day(d: date) -> str:
        return d.strftime("%d/%m/%Y")

    for n, r in enumerate(rows, start=1):
        writer.writerow(day(v) if isinstance(v, date) else v for v in r.cells(n))
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
