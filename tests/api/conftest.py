"""API fixtures: an app on the test database, a small world of agencies and users of every role."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.app import create_app
from api.security import issue_token
from models import Agency, Checkpoint, Evidence, Plan, Task, User
from tests.builders import add_agency, add_draft, add_indicator, add_plan, add_task, add_user, checkpoints_of
from workflows.checkpoints import extensions, submissions
from workflows.checkpoints.evidence import EvidenceStore
from workflows.followup.explanations import ask_explanation
from workflows.indicators.values import ValueInput, report_value
from workflows.kernel.actors import Actor

TODAY = date(2023, 7, 1)


@dataclass
class World:
    """Sở Y tế owns a task with quarterly checkpoints; Công an tỉnh is the other agency."""

    syt: Agency
    cat: Agency
    task: Task
    checkpoints: list[Checkpoint]
    users: dict[str, User]
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, who: str) -> dict[str, str]:
        """Bearer headers of a named user ('' or 'anonymous': none)."""
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who in self.tokens else {}


ROLES = ("focal_syt", "focal_cat", "head_syt", "secretariat", "leader", "admin")


@pytest.fixture
def world(engine) -> World:
    with Session(engine, expire_on_commit=False) as s:
        syt = add_agency(s, "Sở Y tế", code="syt")
        cat = add_agency(s, "Công an tỉnh", code="cat")
        plan = add_plan(s)
        task = add_task(
            s,
            syt,
            [date(2023, 3, 14), date(2023, 6, 14), date(2023, 9, 14), date(2023, 12, 14)],
            schedule_kind="recurring",
            plan=plan,
        )
        users = {
            "focal_syt": add_user(s, "focal_syt", "focal", syt),
            "focal_cat": add_user(s, "focal_cat", "focal", cat),
            "head_syt": add_user(s, "head_syt", "head", syt),
            "secretariat": add_user(s, "secretariat", "secretariat"),
            "leader": add_user(s, "leader", "leader"),
            "admin": add_user(s, "admin", "admin"),
        }
        w = World(syt=syt, cat=cat, task=task, checkpoints=checkpoints_of(s, task), users=users)
        w.tokens = {name: issue_token(s, user)[0] for name, user in users.items()}
        s.commit()
    return w


@pytest.fixture(autouse=True)
def _chromium_is_installed(request):
    """A browser test fails, never skips, without Debian's chromium (.ci/run installs it)."""
    if request.node.get_closest_marker("browser"):
        assert Path("/usr/bin/chromium").exists(), "/usr/bin/chromium is missing: apt-get install chromium"


@pytest.fixture
def app(settings, engine):
    return create_app(settings, engine, today=TODAY)


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


@pytest.fixture
def records(world, engine, settings):
    """Real ids: a pending report of Sở Y tế with a PDF, a pending extension request, a spare user."""
    focal = Actor.of(world.users["focal_syt"])
    store = EvidenceStore.from_settings(settings)
    with Session(engine, expire_on_commit=False) as s:
        sub = submissions.submit_report(
            s,
            focal,
            world.checkpoints[1].id,
            "Báo cáo 6 tháng",
            [("bao-cao.pdf", b"%PDF-1.4\n%test\n")],
            [],
            date(2023, 7, 1),
            store,
        )
        ext = extensions.request_extension(
            s, focal, world.checkpoints[2].id, date(2023, 10, 31), "Chờ số liệu", date(2023, 7, 1)
        )
        victim = add_user(s, "nguoi-bi-khoa", "leader")
        _secret, spare = issue_token(s, s.get(User, world.users["focal_syt"].id))
        draft = add_draft(s)
        indicator = add_indicator(s, s.get(Plan, world.task.plan_id), "12", "xã", owner=world.syt)
        value = report_value(s, focal, indicator.id, ValueInput(2023, 2, "6"), date(2023, 7, 1))
        explanation = ask_explanation(
            s,
            Actor.of(world.users["leader"]),
            world.syt.id,
            [world.checkpoints[0].id],
            date(2023, 7, 10),
            "Đề nghị giải trình",
            date(2023, 7, 1),
        )
        s.flush()
        ev = s.exec(select(Evidence).where(Evidence.submission_id == sub.id)).one()
        s.commit()
    return {
        "checkpoint_id": world.checkpoints[1].id,
        "submission_id": sub.id,
        "evidence_id": ev.id,
        "extension_id": ext.id,
        "request_id": ext.id,
        "plan_id": world.task.plan_id,
        "task_id": world.task.id,
        "agency_id": world.syt.id,
        "user_id": victim.id,
        "session_id": spare.id,
        "draft_id": draft.id,
        "indicator_id": indicator.id,
        "value_id": value.id,
        "explanation_id": explanation.id,
    }
