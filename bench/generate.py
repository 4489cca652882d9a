"""Deterministic synthetic national data: provinces, agencies, plans, checkpoints and their history.

    python bench/generate.py --scale 0.1 --db postgresql+psycopg://postgres@127.0.0.1:5432/plantrack_bench

Scale 1 ≈ 34 provinces, ~20,000 agencies, ~1,000,000 checkpoints over 2023–2025, ~100,000
evidence rows and ~50,000 users; 0.001 is one small province. Rows go through the project's own
tables (SQLAlchemy Core bulk inserts of `models.*.__table__`), ids assigned here so one pass needs
no RETURNING. The shape follows Kế hoạch 23/KH-UBND: per province and year, two plans whose
areas (II.1 …) carry department-led duties and duties of commune groups (one task per member),
and a reporting duty (III.1) for every agency every quarter. Outcomes on `TODAY` mix done on
time, done late, overdue, returned and submitted; past rungs of the escalation ladder are in
the escalation table and the outbox as if the daily sweep had run until yesterday.
"""

import argparse
import hashlib
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/generate.py` from anywhere
    sys.path.insert(0, str(ROOT))

from models import (  # noqa: E402
    Agency,
    AgencyGroup,
    AgencyGroupMember,
    Checkpoint,
    Escalation,
    Evidence,
    ExtensionRequest,
    OutboxMessage,
    Plan,
    Review,
    Section,
    Submission,
    Task,
    TaskSupport,
    User,
)
from models.db import create_schema, make_engine  # noqa: E402
from models.search import reindex_tasks  # noqa: E402
from models.user import username_key  # noqa: E402
from workflows.checkpoints import summary  # noqa: E402
from workflows.escalation.ladder import DEFAULT_LADDER  # noqa: E402
from workflows.people.passwords import hash_password  # noqa: E402
from workflows.plans.schedules import period_label  # noqa: E402

TODAY = date(2025, 11, 20)  # the benchmark's "today": late in the third plan year
YEARS = (2023, 2024, 2025)
PROBE_DAY = date(2026, 6, 1)  # beyond every generated due date: its windows hold only probe items
PASSWORD = "matkhau-bench-123"
SEED_PLAN = ROOT / "seed_plans" / "sonla_23_kh_ubnd_2023.txt"

# Insertion order: parents before children (foreign keys are checked on SQLite too).
TABLES = [
    t.__table__
    for t in (
        Agency,
        AgencyGroup,
        AgencyGroupMember,
        User,
        Plan,
        Section,
        Task,
        TaskSupport,
        Checkpoint,
        ExtensionRequest,
        Submission,
        Review,
        Evidence,
        Escalation,
        OutboxMessage,
    )
]

PROVINCES = [
    "Hà Nội",
    "Huế",
    "Lai Châu",
    "Điện Biên",
    "Sơn La",
    "Lạng Sơn",
    "Quảng Ninh",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Cao Bằng",
    "Tuyên Quang",
    "Lào Cai",
    "Thái Nguyên",
    "Phú Thọ",
    "Bắc Ninh",
    "Hưng Yên",
    "Hải Phòng",
    "Ninh Bình",
    "Quảng Trị",
    "Đà Nẵng",
    "Quảng Ngãi",
    "Gia Lai",
    "Khánh Hòa",
    "Lâm Đồng",
    "Đắk Lắk",
    "Hồ Chí Minh",
    "Đồng Nai",
    "Tây Ninh",
    "Cần Thơ",
    "Vĩnh Long",
    "Đồng Tháp",
    "Cà Mau",
    "An Giang",
]
DEPARTMENTS = [  # (slug, name, kind) — the ~20 sở, ban, ngành of a province
    ("snv", "Sở Nội vụ", "department"),
    ("stp", "Sở Tư pháp", "department"),
    ("stc", "Sở Tài chính", "department"),
    ("sct", "Sở Công Thương", "department"),
    ("snnmt", "Sở Nông nghiệp và Môi trường", "department"),
    ("sxd", "Sở Xây dựng", "department"),
    ("sgddt", "Sở Giáo dục và Đào tạo", "department"),
    ("syt", "Sở Y tế", "department"),
    ("svhttdl", "Sở Văn hóa, Thể thao và Du lịch", "department"),
    ("skhcn", "Sở Khoa học và Công nghệ", "department"),
    ("sdttg", "Sở Dân tộc và Tôn giáo", "department"),
    ("sngv", "Sở Ngoại vụ", "department"),
    ("ttr", "Thanh tra tỉnh", "department"),
    ("vpubnd", "Văn phòng UBND tỉnh", "department"),
    ("bchqs", "Bộ Chỉ huy Quân sự tỉnh", "military"),
    ("bdbp", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "military"),
    ("tand", "Tòa án nhân dân tỉnh", "court"),
    ("vksnd", "Viện Kiểm sát nhân dân tỉnh", "procuracy"),
    ("bptth", "Báo và Phát thanh, Truyền hình tỉnh", "media"),
    ("nhcsxh", "Chi nhánh Ngân hàng Chính sách xã hội tỉnh", "bank"),
]
MASS_ORGS = [
    ("mttq", "Ủy ban MTTQ Việt Nam tỉnh"),
    ("tdoan", "Tỉnh đoàn"),
    ("hlhpn", "Hội Liên hiệp Phụ nữ tỉnh"),
    ("hnd", "Hội Nông dân tỉnh"),
    ("hccb", "Hội Cựu chiến binh tỉnh"),
    ("ldld", "Liên đoàn Lao động tỉnh"),
]
COMMUNE_UNITS = [  # (slug, name template, kind, supporting department slug)
    ("ubnd", "UBND xã {c}", "district", "snv"),
    ("ca", "Công an xã {c}", "police", "catinh"),
    ("tyt", "Trạm Y tế xã {c}", "health", "syt"),
    ("thcs", "Trường THCS xã {c}", "school", "sgddt"),
    ("dtn", "Đoàn Thanh niên xã {c}", "mass_org", "tdoan"),
]
COMMUNE_SYLLABLES = [
    "Chiềng",
    "Mường",
    "Tân",
    "Phú",
    "An",
    "Hòa",
    "Bình",
    "Thuận",
    "Long",
    "Yên",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Quang",
    "Minh",
    "Thạch",
    "Lạc",
    "Vĩnh",
    "Hưng",
    "Sơn",
    "Thanh",
    "Kim",
    "Ngọc",
]
PLAN_KINDS = [
    (
        "KẾ HOẠCH THỰC HIỆN CÔNG TÁC PHÒNG, CHỐNG VÀ KIỂM SOÁT MA TÚY NĂM {y}",
        [
            "Công tác lãnh đạo, chỉ đạo",
            "Công tác tuyên truyền, giáo dục phòng, chống ma túy",
            "Phòng ngừa tệ nạn ma túy trong cộng đồng",
            "Cai nghiện và quản lý sau cai nghiện",
            "Đấu tranh, trấn áp tội phạm ma túy",
            "Xóa bỏ cây có chứa chất ma túy",
            "Hợp tác quốc tế, phối hợp tuần tra biên giới",
            "Xây dựng xã, phường không ma túy",
        ],
    ),
    (
        "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH VÀ CHUYỂN ĐỔI SỐ NĂM {y}",
        [
            "Cải cách thể chế",
            "Cải cách thủ tục hành chính",
            "Cải cách tổ chức bộ máy",
            "Cải cách chế độ công vụ",
            "Cải cách tài chính công",
            "Xây dựng chính quyền số",
            "Kiểm tra, giám sát việc thực hiện",
            "Thông tin, tuyên truyền về cải cách hành chính",
        ],
    ),
]
VERBS = [
    "Tổ chức",
    "Triển khai",
    "Rà soát",
    "Kiểm tra",
    "Tuyên truyền",
    "Tổng hợp, báo cáo",
    "Xây dựng",
    "Hướng dẫn",
    "Đôn đốc",
    "Phối hợp",
]
OBJECTS = [
    "kế hoạch thực hiện nhiệm vụ được giao",
    "các mô hình điểm tại cơ sở",
    "văn bản quy phạm pháp luật",
    "hồ sơ, thủ tục trên Cổng dịch vụ công",
    "danh sách đối tượng cần quản lý",
    "lớp tập huấn cho cán bộ",
    "số liệu thống kê định kỳ",
    "đợt cao điểm ra quân",
    "chương trình phối hợp liên ngành",
    "kinh phí thực hiện theo dự toán",
]


@dataclass(frozen=True)
class Shape:
    """How many of each thing one scale means."""

    scale: float
    provinces: int
    departments: int
    mass_orgs: int
    communes: int  # per province; each has len(COMMUNE_UNITS) agencies
    evidence_share: float  # chance that a submission carries an evidence row

    @property
    def agencies_per_province(self) -> int:
        return 2 + self.departments + self.mass_orgs + self.communes * len(COMMUNE_UNITS)


def shape_for(scale: float) -> Shape:
    """Scale 1: 34 provinces of ~590 agencies; below 0.1 fewer provinces, each still complete."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    provinces = min(len(PROVINCES), max(1, round(340 * scale)))
    per_province = max(14, round(20000 * scale / provinces))
    rest = per_province - 2
    departments = min(len(DEPARTMENTS), max(3, rest // 2))
    mass_orgs = min(len(MASS_ORGS), max(1, (rest - departments) // 4))
    communes = max(1, round((rest - departments - mass_orgs) / len(COMMUNE_UNITS)))
    return Shape(scale, provinces, departments, mass_orgs, communes, evidence_share=0.113)


class Writer:
    """Buffers rows per table; flushes every table, parents first, when one buffer is full."""

    def __init__(self, conn: Connection, batch: int):
        self.conn, self.batch = conn, batch
        self.buffers: dict = {t: [] for t in TABLES}
        self.counts: Counter[str] = Counter()
        self.next_id: dict = {}
        for t in TABLES:
            if "id" in t.c:
                self.next_id[t] = (conn.execute(select(func.max(t.c.id))).scalar() or 0) + 1

    def new_id(self, table) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def add(self, model, **row) -> int | None:
        table = model.__table__
        if "id" in table.c and "id" not in row:
            row["id"] = self.new_id(table)
        buf = self.buffers[table]
        buf.append(row)
        if len(buf) >= self.batch:
            self.flush()
        return row.get("id")

    def flush(self) -> None:
        for table in TABLES:
            rows = self.buffers[table]
            if rows:
                self.conn.execute(table.insert(), rows)
                self.counts[table.name] += len(rows)
                rows.clear()


def _at(day: date, hour: int = 2) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _reporting_dates(year: int) -> tuple[date, ...]:
    # "báo cáo quý I trước ngày 15/3, 6 tháng trước 15/6, quý III trước 15/9, năm trước 15/12"
    return tuple(date(year, m, 14) for m in (3, 6, 9, 12))


def _schedule(rng: random.Random, year: int, mix: tuple[float, float, float]) -> tuple[str, list[date], str]:
    """(kind, due dates, phrase): once / 6-monthly / quarterly / continuous by the mix given."""
    r = rng.random()
    once, six, quarterly = mix
    if r < once:
        if rng.random() < 0.5:
            q = rng.randint(1, 4)
            end = date(year, 3 * q, 31 if q in (1, 4) else 30)
            return "once", [end], f"xong trong quý {('I', 'II', 'III', 'IV')[q - 1]}/{year}"
        due = date(year, 2, 1) + timedelta(days=rng.randint(0, 320))
        before = due + timedelta(days=1)
        return "once", [due], f"trước ngày {before:%d/%m/%Y}"
    if r < once + six:
        return "recurring", [date(year, 6, 14), date(year, 12, 14)], "Định kỳ 06 tháng, 01 năm"
    if r < once + six + quarterly:
        return "recurring", list(_reporting_dates(year)), "báo cáo hằng quý"
    return "continuous", list(_reporting_dates(year)), "Thường xuyên"


def _text(rng: random.Random, area: str, phrase: str) -> str:
    return (
        f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} thuộc lĩnh vực {area.lower()}; "
        f"báo cáo kết quả về Ban Chỉ đạo (qua Phòng Tham mưu, Công an tỉnh), {phrase}."
    )


class Province:
    """Generates one province: its agencies, users, plans and everything that hangs off them."""

    def __init__(self, w: Writer, shape: Shape, index: int, seed: int, pw_hash: str, source: str):
        self.w, self.shape, self.index = w, shape, index
        self.rng = random.Random(f"{seed}:{index}")
        self.name = PROVINCES[index]
        self.code = f"p{index + 1:02d}"
        self.pw_hash, self.source = pw_hash, source
        self.focal: dict[int, int] = {}  # agency id → a focal user id
        self.agency_codes: dict[int, str] = {}
        self.by_slug: dict[str, int] = {}
        self.departments: list[int] = []
        self.orgs: list[int] = []
        self.commune_units: dict[str, list[int]] = {slug: [] for slug, *_ in COMMUNE_UNITS}
        self.reviewers: list[int] = []

    def run(self) -> None:
        self._agencies()
        self._users()
        for year in YEARS:
            for kind in range(len(PLAN_KINDS)):
                self._plan(year, kind)

    def _agency(self, slug: str, name: str, kind: str, parent: int | None) -> int:
        code = f"{self.code}-{slug}"
        mail = f"{slug}.{self.code}.example"
        name = name.replace("tỉnh", f"tỉnh {self.name}") if "tỉnh" in name else f"{name} tỉnh {self.name}"
        aid = self.w.add(
            Agency,
            code=code,
            name=name,
            kind=kind,
            head_email=f"thutruong@{mail}",
            focal_email=f"daumoi@{mail}",
            aliases=[],
            parent_id=parent,
            active=True,
            successor_id=None,
            province=self.name,
            registered=True,
        )
        self.agency_codes[aid] = code
        self.by_slug[slug] = aid
        return aid

    def _agencies(self) -> None:
        s = self.shape
        ubnd = self._agency("ubnd", "UBND tỉnh", "government", None)
        self._agency("catinh", "Công an tỉnh", "police", ubnd)
        self.departments = [
            self._agency(slug, name, kind, ubnd) for slug, name, kind in DEPARTMENTS[: s.departments]
        ]
        self.orgs = [self._agency(slug, name, "mass_org", None) for slug, name in MASS_ORGS[: s.mass_orgs]]
        for c in range(s.communes):
            a, b = COMMUNE_SYLLABLES[c % 24], COMMUNE_SYLLABLES[(c // 24 + 7 * c) % 24]
            commune = f"{a} {b}" + (f" {c // 576 + 1}" if c >= 576 else "")
            parent = None
            for slug, template, kind, _ in COMMUNE_UNITS:
                aid = self._agency(f"x{c:03d}-{slug}", template.format(c=commune) + ", tỉnh", kind, parent)
                parent = parent or aid  # the commune's units belong to its UBND
                self.commune_units[slug].append(aid)
        groups = {
            f"Các sở, ban, ngành tỉnh {self.name}": self.departments,
            f"Các tổ chức chính trị - xã hội tỉnh {self.name}": self.orgs,
        }
        for slug, template, _, _ in COMMUNE_UNITS:
            groups[template.format(c="các xã").replace("xã các xã", "các xã") + f" tỉnh {self.name}"] = (
                self.commune_units[slug]
            )
        for name, members in groups.items():
            gid = self.w.add(AgencyGroup, name=name, aliases=[])
            for aid in members:
                self.w.add(AgencyGroupMember, group_id=gid, agency_id=aid)

    def _user(self, username: str, role: str, agency_id: int | None, name: str) -> int:
        return self.w.add(
            User,
            username=username,
            username_key=username_key(username),  # Core inserts skip the ORM hook that keeps it
            full_name=name,
            email=f"{username}@canbo.example",
            role=role,
            agency_id=agency_id,
            password_hash=self.pw_hash,
            active=True,
            created_at=_at(date(YEARS[0], 1, 2)),
        )

    def _users(self) -> None:
        for n, (aid, code) in enumerate(self.agency_codes.items()):
            self.focal[aid] = self._user(f"{code}.daumoi", "focal", aid, f"Cán bộ đầu mối {code}")
            self._user(f"{code}.thutruong", "head", aid, f"Thủ trưởng {code}")
            if n % 2 == 0:
                self._user(f"{code}.daumoi2", "focal", aid, f"Cán bộ đầu mối 2 {code}")
        police = self.by_slug["catinh"]
        self.reviewers = [
            self._user(f"{self.code}.thammuu{i}", "secretariat", police, f"Phòng Tham mưu {i}")
            for i in range(1, 4)
        ]
        self._user(f"{self.code}.lanhdao", "leader", None, f"Lãnh đạo UBND tỉnh {self.name}")

    def _plan(self, year: int, kind: int) -> None:
        w, rng = self.w, self.rng
        title, areas = PLAN_KINDS[kind]
        issued = date(year, 1, 30) + timedelta(days=11 * kind)
        source = self.source.replace("Sơn La", self.name).replace("2023", str(year))
        if kind:
            source = source.replace("PHÒNG, CHỐNG VÀ KIỂM SOÁT MA TÚY", "CẢI CÁCH HÀNH CHÍNH")
        plan_id = w.add(
            Plan,
            number=f"{23 + 40 * kind + year % 10}/KH-UBND",
            issuer=f"UBND tỉnh {self.name}",
            issued_on=issued,
            title=title.format(y=year),
            ladder=None,
            imported_at=_at(issued, 8),
            source_sha256=hashlib.sha256(source.encode()).hexdigest(),
            source_text=source,
        )
        sections = [("I", "MỤC TIÊU, YÊU CẦU"), ("II", "NHIỆM VỤ, GIẢI PHÁP")]
        sections += [(f"II.{a}", t) for a, t in enumerate(areas, 1)]
        sections += [("III", "TỔ CHỨC THỰC HIỆN"), ("III.1", "Chế độ thông tin, báo cáo")]
        sid = {
            ref: w.add(Section, plan_id=plan_id, ref=ref, title=t, position=i)
            for i, (ref, t) in enumerate(sections)
        }
        self.position, self.span = 0, 4000
        ctx = (plan_id, issued, _reporting_dates(year))
        others = self.departments + self.orgs
        for a, area in enumerate(areas, 1):
            for k in range(4):  # duties of departments, with 1–3 supporting agencies
                lead = self.departments[(a * 4 + k + year + kind) % len(self.departments)]
                support = rng.sample(
                    [x for x in others if x != lead], min(len(others) - 1, rng.randint(1, 3))
                )
                sk, dues, phrase = _schedule(rng, year, (0.40, 0.15, 0.20))
                self._task(
                    ctx,
                    sid[f"II.{a}"],
                    f"II.{a}.{k + 1}",
                    lead,
                    support,
                    sk,
                    dues,
                    _text(rng, area, phrase),
                    phrase,
                )
            slug, _, _, supporter = COMMUNE_UNITS[(a + kind) % len(COMMUNE_UNITS)]
            sk, dues, phrase = _schedule(rng, year, (0.25, 0.30, 0.45))  # one group duty, a task per member
            text_ = _text(rng, area, phrase)
            for n, unit in enumerate(self.commune_units[slug]):
                support = [self.by_slug[supporter]] if supporter in self.by_slug else []
                self._task(ctx, sid[f"II.{a}"], f"II.{a}.5#{n + 1}", unit, support, sk, dues, text_, phrase)
        phrase = (
            "báo cáo quý I trước ngày 15/3, 6 tháng trước ngày 15/6, quý III trước ngày 15/9, năm trước 15/12"
        )
        for aid, code in self.agency_codes.items():
            if aid == self.by_slug["ubnd"]:
                continue
            self._task(
                ctx,
                sid["III.1"],
                f"III.1#{code}",
                aid,
                [],
                "continuous",
                list(ctx[2]),
                f"Các sở, ban, ngành, đoàn thể, UBND các xã xây dựng kế hoạch, báo cáo kết quả; {phrase}.",
                phrase,
            )

    def _task(
        self,
        ctx,
        section_id: int,
        ref: str,
        lead: int,
        support: list[int],
        kind: str,
        dues: list[date],
        text_: str,
        phrase: str,
    ) -> None:
        plan_id, issued, reporting = ctx
        w = self.w
        self.position += 1
        start, self.span = self.span, self.span + len(text_)
        tid = w.add(
            Task,
            plan_id=plan_id,
            section_id=section_id,
            lead_agency_id=lead,
            ref=ref,
            title=text_[:80],
            text=text_,
            span_start=start,
            span_end=self.span,
            schedule_kind=kind,
            schedule_phrase=phrase,
            due_dates=[d.isoformat() for d in dues],
            withdrawn=False,
            position=self.position,
        )
        for aid in support:
            w.add(TaskSupport, task_id=tid, agency_id=aid)
        opens = issued
        for due in sorted(dues):
            self._checkpoint(tid, lead, min(opens, due), due, period_label(due, kind, reporting))
            opens = due + timedelta(days=1)

    def _checkpoint(self, task_id: int, agency_id: int, opens: date, original: date, label: str) -> None:
        """One checkpoint with its outcome on TODAY, submissions, reviews, evidence and fired rungs."""
        w, rng = self.w, self.rng
        cid = w.new_id(Checkpoint.__table__)
        focal, reviewer = self.focal[agency_id], rng.choice(self.reviewers)
        due = original
        extended = original < TODAY and rng.random() < 0.02  # an approved extension (gia hạn) of 30 days
        if extended:
            due = original + timedelta(days=30)
        state, rounds = self._outcome(opens, original, due)
        submitted_on = accepted_on = None
        if state == "accepted":
            submitted_on, accepted_on = rounds[-1][1], rounds[-1][2]
        elif state == "submitted":
            submitted_on = rounds[-1][1]
        w.add(
            Checkpoint,
            id=cid,
            task_id=task_id,
            agency_id=agency_id,
            state=state,
            opens_on=opens,
            due_date=due,
            original_due_date=original,
            period_label=label,
            submitted_on=submitted_on,
            accepted_on=accepted_on,
            version=1 + 2 * len(rounds),
            updated_at=_at(rounds[-1][1] if rounds else opens),
        )
        if extended:
            w.add(
                ExtensionRequest,
                checkpoint_id=cid,
                requested_by=focal,
                previous_due=original,
                requested_due=due,
                reason="Chờ số liệu tổng hợp từ cơ sở",
                status="approved",
                decided_by=reviewer,
                decision_note="Đồng ý gia hạn",
                requested_at=_at(original - timedelta(days=5)),
                decided_at=_at(original - timedelta(days=3)),
            )
        if state == "open" and due < TODAY and rng.random() < 0.01:  # asking for more time, not yet decided
            w.add(
                ExtensionRequest,
                checkpoint_id=cid,
                requested_by=focal,
                previous_due=due,
                requested_due=TODAY + timedelta(days=30),
                reason="Đề nghị gia hạn do thiếu kinh phí",
                status="pending",
                decided_by=None,
                decision_note="",
                requested_at=_at(TODAY - timedelta(days=2)),
                decided_at=None,
            )
        busy = []  # spans when the ball was with the secretariat: no rung fires then
        for n, (status, sent, decided) in enumerate(rounds, 1):
            sid = w.add(
                Submission,
                checkpoint_id=cid,
                agency_id=agency_id,
                author_id=focal,
                kind="report",
                status=status,
                note=f"Báo cáo kết quả thực hiện {label.lower()}",
                round=n,
                submitted_on=sent,
                submitted_at=_at(sent, 3),
            )
            if rng.random() < self.shape.evidence_share:
                digest = hashlib.sha256(f"{sid}".encode()).hexdigest()
                if rng.random() < 0.85:
                    w.add(
                        Evidence,
                        submission_id=sid,
                        kind="file",
                        sha256=digest,
                        size=rng.randint(20_000, 4_000_000),
                        content_type="application/pdf",
                        filename=f"bao-cao-{sid}.pdf",
                        url=None,
                        created_at=_at(sent, 3),
                        withdrawn_at=None,
                    )
                else:
                    w.add(
                        Evidence,
                        submission_id=sid,
                        kind="link",
                        sha256=None,
                        size=None,
                        content_type=None,
                        filename="",
                        url=f"https://congbao.example/van-ban/{sid}",
                        created_at=_at(sent, 3),
                        withdrawn_at=None,
                    )
            if decided is not None:
                accept = status == "accepted"
                w.add(
                    Review,
                    submission_id=sid,
                    reviewer_id=reviewer,
                    decision="accept" if accept else "return",
                    reason="" if accept else "Đề nghị bổ sung số liệu, tài liệu kiểm chứng",
                    reviewed_on=decided,
                    reviewed_at=_at(decided, 4),
                )
            busy.append((sent, decided if status == "returned" else date.max))
        if state == "waived":
            return
        for rung in DEFAULT_LADDER:  # the daily sweep ran until yesterday
            fired = due + timedelta(days=rung.offset_days)
            if fired >= TODAY or any(a <= fired < b for a, b in busy):
                continue
            w.add(
                Escalation,
                checkpoint_id=cid,
                rung=rung.rung,
                due_date=due,
                fired_on=fired,
                created_at=_at(fired, 1),
            )
            w.add(
                OutboxMessage,
                dedupe_key=f"escalation:{cid}:{rung.rung}:{due.isoformat()}",
                template=f"escalation_{rung.rung}",
                context={"checkpoint_id": cid, "rung": rung.rung},
                audience=rung.audience,
                agency_id=agency_id,
                recipients=[],
                subject=None,
                body_text=None,
                body_html=None,
                status="sent",
                attempts=1,
                next_attempt_at=_at(fired, 1),
                locked_until=None,
                last_error=None,
                created_at=_at(fired, 1),
                sent_at=_at(fired, 1),
            )

    def _outcome(self, opens: date, original: date, due: date) -> tuple[str, list[tuple]]:
        """State on TODAY and the submission rounds as (status, submitted on, decided on or None)."""
        rng = self.rng
        r = rng.random()
        if r < 0.01:
            return "waived", []
        r = rng.random()
        if due < TODAY:
            age = (TODAY - due).days
            p_open = 0.25 if age < 90 else 0.12 if age < 365 else 0.06
            p_submitted = 0.06 if age < 60 else 0.01
            if r < p_open:
                return "open", []
            if r < p_open + 0.03:
                sent = min(due + timedelta(days=rng.randint(-10, 20)), TODAY - timedelta(days=2))
                sent = max(sent, opens)
                return "returned", [("returned", sent, min(sent + timedelta(days=rng.randint(1, 5)), TODAY))]
            if r < p_open + 0.03 + p_submitted:
                sent = TODAY - timedelta(days=rng.randint(1, min(age, 30) + 1))
                return "submitted", [("pending", max(sent, opens), None)]
            late = rng.random() < 0.2
            sent = (
                due + timedelta(days=rng.randint(1, 45))
                if late
                else original - timedelta(days=rng.randint(0, 20))
            )
            sent = max(min(sent, TODAY - timedelta(days=1)), opens)
            decided = min(sent + timedelta(days=rng.randint(0, 7)), TODAY - timedelta(days=1))
            if rng.random() < 0.1 and sent - opens > timedelta(days=10):  # returned once before acceptance
                first = sent - timedelta(days=rng.randint(5, 10))
                return "accepted", [
                    ("returned", first, first + timedelta(days=2)),
                    ("accepted", sent, decided),
                ]
            return "accepted", [("accepted", sent, decided)]
        if opens <= TODAY and opens < due:
            sent = opens + timedelta(days=rng.randint(0, max(0, (TODAY - opens).days - 1)))
            if r < 0.03:
                return "accepted", [("accepted", sent, min(sent + timedelta(days=2), TODAY))]
            if r < 0.10:
                return "submitted", [("pending", sent, None)]
            if r < 0.12:
                return "returned", [("returned", sent, min(sent + timedelta(days=2), TODAY))]
        return "open", []


def add_probe(engine: Engine, items: int, day: date = PROBE_DAY, seed: int = 1) -> int:
    """A plan whose `items` open checkpoints all fall in the ladder's windows on `day` (none fired yet).

    Same rows whatever the database's size, so the sweep on `day` has the same due set at every scale.
    """
    rng = random.Random(f"probe:{seed}")
    with engine.begin() as conn:
        w = Writer(conn, 5000)
        agencies = conn.execute(select(Agency.id).order_by(Agency.id).limit(50)).scalars().all()
        issued = date(YEARS[0] - 1, 12, 1)  # the oldest plan: the desk opens on the newest real one
        plan_id = w.add(
            Plan,
            number="99/KH-UBND",
            issuer="UBND tỉnh (kiểm tra)",
            issued_on=issued,
            title="Kế hoạch kiểm tra đột xuất",
            ladder=None,
            imported_at=_at(issued),
            source_sha256="0" * 64,
            source_text="Kế hoạch kiểm tra đột xuất",
        )
        section = w.add(Section, plan_id=plan_id, ref="II.1", title="Kiểm tra", position=0)
        for n in range(items):
            due = (
                day - timedelta(days=59) + timedelta(days=n % 67)
            )  # (day − 60, day + 7]: every rung's window
            lead = agencies[n % len(agencies)]
            text_ = f"Kiểm tra đột xuất số {n + 1}; xong trước ngày {due + timedelta(days=1):%d/%m/%Y}."
            tid = w.add(
                Task,
                plan_id=plan_id,
                section_id=section,
                lead_agency_id=lead,
                ref=f"II.1.{n + 1}",
                title=text_,
                text=text_,
                span_start=0,
                span_end=len(text_),
                schedule_kind="once",
                schedule_phrase="",
                due_dates=[due.isoformat()],
                withdrawn=False,
                position=n,
            )
            w.add(
                Checkpoint,
                task_id=tid,
                agency_id=lead,
                state="open",
                opens_on=issued,
                due_date=due,
                original_due_date=due,
                period_label=f"Hạn {due:%d/%m/%Y}",
                submitted_on=None,
                accepted_on=None,
                version=1,
                updated_at=_at(issued),
            )
            rng.random()
        w.flush()
    _reset_sequences(engine)
    with Session(engine) as session:
        summary.counted_in(session, Task.plan_id == plan_id)
        reindex_tasks(session, Task.plan_id == plan_id)
        session.commit()
    return items


def _reset_sequences(engine: Engine) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the largest id."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for t in TABLES:
            if "id" in t.c:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), "
                        f'COALESCE((SELECT max(id) FROM "{t.name}"), 0) + 1, false)'
                    )
                )


def rebuild_summary(engine: Engine) -> dict[str, int]:
    """The maintained summary computed from the rows written here (the rules keep it up to date)."""
    with Session(engine) as session:
        sizes = summary.rebuild(session)
        summary.roll_forward(session, TODAY)  # as the daily job leaves it: the figures of today and tomorrow
        session.commit()
    return sizes


def rebuild_search(engine: Engine) -> None:
    """The search documents of every task written here (imports keep them in step themselves)."""
    with Session(engine) as session:
        reindex_tasks(session, Task.id.is_not(None))
        session.commit()


def analyze(engine: Engine) -> None:
    """Fresh planner statistics (autovacuum would do it in production, later)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def generate(url: str, scale: float, seed: int = 1, batch: int = 5000, log=print) -> dict[str, int]:
    """Fill the (empty) database at `url`; returns row counts per table."""
    shape = shape_for(scale)
    engine = make_engine(url)
    try:
        if not inspect(engine).has_table("checkpoint"):
            create_schema(engine)
        with engine.connect() as conn:
            if conn.execute(select(func.count()).select_from(Checkpoint.__table__)).scalar():
                raise SystemExit(f"{url}: the database already holds checkpoints; generate into an empty one")
        pw_hash = hash_password(PASSWORD)  # argon2 once, shared by every synthetic user
        source = SEED_PLAN.read_text(encoding="utf-8")
        counts: Counter[str] = Counter()
        started = time.perf_counter()
        log(
            f"scale {scale}: {shape.provinces} provinces × {shape.agencies_per_province} agencies "
            f"({shape.departments} departments, {shape.mass_orgs} mass organisations, "
            f"{shape.communes} communes)"
        )
        for index in range(shape.provinces):
            with engine.begin() as conn:
                w = Writer(conn, batch)
                if index == 0:
                    w.add(
                        User,
                        username="admin",
                        username_key="admin",
                        full_name="Quản trị hệ thống",
                        email="admin@canbo.example",
                        role="admin",
                        agency_id=None,
                        password_hash=pw_hash,
                        active=True,
                        created_at=_at(date(YEARS[0], 1, 2)),
                    )
                Province(w, shape, index, seed, pw_hash, source).run()
                w.flush()
                counts.update(w.counts)
            if shape.provinces > 1:
                log(
                    f"  {PROVINCES[index]}: {sum(counts.values()):,} rows, "
                    f"{time.perf_counter() - started:.1f} s"
                )
        _reset_sequences(engine)
        t_summary = time.perf_counter()
        sizes = rebuild_summary(engine)
        log(f"summary: {sizes} in {time.perf_counter() - t_summary:.1f} s")
        t_search = time.perf_counter()
        rebuild_search(engine)
        log(f"search index: {time.perf_counter() - t_search:.1f} s")
        t_analyze = time.perf_counter()
        analyze(engine)
        elapsed = time.perf_counter() - started
        log(f"analyze: {time.perf_counter() - t_analyze:.1f} s")
        for name in sorted(counts, key=lambda n: -counts[n]):
            log(f"  {name:<18} {counts[name]:>10,}")
        log(
            f"total {sum(counts.values()):,} rows in {elapsed:.1f} s "
            f"({sum(counts.values()) / elapsed:,.0f} rows/s)"
        )
        return dict(counts)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> dict[str, int]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, required=True, help="1 ≈ national (34 provinces, ~1M checkpoints)")
    p.add_argument(
        "--db", required=True, help="SQLAlchemy URL of an empty database (schema created if absent)"
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--batch", type=int, default=5000, help="rows buffered per table before a flush")
    args = p.parse_args(argv)
    return generate(args.db, args.scale, args.seed, args.batch)


if __name__ == "__main__":
    main()
