"""Importing the seed plan, re-importing it, and importing a revised version."""

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import func, select

from models import Agency, AuditEvent, Checkpoint, PlanIssue, Section, Submission, Task, TaskSupport
from tests.builders import add_agency, add_user
from workflows.agencies.registry import load_registry
from workflows.kernel.actors import SYSTEM
from workflows.plans.importing import import_plan
from workflows.plans.parser import parse_plan

SEED = Path(__file__).parents[3] / "seed_plans" / "sonla_23_kh_ubnd_2023.txt"
TODAY = date(2023, 2, 1)


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def do_import(session, text, registry):
    report = import_plan(session, SYSTEM, parse_plan(text, registry), text, registry, TODAY)
    session.commit()
    return report


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def checkpoints_of_agency(session, name: str) -> list[Checkpoint]:
    agency = session.exec(select(Agency).where(Agency.name == name)).one()
    return list(session.exec(select(Checkpoint).where(Checkpoint.agency_id == agency.id)).all())


def test_seed_import_stores_tasks_assignments_and_checkpoints(session, seed_text, registry):
    parsed = parse_plan(seed_text, registry)
    report = do_import(session, seed_text, registry)
    assert report.created and len(report.added) == len(parsed.tasks) == count(session, Task)
    assert count(session, Checkpoint) == sum(len(t.schedule.due_dates) for t in parsed.tasks)
    assert count(session, Section) >= len(parsed.sections)
    assert count(session, PlanIssue) == len(parsed.unresolved)
    assert count(session, TaskSupport) == sum(len(set(t.supporting)) for t in parsed.tasks)
    methadone = [
        c
        for c in checkpoints_of_agency(session, "Sở Y tế")
        if "Methadone" in session.get(Task, c.task_id).text
        and "Định kỳ 06" in session.get(Task, c.task_id).text
    ]
    assert sorted(c.due_date for c in methadone) == [date(2023, 6, 14), date(2023, 12, 14)]
    labels = [c.period_label for c in sorted(methadone, key=lambda c: c.due_date)]
    assert labels == ["6 tháng/2023", "Năm 2023"]
    mai_son = {c.due_date for c in checkpoints_of_agency(session, "UBND huyện Mai Sơn")}
    assert {
        date(2023, 2, 14),
        date(2023, 3, 14),
        date(2023, 6, 14),
        date(2023, 9, 14),
        date(2023, 12, 14),
    } <= mai_son
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "plan.import")).one()


def test_reimporting_the_same_document_changes_nothing(session, seed_text, registry):
    do_import(session, seed_text, registry)
    before = [count(session, m) for m in (Task, Checkpoint, TaskSupport, Agency, PlanIssue)]
    again = do_import(session, seed_text, registry)
    assert again.is_noop and not again.added and not again.changed and not again.withdrawn
    assert [count(session, m) for m in (Task, Checkpoint, TaskSupport, Agency, PlanIssue)] == before


REMOVED = "- Sở Văn hóa, Thể thao và Du lịch\nthực hiện tốt chức năng quản lý nhà nước"
ADDED = (
    "- Sở Ngoại vụ chủ trì, phối hợp với Bộ Chỉ huy Bộ đội Biên phòng tỉnh tổng kết hợp tác "
    "phòng, chống ma túy với các tỉnh Bắc Lào (xong trong quý II/2023).\n"
)


def revise(text: str) -> str:
    """Drop the II.5 culture-department duty, add a new duty to II.7."""
    start = text.index(REMOVED)
    end = text.index("6. Công tác\nxóa bỏ", start)
    text = text[:start] + text[end:]
    anchor = text.index("8. Công tác\nxây dựng")
    return text[:anchor] + ADDED + text[anchor:]


def test_revised_version_adds_and_withdraws_by_ref_keeping_submissions(session, seed_text, registry):
    do_import(session, seed_text, registry)
    doomed = session.exec(select(Task).where(Task.text.startswith(REMOVED[2:]))).one()
    (cp,) = session.exec(
        select(Checkpoint).where(Checkpoint.task_id == doomed.id).order_by(Checkpoint.due_date)
    ).all()[:1]
    vhttdl = session.get(Agency, doomed.lead_agency_id)
    author = add_user(session, "vh-focal", "focal", vhttdl)
    session.add(
        Submission(
            checkpoint_id=cp.id,
            agency_id=vhttdl.id,
            author_id=author.id,
            note="Đã triển khai",
            submitted_on=date(2023, 3, 10),
        )
    )
    cp.state, cp.submitted_on = "submitted", date(2023, 3, 10)
    session.commit()
    tasks_before = count(session, Task)

    report = do_import(session, revise(seed_text), registry)

    assert doomed.ref in report.withdrawn
    assert (
        len(report.added) == 1
        and "Sở Ngoại vụ" in session.exec(select(Task).where(Task.ref == report.added[0])).one().text
    )
    session.refresh(doomed)
    assert doomed.withdrawn and count(session, Task) == tasks_before + 1
    assert count(session, Submission) == 1
    assert session.get(Checkpoint, cp.id).state == "waived"
    new_cp = session.exec(select(Checkpoint).join(Task).where(Task.ref == report.added[0])).one()
    assert new_cp.due_date == date(2023, 6, 30)


def test_unknown_lead_is_kept_under_its_written_name(session, registry):
    text = SEED.read_text(encoding="utf-8").replace("- Sở Nội vụ: (1)", "- Sở Khoa học và Công nghệ X: (1)")
    do_import(session, text, registry)
    kept = session.exec(select(Agency).where(Agency.registered.is_(False))).all()
    assert any("Khoa học và Công nghệ X" in a.name for a in kept)


def test_registry_sync_adopts_an_agency_made_by_hand_under_the_same_name(session, seed_text, registry):
    hand_made = add_agency(session, "Sở Y tế", code="syt-tu-tao")
    session.commit()
    do_import(session, seed_text, registry)
    session.refresh(hand_made)
    assert hand_made.code == "so-y-te"
    assert session.exec(select(func.count()).select_from(Agency).where(Agency.name == "Sở Y tế")).one() == 1


def test_a_work_item_written_in_several_places_is_one_task(session, registry):
    from tests.workflows.plans.test_linking import TEXT

    do_import(session, TEXT, registry)
    refs = sorted(session.exec(select(Task.ref)).all())
    assert refs == ["I.1.a", "I.1.b", "I.2.b", "II"]
    carrier = session.exec(select(Task).where(Task.ref == "I.1.a")).one()
    partners = session.exec(
        select(Agency.name)
        .join(TaskSupport, TaskSupport.agency_id == Agency.id)
        .where(TaskSupport.task_id == carrier.id)
    ).all()
    assert sorted(partners) == ["Sở Tài chính", "Sở Xây dựng"]


STARTING = (
    "ỦY BAN NHÂN DÂN\nTỈNH HƯNG YÊN\nSố: 7/KH-UBND\nHưng Yên, ngày 4 tháng 3 năm 2026\nKẾ HOẠCH\nTHỬ\n"
    "I. NHIỆM VỤ\n1. Sở Y tế tổ chức kiểm tra liên ngành các cơ sở khám bệnh từ ngày 01/7/2026.\n"
    "2. Sở Tư pháp thường xuyên tổ chức tập huấn pháp luật cho cán bộ cơ sở.\n"
)


def first_checkpoint(session, task: Task) -> Checkpoint:
    return session.exec(
        select(Checkpoint).where(Checkpoint.task_id == task.id).order_by(Checkpoint.due_date)
    ).first()


def test_a_duty_starting_later_opens_its_first_period_on_its_start(session, registry):
    do_import(session, STARTING, registry)
    later, now = session.exec(select(Task).order_by(Task.ref)).all()
    assert (later.starts_on, now.starts_on) == (date(2026, 7, 1), None)
    assert first_checkpoint(session, later).opens_on == date(2026, 7, 1)
    assert first_checkpoint(session, later).due_date == date(2026, 9, 30)
    assert first_checkpoint(session, now).opens_on == date(2026, 3, 4)  # the plan's date of issue
    # the revised text moves the start: the untouched first period opens then, a new version
    seen = first_checkpoint(session, later).version
    report = do_import(session, STARTING.replace("01/7/2026", "01/8/2026"), registry)
    session.refresh(later)
    cp = first_checkpoint(session, later)
    assert report.changed == [later.ref] and later.starts_on == date(2026, 8, 1)
    assert (cp.opens_on, cp.due_date, cp.version) == (date(2026, 8, 1), date(2026, 9, 30), seen + 1)
