"""Demo data: the Sơn La registry, the seed plan, one account per role and a short history of work.

Placed for `--today 2023-07-01` (mid-year, two weeks after the 6-month report was due):
- Sở Y tế's focal point (`yte`) finds the 6-month methadone evaluation overdue at the top of the
  inbox, one report returned for rework (with an extension, so not yet late again), one report
  awaiting review and one extension request awaiting a decision;
- the secretariat (`thuongtruc`) finds a review queue, pending extension requests, escalations
  and an agency × area matrix in every colour: agencies with demo accounts and a few others have
  reported (on time, late, or not at all), the rest have not.
Every change goes through the real rules (submit, accept, return, extension), so the audit trail,
versions and notices are what production would hold. Idempotent: users are created when absent,
the plan import is a no-op on the same text, and the history is written only into a database
that has no submission yet.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import Session, select

from models import Agency, Checkpoint, Indicator, Submission, Task, User
from models.user import Role, UserCreate
from workflows.agencies.registry import load_registry
from workflows.checkpoints.evidence import EvidenceStore
from workflows.checkpoints.extensions import decide_extension, request_extension
from workflows.checkpoints.review import accept_submission, return_submission
from workflows.checkpoints.submissions import submit_report
from workflows.escalation.sweep import escalate_overdue
from workflows.followup.explanations import answer_explanation, ask_explanation, overdue_items
from workflows.indicators.owners import set_indicator_owner
from workflows.indicators.values import ValueInput, accept_value, report_value
from workflows.kernel.actors import SYSTEM, Actor
from workflows.people.users import create_user
from workflows.plans.documents import read_plan_file
from workflows.plans.importing import import_plan
from workflows.plans.parser import parse_plan

SEED_PLAN = Path(__file__).resolve().parent.parent / "seed_plans" / "sonla_23_kh_ubnd_2023.txt"
DEMO_PASSWORD = "demo12345"
DEMO_TODAY = date(2023, 7, 1)
SYT, STP, CAT, LDTBXH = "so-y-te", "so-tu-phap", "cong-an-tinh", "so-lao-dong-tbxh"

# (username, full name, role, agency code)
ACCOUNTS = (
    ("yte", "Nguyễn Thị Hoa", Role.focal, SYT),
    ("tuphap", "Lò Văn Minh", Role.focal, STP),
    ("congan", "Trần Đức Thắng", Role.focal, CAT),
    ("thutruong.yte", "Hoàng Văn Bình", Role.head, SYT),
    ("thuongtruc", "Phạm Thu Trang", Role.secretariat, None),
    ("lanhdao", "Cầm Ngọc Minh", Role.leader, None),
    ("quantri", "Quản trị hệ thống", Role.admin, None),
    # focal points of the other agencies whose reports fill the dashboard
    ("laodong", "Đinh Thị Lan", Role.focal, LDTBXH),
    ("giaoduc", "Vũ Minh Tuấn", Role.focal, "so-giao-duc-dao-tao"),
    ("vanhoa", "Quàng Thị Mai", Role.focal, "so-van-hoa-the-thao-du-lich"),
    ("bienphong", "Lê Quang Hải", Role.focal, "bo-chi-huy-bdbp"),
    ("taichinh", "Bùi Thị Ngọc", Role.focal, "so-tai-chinh"),
)
# How diligent each agency was before 2023-07-01: share of its due reports made (on time, late)
# as whole checkpoints, decided deterministically by position so the matrix shows every colour.
PROFILES = {
    CAT: (0.85, 0.0),
    STP: (0.6, 0.3),
    LDTBXH: (0.4, 0.2),
    "so-giao-duc-dao-tao": (0.9, 0.1),
    "so-van-hoa-the-thao-du-lich": (0.5, 0.0),
    "bo-chi-huy-bdbp": (0.8, 0.2),
    "so-tai-chinh": (0.3, 0.3),
}
NOTES = {
    "plan": "Đơn vị đã ban hành kế hoạch phòng, chống và kiểm soát ma túy năm 2023 của đơn vị.",
    "report": "Báo cáo kết quả thực hiện nhiệm vụ trong kỳ; số liệu chi tiết tại tệp đính kèm.",
}


@dataclass
class DemoSummary:
    plan_id: int
    users_created: list[str] = field(default_factory=list)
    history_written: bool = False
    submissions: int = 0


def demo_pdf(title: str) -> bytes:
    """A small, valid one-page PDF (ASCII text in Helvetica) to stand in for a scanned report."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def ensure_plan(session: Session) -> int:
    """Import the registry and the seed plan (a no-op when the same text is already stored)."""
    text = read_plan_file(SEED_PLAN)
    registry = load_registry()
    parsed = parse_plan(text, registry)
    return import_plan(session, SYSTEM, parsed, text, registry, parsed.plan.issued_on).plan_id


def ensure_users(session: Session) -> list[str]:
    """Create the demo accounts that do not exist yet; returns the usernames created."""
    codes = {a.code: a.id for a in session.exec(select(Agency)).all()}
    existing = set(session.exec(select(User.username)).all())
    created = []
    for username, full_name, role, code in ACCOUNTS:
        if username in existing:
            continue
        create_user(
            session,
            SYSTEM,
            UserCreate(
                username=username,
                full_name=full_name,
                role=role,
                agency_id=codes[code] if code else None,
                email=f"{username}@demo.sonla.example",
                password=DEMO_PASSWORD,
            ),
        )
        created.append(username)
    return created


class _Story:
    """Writes the demo history through the real rules, with the dates the events happened."""

    def __init__(self, session: Session, store: EvidenceStore, plan_id: int):
        self.s, self.store, self.plan_id = session, store, plan_id
        users = {u.username: u for u in session.exec(select(User)).all()}
        self.secretariat = Actor.of(users["thuongtruc"])
        self.focal = {u.agency_id: Actor.of(u) for u in users.values() if u.role == Role.focal}
        self.agencies = {a.code: a for a in session.exec(select(Agency)).all()}
        self.count = 0

    def focal_of(self, agency_id: int) -> Actor:
        return self.focal[agency_id]

    def checkpoints(self, code: str, due_on_or_before: date) -> list[tuple[Checkpoint, Task]]:
        stmt = (
            select(Checkpoint, Task)
            .join(Task, Task.id == Checkpoint.task_id)
            .where(
                Task.plan_id == self.plan_id,
                Checkpoint.agency_id == self.agencies[code].id,
                Checkpoint.due_date <= due_on_or_before,
            )
            .order_by(Checkpoint.due_date, Task.position, Checkpoint.id)
        )
        return list(self.s.exec(stmt).all())

    def submit(self, cp: Checkpoint, task: Task, on: date, note: str | None = None) -> Submission:
        actor = self.focal_of(cp.agency_id)
        note = note or (NOTES["plan"] if task.schedule_kind == "once" else NOTES["report"])
        pdf = demo_pdf(f"Bao cao {task.ref} - {cp.period_label} - ngay {on:%d/%m/%Y}")
        sub = submit_report(self.s, actor, cp.id, note, [(f"bao-cao-{cp.id}.pdf", pdf)], [], on, self.store)
        self.count += 1
        return sub

    def accept(self, sub: Submission, on: date) -> None:
        accept_submission(self.s, self.secretariat, sub.id, on)

    def done(self, cp: Checkpoint, task: Task, late_days: int = 0) -> None:
        """Reported and accepted: on time a few days before the due date, or `late_days` after it."""
        sent = cp.due_date + timedelta(days=late_days) if late_days else cp.due_date - timedelta(days=3)
        self.accept(self.submit(cp, task, sent), sent + timedelta(days=4))


def _profile(story: _Story, code: str, on_time: float, late: float) -> None:
    rows = story.checkpoints(code, DEMO_TODAY - timedelta(days=1))
    n = len(rows)
    for i, (cp, task) in enumerate(rows):
        if i < round(n * on_time):
            story.done(cp, task)
        elif i < round(n * (on_time + late)):
            story.done(cp, task, late_days=9)


def _health_department(story: _Story) -> None:
    """Sở Y tế: early work accepted; the 6-month round overdue, returned, awaiting review, extension asked."""
    syt = story.agencies[SYT].id
    six_months = date(2023, 6, 14)
    for cp, task in story.checkpoints(SYT, date(2023, 3, 31)):
        story.done(cp, task, late_days=6 if task.ref.startswith("II.3") else 0)
    rounds = {
        task.ref: (cp, task) for cp, task in story.checkpoints(SYT, six_months) if cp.due_date == six_months
    }
    returned = next((r for ref, r in rounds.items() if ref.startswith("II.4") and ref.endswith(".1")), None)
    waiting = next((r for ref, r in rounds.items() if ref.startswith("II.4") and ref.endswith(".2")), None)
    asking = next((r for ref, r in rounds.items() if ref.startswith("II.4") and ref.endswith(".3")), None)
    if returned:
        cp, task = returned
        sub = story.submit(
            cp,
            task,
            date(2023, 6, 12),
            "Báo cáo kết quả phối hợp xác định tình trạng nghiện 6 tháng đầu năm 2023.",
        )
        return_submission(
            story.s,
            story.secretariat,
            sub.id,
            "Báo cáo chưa có số liệu số người được xác định "
            "tình trạng nghiện theo từng huyện; đề nghị bổ sung bảng số liệu.",
            date(2023, 6, 19),
        )
        ext = request_extension(
            story.s,
            story.focal_of(syt),
            cp.id,
            date(2023, 7, 10),
            "Cần thêm thời gian tổng hợp số liệu từ 12 huyện, thành phố.",
            date(2023, 6, 20),
        )
        decide_extension(
            story.s, story.secretariat, ext.id, True, "Đồng ý gia hạn đến 10/7/2023.", date(2023, 6, 21)
        )
    if waiting:
        cp, task = waiting
        story.submit(
            cp,
            task,
            date(2023, 6, 13),
            "Báo cáo rà soát cơ sở vật chất, nhân lực xác định tình trạng nghiện tại 204 trạm y tế xã.",
        )
    if asking:
        cp, _task = asking
        request_extension(
            story.s,
            story.focal_of(syt),
            cp.id,
            date(2023, 7, 20),
            "Chờ số liệu điều trị Methadone quý II từ các cơ sở điều trị.",
            date(2023, 6, 28),
        )


# Indicator owners (set in the plan review) and contributors: (ref suffix, owner, contributors)
INDICATOR_OWNERS = (
    ("b1.1", CAT, ()),
    ("b1.2", CAT, ("bo-chi-huy-bdbp",)),
    ("b2.1", STP, ("so-giao-duc-dao-tao", "so-van-hoa-the-thao-du-lich")),
    ("b2.2", CAT, ()),
    ("b3.1", CAT, ("bo-chi-huy-bdbp",)),
    ("b4.1", CAT, (SYT,)),
    ("b5.1", SYT, (LDTBXH, CAT)),
    ("b6.1", CAT, ()),
    ("b7.1", "so-giao-duc-dao-tao", ()),
    ("b8.1", CAT, ()),
    ("b8.2", CAT, ()),
    ("b9.1", CAT, ()),
    ("b9.2", CAT, ()),
    ("b9.3", CAT, ()),
)
# Quarter I values reported in April and accepted: (ref suffix, value as typed)
INDICATOR_VALUES_Q1 = (("b1.2", "100"), ("b2.2", "96"), ("b4.1", "70"), ("b5.1", "60"), ("b8.2", "3"))


def _indicators(story: _Story) -> None:
    """Owners and contributors set in review; Công an tỉnh and Sở Y tế report quarter I figures."""
    refs = {
        i.ref.rsplit("-", 1)[-1]: i
        for i in story.s.exec(select(Indicator).where(Indicator.plan_id == story.plan_id))
    }
    for suffix, owner, contributors in INDICATOR_OWNERS:
        if suffix in refs:
            ids = [story.agencies[c].id for c in contributors]
            set_indicator_owner(story.s, story.secretariat, refs[suffix].id, story.agencies[owner].id, ids)
    for suffix, value in INDICATOR_VALUES_Q1:
        indicator = refs.get(suffix)
        if indicator is None:
            continue
        actor = story.focal_of(indicator.owner_agency_id)
        note = "Số liệu tổng hợp quý I/2023 từ các huyện, thành phố."
        row = report_value(story.s, actor, indicator.id, ValueInput(2023, 1, value, note), date(2023, 4, 10))
        accept_value(story.s, story.secretariat, row.id, date(2023, 4, 14))


def _explanation(story: _Story) -> None:
    """The leader asked Sở Tư pháp to explain its two oldest overdue items; the answer awaits a decision."""
    leader = Actor.of(story.s.exec(select(User).where(User.username == "lanhdao")).one())
    stp = story.agencies[STP].id
    asked_on = date(2023, 6, 20)
    items = overdue_items(story.s, stp, asked_on, [])[:2]
    message = "Đề nghị Sở Tư pháp giải trình lý do chậm thực hiện các nhiệm vụ dưới đây."
    req = ask_explanation(story.s, leader, stp, items, date(2023, 6, 27), message, asked_on)
    reason = "Sở đang kiện toàn cán bộ đầu mối; kế hoạch của đơn vị đã trình Giám đốc Sở ký ban hành."
    answer_explanation(story.s, story.focal_of(stp), req.id, reason, date(2023, 7, 15), "", date(2023, 6, 26))


def write_history(session: Session, store: EvidenceStore, plan_id: int) -> int:
    """The demo's reports, reviews and extensions; returns the number of reports submitted."""
    story = _Story(session, store, plan_id)
    _health_department(story)
    for code, (on_time, late) in PROFILES.items():
        _profile(story, code, on_time, late)
    _indicators(story)
    _explanation(story)
    # Công an tỉnh also sent its 6-month report yesterday: the review queue has two agencies
    for cp, task in story.checkpoints(CAT, DEMO_TODAY)[-1:]:
        if cp.state == "open":
            story.submit(cp, task, date(2023, 6, 30))
    return story.count


def seed_demo(session: Session, store: EvidenceStore, today: date = DEMO_TODAY) -> DemoSummary:
    """Build (or complete) the demo database; flushes, the caller commits."""
    summary = DemoSummary(plan_id=ensure_plan(session))
    summary.users_created = ensure_users(session)
    if session.exec(select(Submission.id)).first() is None:
        summary.submissions = write_history(session, store, summary.plan_id)
        summary.history_written = True
    escalate_overdue(session, today)
    return summary
