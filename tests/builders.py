"""Small builders for test data; each adds rows and flushes, the test decides when to commit."""

from datetime import date

from sqlmodel import Session, select

from models import Agency, Checkpoint, Indicator, Plan, PlanDraft, Section, Task, TaskSupport, User
from models.search import reindex_tasks
from workflows.checkpoints import summary
from workflows.people.passwords import hash_password
from workflows.plans.schedules import checkpoints_for

PASSWORD = "matkhau-demo-123"
_HASH = hash_password(PASSWORD)  # argon2 is slow on purpose: hash once per test run


def add_agency(
    session: Session, name: str, code: str | None = None, kind: str = "department", **fields
) -> Agency:
    code = code or name.lower().replace(" ", "-")
    agency = Agency(
        code=code,
        name=name,
        kind=kind,
        head_email=f"head@{code}.test",
        focal_email=f"focal@{code}.test",
        **fields,
    )
    session.add(agency)
    session.flush()
    return agency


def add_user(
    session: Session, username: str, role: str, agency: Agency | None = None, email: str | None = None
) -> User:
    user = User(
        username=username,
        full_name=username,
        role=role,
        password_hash=_HASH,
        agency_id=agency.id if agency else None,
        email=email or f"{username}@users.test",
    )
    session.add(user)
    session.flush()
    return user


def add_plan(session: Session, number: str = "1/KH-TEST", issued_on: date = date(2023, 1, 30)) -> Plan:
    plan = session.exec(select(Plan).where(Plan.number == number)).first()
    if plan:
        return plan
    plan = Plan(
        number=number,
        issuer="UBND tỉnh Thử",
        issued_on=issued_on,
        title="Kế hoạch thử",
        source_sha256="0" * 64,
        source_text="",
    )
    session.add(plan)
    session.flush()
    session.add(Section(plan_id=plan.id, ref="II.1", title="Nhiệm vụ"))
    session.flush()
    return plan


def add_draft(session: Session, text: str = "KẾ HOẠCH thử\nII.1. Sở Y tế tổ chức thực hiện.\n") -> PlanDraft:
    """A draft with one parsed task (Sở Y tế, continuous), as an import would store it."""
    start = text.index("Sở Y tế")
    parsed = {
        "plan": {
            "number": "9/KH-TEST",
            "issuer": "UBND tỉnh Sơn La",
            "issued_on": "2023-01-30",
            "title": "Thử",
        },
        "sections": [{"ref": "II.1", "title": "Nhiệm vụ"}],
        "tasks": [
            {
                "ref": "II.1",
                "section": "II.1",
                "title": "Tổ chức thực hiện",
                "text": text[start:].strip(),
                "span": [start, len(text.rstrip())],
                "lead": "Sở Y tế",
                "supporting": [],
                "schedule": {"kind": "continuous", "due_dates": ["2023-06-14", "2023-12-14"], "phrase": ""},
            }
        ],
        "indicators": [],
        "unresolved": [],
    }
    draft = PlanDraft(
        plan_key="9/KH-TEST|UBND tỉnh Sơn La|2023-01-30",
        number="9/KH-TEST",
        issuer="UBND tỉnh Sơn La",
        issued_on=date(2023, 1, 30),
        title="Thử",
        source_sha256="0" * 64,
        source_text=text,
        parsed=parsed,
    )
    session.add(draft)
    session.flush()
    return draft


def add_task(
    session: Session,
    lead: Agency,
    due_dates: list[date],
    supporting: tuple[Agency, ...] = (),
    ref: str | None = None,
    text: str = "Tổ chức thực hiện nhiệm vụ thử.",
    schedule_kind: str = "once",
    plan: Plan | None = None,
) -> Task:
    plan = plan or add_plan(session)
    section = session.exec(select(Section).where(Section.plan_id == plan.id)).first()
    n = len(session.exec(select(Task.id).where(Task.plan_id == plan.id)).all()) + 1
    task = Task(
        plan_id=plan.id,
        section_id=section.id,
        ref=ref or f"II.1-{n}",
        title=text[:60],
        text=text,
        span_start=0,
        span_end=len(text),
        schedule_kind=schedule_kind,
        lead_agency_id=lead.id,
        due_dates=[d.isoformat() for d in due_dates],
        position=n,
    )
    session.add(task)
    session.flush()
    for agency in supporting:
        session.add(TaskSupport(task_id=task.id, agency_id=agency.id))
    session.add_all(checkpoints_for(task.id, lead.id, due_dates, schedule_kind, plan.issued_on))
    summary.counted_in(session, Checkpoint.task_id == task.id)
    reindex_tasks(session, Task.id == task.id)
    return task


def changed(session: Session, cp: Checkpoint, **values) -> Checkpoint:
    """Set a checkpoint's columns directly (a state no rule reaches in one step), keeping the summary."""
    with summary.changing(session, Checkpoint.id == cp.id):
        for name, value in values.items():
            setattr(cp, name, value)
    return cp


def checkpoints_of(session: Session, task: Task) -> list[Checkpoint]:
    return list(
        session.exec(
            select(Checkpoint).where(Checkpoint.task_id == task.id).order_by(Checkpoint.due_date)
        ).all()
    )


def add_indicator(
    session: Session,
    plan: Plan,
    target: str = "12",
    unit: str = "xã",
    owner: Agency | None = None,
    due_date: date | None = date(2023, 12, 31),
    ref: str | None = None,
    text: str = "Chuyển hóa tối thiểu 12 xã trọng điểm về ma túy.",
) -> Indicator:
    n = len(session.exec(select(Indicator.id).where(Indicator.plan_id == plan.id)).all()) + 1
    indicator = Indicator(
        plan_id=plan.id,
        ref=ref or f"I.2-b{n}.1",
        text=text,
        target=target,
        unit=unit,
        due_date=due_date,
        owner_agency_id=owner.id if owner else None,
    )
    session.add(indicator)
    session.flush()
    return indicator
