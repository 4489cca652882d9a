"""Draft → review → publish: nothing is tracked before publishing; corrections survive a revision."""

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import func, select

from models import AuditEvent, Checkpoint, Plan, PlanDraft, Task, TaskOverride
from tests.builders import add_user
from workflows.agencies.registry import load_registry
from workflows.kernel.actors import Actor
from workflows.kernel.errors import Conflict, InvalidInput, NotFound
from workflows.plans.parser import parse_plan
from workflows.plans.review import edits
from workflows.plans.review.drafts import create_draft, draft_view, publish_draft

REAL = Path(__file__).parents[4] / "seed_plans" / "real"
CANTHO = REAL / "02_cantho_kh165_2025_dan_so.txt"
TODAY = date(2025, 12, 1)


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.fixture
def actor(session):
    user = add_user(session, "secretariat", "secretariat")
    session.commit()
    return Actor.of(user)


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def draft_of(session, actor, registry, text):
    draft = create_draft(session, actor, parse_plan(text, registry), text, registry, TODAY, "kh165.txt")
    session.commit()
    return draft


def test_an_import_is_a_draft_and_publishing_opens_the_checkpoints(session, actor, registry):
    text = CANTHO.read_text(encoding="utf-8")
    draft = draft_of(session, actor, registry, text)
    assert (count(session, Plan), count(session, Task), count(session, Checkpoint)) == (0, 0, 0)
    assert draft.foreign  # Cần Thơ's plan against Sơn La's registry
    with pytest.raises(Conflict) as refused:
        publish_draft(session, actor, draft.id, draft.version, registry, TODAY)
    assert (
        refused.value.code == "draft.foreign_unconfirmed" and "cần thơ" in refused.value.message("vi").lower()
    )
    session.rollback()
    assert count(session, Plan) == 0
    report = publish_draft(session, actor, draft.id, draft.version, registry, TODAY, confirm_foreign=True)
    session.commit()
    assert report.created and count(session, Task) == len(draft.parsed["tasks"])
    assert count(session, Checkpoint) > 0
    # publishing twice is refused and changes nothing
    with pytest.raises(Conflict) as again:
        publish_draft(session, actor, draft.id, draft.version, registry, TODAY, confirm_foreign=True)
    assert again.value.code == "draft.not_open" and "đã được xuất bản" in again.value.message("vi")


def test_corrections_publish_and_survive_a_revised_text(session, actor, registry):
    # a heading that names no addressee leaves its paragraph unresolved, to be added from the passage
    addressee = "**2. Sở, ban, ngành thành phố\nvà Ủy ban nhân dân xã, phường**"
    text = CANTHO.read_text(encoding="utf-8").replace(addressee, "**2. Nhiệm vụ chung**")
    assert addressee not in text
    draft = draft_of(session, actor, registry, text)
    tasks = draft.parsed["tasks"]
    a, b, c = tasks[0]["ref"], tasks[1]["ref"], tasks[2]["ref"]
    v = draft.version
    edits.set_lead(session, actor, draft.id, v, a, "so tu phap", registry, TODAY)
    edits.set_schedule(session, actor, draft.id, v + 1, b, "once", ["15/03/2026"], TODAY)
    edits.delete_task(session, actor, draft.id, v + 2, c, TODAY)
    passage = draft.parsed["unresolved"][0]["text"]
    ref = edits.add_from_passage(
        session, actor, draft.id, v + 3, 0, "Sở Nội vụ", "once", ["30/06/2026"], registry, TODAY
    )
    session.commit()
    view = draft_view(session, session.get(PlanDraft, draft.id))
    by_ref = {t["ref"]: t for t in view.parsed["tasks"]}
    assert by_ref[a]["lead"] == "Sở Tư pháp" and c not in by_ref
    assert by_ref[b]["schedule"] == {
        "kind": "once",
        "due_dates": ["2026-03-15"],
        "phrase": tasks[1]["schedule"]["phrase"],
    }
    assert by_ref[ref]["text"] == passage and view.unresolved == 0
    assert count(session, TaskOverride) == 4
    assert count(session, AuditEvent) >= 4
    publish_draft(session, actor, draft.id, v + 4, registry, TODAY, confirm_foreign=True)
    session.commit()
    plan = session.exec(select(Plan)).one()
    stored = {t.ref: t for t in session.exec(select(Task).where(Task.plan_id == plan.id))}
    assert c not in stored and stored[b].due_dates == ["2026-03-15"] and ref in stored
    # the revised text: task b's paragraph changed; corrections kept, b flagged
    old_b = tasks[1]["text"]
    revised = text.replace(old_b, old_b.replace("Tổ chức", "Tổ chức định kỳ", 1), 1)
    assert revised != text
    again = draft_of(session, actor, registry, revised)
    view = draft_view(session, again)
    by_ref = {t["ref"]: t for t in view.parsed["tasks"]}
    assert by_ref[a]["lead"] == "Sở Tư pháp" and c not in by_ref and ref in by_ref
    assert by_ref[b]["schedule"]["due_dates"] == ["2026-03-15"]
    assert [(f.ref, f.reason) for f in view.flags] == [(b, "text_changed")]
    assert view.changed == [b]


def test_a_start_the_plan_writes_goes_through_the_draft_to_the_task(session, actor, registry):
    from tests.workflows.plans.test_importing import STARTING

    draft = draft_of(session, actor, registry, STARTING)
    publish_draft(session, actor, draft.id, draft.version, registry, TODAY, confirm_foreign=True)
    session.commit()
    task = session.exec(select(Task).where(Task.text.contains("từ ngày 01/7/2026"))).one()
    opens = session.exec(select(Checkpoint.opens_on).where(Checkpoint.task_id == task.id)).all()
    assert task.starts_on == date(2026, 7, 1) and min(opens) == date(2026, 7, 1)


def test_a_start_set_in_review_is_stored_and_opens_the_first_period(session, actor, registry):
    draft = draft_of(session, actor, registry, CANTHO.read_text(encoding="utf-8"))
    ref = draft.parsed["tasks"][0]["ref"]
    edits.set_schedule(
        session, actor, draft.id, draft.version, ref, "continuous", [], TODAY, starts_on="01/12/2025"
    )
    session.commit()
    schedule = next(t for t in draft_view(session, draft).parsed["tasks"] if t["ref"] == ref)["schedule"]
    assert schedule["starts_on"] == "2025-12-01"
    assert schedule["due_dates"] == ["2025-12-31"]  # the plan's reporting dates from the start on
    publish_draft(session, actor, draft.id, draft.version, registry, TODAY, confirm_foreign=True)
    session.commit()
    task = session.exec(select(Task).where(Task.ref == ref)).one()
    opens = session.exec(select(Checkpoint.opens_on).where(Checkpoint.task_id == task.id)).all()
    assert task.starts_on == date(2025, 12, 1) and opens == [date(2025, 12, 1)]
    # clearing the start: the duty runs from the plan's date of issue again
    draft = draft_of(session, actor, registry, CANTHO.read_text(encoding="utf-8"))
    edits.set_schedule(session, actor, draft.id, draft.version, ref, "continuous", [], TODAY, starts_on="")
    assert (
        "starts_on"
        not in next(t for t in draft_view(session, draft).parsed["tasks"] if t["ref"] == ref)["schedule"]
    )


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (
            lambda s, a, d, r: edits.set_lead(
                s, a, d.id, d.version, d.parsed["tasks"][0]["ref"], "Sở Không Có", r, TODAY
            ),
            "draft.unknown_agency",
        ),
        (
            lambda s, a, d, r: edits.set_schedule(
                s, a, d.id, d.version, d.parsed["tasks"][0]["ref"], "once", ["01/01/2040"], TODAY
            ),
            "draft.date_outside_plan",
        ),
        (
            lambda s, a, d, r: edits.set_schedule(
                s, a, d.id, d.version, d.parsed["tasks"][0]["ref"], "once", ["31/02/2026"], TODAY
            ),
            "draft.bad_date",
        ),
        (
            lambda s, a, d, r: edits.set_schedule(
                s,
                a,
                d.id,
                d.version,
                d.parsed["tasks"][0]["ref"],
                "once",
                ["15/03/2026"],
                TODAY,
                "01/04/2026",
            ),
            "draft.due_before_start",
        ),
        (
            lambda s, a, d, r: edits.set_schedule(
                s, a, d.id, d.version, d.parsed["tasks"][0]["ref"], "once", ["15/03/2026"], TODAY, "1/1/2045"
            ),
            "draft.date_outside_plan",
        ),
        (
            lambda s, a, d, r: edits.set_schedule(
                s, a, d.id, d.version, d.parsed["tasks"][0]["ref"], "continuous", [], TODAY, "01/07/2026"
            ),
            "draft.start_after_reports",
        ),
        (
            lambda s, a, d, r: edits.set_lead(
                s, a, d.id, d.version - 1, d.parsed["tasks"][0]["ref"], "Sở Y tế", r, TODAY
            ),
            "draft.stale",
        ),
        (
            lambda s, a, d, r: edits.add_task(
                s, a, d.id, d.version, "chữ không có trong văn bản", "Sở Y tế", "continuous", [], r, TODAY
            ),
            "draft.text_not_in_plan",
        ),
    ],
)
def test_bad_corrections_are_refused_and_change_nothing(session, actor, registry, call, code):
    draft = draft_of(session, actor, registry, CANTHO.read_text(encoding="utf-8"))
    before = (draft.version, count(session, TaskOverride), count(session, AuditEvent))
    with pytest.raises((InvalidInput, NotFound, Conflict)) as refused:
        call(session, actor, draft, registry)
    session.rollback()
    assert refused.value.code.startswith(code)
    assert refused.value.message("vi") and "{" not in refused.value.message("vi")
    session.expire_all()
    assert (
        session.get(PlanDraft, draft.id).version,
        count(session, TaskOverride),
        count(session, AuditEvent),
    ) == before
