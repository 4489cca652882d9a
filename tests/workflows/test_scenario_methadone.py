"""Scenario on the seed plan: Sở Y tế's 6-month methadone evaluation (Kế hoạch 23/KH-UBND) from
overdue to done late, with Sở Tư pháp refused at every step.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fpdf import FPDF
from sqlmodel import Session, select

from models import Agency, Checkpoint, Evidence, OutboxMessage, Task
from tests.builders import add_user
from workflows.agencies.registry import load_registry
from workflows.checkpoints.evidence import MB, EvidenceStore
from workflows.checkpoints.extensions import request_extension
from workflows.checkpoints.queries import (
    checkpoint_audit,
    checkpoint_history,
    checkpoint_status,
    get_checkpoint,
    list_checkpoints,
)
from workflows.checkpoints.review import accept_submission, return_submission
from workflows.checkpoints.submissions import submit_report
from workflows.kernel.actors import SYSTEM, Actor
from workflows.kernel.errors import NotFound, PermissionDenied
from workflows.plans.importing import import_plan
from workflows.plans.parser import parse_plan
from workflows.reporting.rollups import agency_rollup

SEED = Path(__file__).parents[2] / "seed_plans" / "sonla_23_kh_ubnd_2023.txt"


@dataclass
class Province:
    syt: Agency
    stp: Agency
    task: Task
    six_months: Checkpoint
    year: Checkpoint
    syt_focal: Actor
    stp_focal: Actor
    secretariat: Actor


def province(session: Session) -> Province:
    """The seed plan imported; Sở Y tế leads the recurring methadone evaluation (14/06 and 14/12/2023)."""
    text, registry = SEED.read_text(encoding="utf-8"), load_registry()
    import_plan(session, SYSTEM, parse_plan(text, registry), text, registry, date(2023, 1, 30))
    syt, stp = (session.exec(select(Agency).where(Agency.name == n)).one() for n in ("Sở Y tế", "Sở Tư pháp"))
    (task,) = session.exec(
        select(Task).where(
            Task.lead_agency_id == syt.id, Task.text.contains("Định kỳ 06"), Task.text.contains("Methadone")
        )
    ).all()
    six, year = session.exec(
        select(Checkpoint).where(Checkpoint.task_id == task.id).order_by(Checkpoint.due_date)
    ).all()
    people = [
        add_user(session, "syt.dm", "focal", syt),
        add_user(session, "stp.dm", "focal", stp),
        add_user(session, "ca.ptm", "secretariat"),
    ]
    session.commit()
    return Province(syt, stp, task, six, year, *(Actor.of(u) for u in people))


def figures(session: Session, agency: Agency, today: date) -> dict:
    """The agency's rollup: counts per status plus due and done."""
    (r,) = agency_rollup(session, today, agency_ids=[agency.id])
    return {**r.counts, "due": r.due, "done": r.done}


def write_report_pdf(path: Path) -> bytes:
    """The report Sở Y tế uploads: a real PDF file written to disk, read back as an upload would be."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, text="SO Y TE TINH SON LA - Bao cao danh gia ket qua dieu tri Methadone 6 thang 2023")
    pdf.output(str(path))
    return path.read_bytes()


def outsider_is_refused(
    session: Session, p: Province, cp_id: int, submission_id: int | None, today: date, store: EvidenceStore
) -> None:
    """Sở Tư pháp's focal point can neither see, submit, ask for an extension nor review."""
    stp = p.stp_focal
    with pytest.raises(NotFound):
        get_checkpoint(session, stp, cp_id)
    with pytest.raises(NotFound):
        checkpoint_history(session, stp, cp_id)
    with pytest.raises(NotFound):
        list_checkpoints(session, stp, today, agency_id=p.syt.id)
    own = list_checkpoints(session, stp, today, agency_id=p.stp.id, limit=500).items
    assert own and all(row.agency_id == p.stp.id for row in own)
    with pytest.raises(NotFound):
        submit_report(session, stp, cp_id, "Báo cáo thay", [], [], today, store)
    with pytest.raises(NotFound):
        request_extension(session, stp, cp_id, date(2023, 12, 31), "xin gia hạn", today)
    if submission_id is not None:
        with pytest.raises(NotFound):
            accept_submission(session, stp, submission_id, today)
        with pytest.raises(NotFound):
            return_submission(session, stp, submission_id, "không đạt", today)
    session.rollback()


def test_methadone_six_month_report_from_overdue_to_done_late(session, tmp_path):
    p = province(session)
    store = EvidenceStore(tmp_path / "evidence", 20 * MB)
    cp = p.six_months.id
    pdf = write_report_pdf(tmp_path / "bao-cao-methadone-6-thang.pdf")
    assert pdf.startswith(b"%PDF-")
    statuses = []

    def step(today: date) -> None:
        statuses.append(checkpoint_status(session, cp, today))

    # 1 July: the 6-month checkpoint (due 14/06) is overdue; the year one is in progress
    july1 = date(2023, 7, 1)
    step(july1)
    assert (p.six_months.due_date, p.year.due_date) == (date(2023, 6, 14), date(2023, 12, 14))
    before = figures(session, p.syt, date(2023, 7, 6))
    assert checkpoint_status(session, p.year.id, july1) == "in_progress_on_time"
    outsider_is_refused(session, p, cp, None, july1, store)

    first = submit_report(
        session,
        p.syt_focal,
        cp,
        "Báo cáo kết quả điều trị Methadone 6 tháng 2023.",
        [("bao-cao-methadone-6-thang.pdf", pdf)],
        [],
        july1,
        store,
        expected_version=1,
    )
    session.commit()
    step(july1)
    outsider_is_refused(session, p, cp, first.id, july1, store)
    with pytest.raises(PermissionDenied):  # a focal point cannot review, not even its own report
        accept_submission(session, p.syt_focal, first.id, july1)
    session.rollback()

    july3 = date(2023, 7, 3)
    reason = "Thiếu số bệnh nhân duy trì điều trị tại huyện Mộc Châu."
    return_submission(session, p.secretariat, first.id, reason, july3, expected_version=2)
    session.commit()
    step(july3)  # returned past its due date: overdue again
    outsider_is_refused(session, p, cp, first.id, july3, store)

    july5 = date(2023, 7, 5)
    second = submit_report(
        session,
        p.syt_focal,
        cp,
        "Đã bổ sung số liệu huyện Mộc Châu.",
        [("bao-cao-bo-sung.pdf", pdf)],
        [],
        july5,
        store,
        expected_version=3,
    )
    session.commit()
    step(july5)
    outsider_is_refused(session, p, cp, second.id, july5, store)

    july6 = date(2023, 7, 6)
    accept_submission(session, p.secretariat, second.id, july6, expected_version=4)
    session.commit()
    step(july6)
    outsider_is_refused(session, p, cp, second.id, july6, store)

    assert statuses == ["overdue", "submitted", "overdue", "submitted", "done_late"]
    after = figures(session, p.syt, july6)  # Sở Y tế's figures: one overdue item became done late
    assert (after["overdue"], after["done_late"]) == (before["overdue"] - 1, before["done_late"] + 1)
    assert after["done"] == before["done"] + 1 and after["due"] == before["due"]
    done = session.get(Checkpoint, cp)
    assert (done.state, done.submitted_on, done.accepted_on, done.original_due_date) == (
        "accepted",
        july5,
        july6,
        date(2023, 6, 14),
    )

    # the evidence is the very PDF, stored once (same content both rounds), referenced twice
    files = session.exec(select(Evidence).where(Evidence.kind == "file").order_by(Evidence.id)).all()
    assert [f.filename for f in files] == ["bao-cao-methadone-6-thang.pdf", "bao-cao-bo-sung.pdf"]
    assert {f.sha256 for f in files} == {files[0].sha256}
    with store.open_evidence(files[0].sha256) as f:
        assert f.read() == pdf

    # every round is kept
    history = checkpoint_history(session, p.secretariat, cp)
    assert [
        (e.submission.round, e.submission.status, [r.decision for r in e.reviews])
        for e in history.submissions
    ] == [(1, "returned", ["return"]), (2, "accepted", ["accept"])]

    # the audit trail shows each step, in order, with its actor
    trail = checkpoint_audit(session, p.secretariat, cp)
    assert [(e.action, e.actor_label) for e in trail] == [
        ("submission.submit", "syt.dm"),
        ("submission.return", "ca.ptm"),
        ("submission.submit", "syt.dm"),
        ("submission.accept", "ca.ptm"),
    ]
    assert [(e.before["state"], e.after["state"]) for e in trail] == [
        ("open", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "accepted"),
    ]
    assert trail[1].after["reason"] == reason
    assert [e.after["version"] for e in trail] == [2, 3, 4, 5]

    # Sở Y tế's focal point was told twice, through the outbox
    notices = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(n.template, n.dedupe_key, n.agency_id) for n in notices] == [
        ("notice_returned", f"notice:returned:{first.id}", p.syt.id),
        ("notice_accepted", f"notice:accepted:{second.id}", p.syt.id),
    ]
    assert notices[0].context["task_title"] == p.task.title and notices[0].context["due_date"] == "2023-06-14"
