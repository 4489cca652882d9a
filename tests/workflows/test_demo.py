"""Demo data: built through the real rules, placed for 2023-07-01, idempotent."""

from datetime import date

from sqlmodel import func, select

from models import (
    AuditEvent,
    Checkpoint,
    Escalation,
    Evidence,
    ExtensionRequest,
    Plan,
    Submission,
    Task,
    User,
)
from workflows.checkpoints.evidence import EvidenceStore, sniff_type
from workflows.demo import ACCOUNTS, DEMO_PASSWORD, demo_pdf, seed_demo
from workflows.kernel.actors import Actor
from workflows.people.users import authenticate
from workflows.plans.documents import read_plan_document
from workflows.reporting.desk import GLANCE_LIMIT, desk
from workflows.reporting.inbox import agency_inbox

TODAY = date(2023, 7, 1)
TABLES = (Plan, Task, Checkpoint, User, Submission, Evidence, ExtensionRequest, Escalation, AuditEvent)


def _counts(session) -> dict[str, int]:
    return {t.__name__: session.exec(select(func.count()).select_from(t)).one() for t in TABLES}


def test_demo_pdf_is_a_real_pdf():
    pdf = demo_pdf("Bao cao (quy II) - So Y te")
    assert sniff_type(pdf) == "application/pdf"
    assert "Bao cao [quy II] - So Y te" in read_plan_document(pdf, "x.pdf")  # pypdf reads its text layer


def test_demo_story_and_idempotence(session, settings):
    store = EvidenceStore.from_settings(settings)
    summary = seed_demo(session, store, TODAY)
    session.commit()
    assert summary.history_written and summary.submissions > 50
    assert sorted(summary.users_created) == sorted(a[0] for a in ACCOUNTS)
    first = _counts(session)
    assert first["Plan"] == 1 and first["Task"] > 250 and first["Escalation"] > 0

    yte = session.exec(select(User).where(User.username == "yte")).one()
    assert authenticate(session, "yte", DEMO_PASSWORD).id == yte.id
    inbox = agency_inbox(session, Actor.of(yte), TODAY)
    top = inbox.overdue[0]
    assert "Methadone" in top.task_text and "Định kỳ 06" in top.task_text
    assert top.due_date == date(2023, 6, 14) and top.days_late == 17
    assert inbox.returned and inbox.returned[0].return_reason and inbox.returned[0].due_date > TODAY
    assert len(inbox.awaiting_review) == 1
    assert all(i.due_date >= date(2023, 6, 14) for i in inbox.overdue)  # the early rounds were reported

    secretariat = session.exec(select(User).where(User.username == "thuongtruc")).one()
    view = desk(session, Actor.of(secretariat), TODAY)
    assert {q.agency_name for q in view.review_queue} == {"Sở Y tế", "Công an tỉnh"}
    assert [x.agency_name for x in view.extensions] == ["Sở Y tế"]
    assert "secretariat" in view.escalations and view.overdue_total > 100
    assert len(view.overdue) == GLANCE_LIMIT  # the oldest, at a glance
    statuses = set(session.exec(select(Checkpoint.state)).all())
    assert {"open", "submitted", "returned", "accepted"} <= statuses
    files = [p for p in settings.evidence_dir.rglob("*") if p.is_file()]
    assert len(files) == first["Evidence"]  # one stored PDF per report, all different

    again = seed_demo(session, store, TODAY)
    session.commit()
    assert not again.history_written and again.users_created == [] and again.plan_id == summary.plan_id
    assert _counts(session) == first
    syt = session.exec(select(User).where(User.username == "thutruong.yte")).one()
    assert syt.role == "head" and syt.agency_id == yte.agency_id
    assert (
        session.exec(select(func.count()).select_from(User).where(User.agency_id == yte.agency_id)).one() == 2
    )
