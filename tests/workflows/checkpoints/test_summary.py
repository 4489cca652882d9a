"""The maintained summary equals a full recomputation after every kind of change, through the real rules."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import case, func, select
from sqlmodel import Session

from models import Agency, AgencyDay, AgencySummary, Checkpoint, SectionSummary, Submission, Task
from tests.builders import add_user
from workflows.agencies.registry import load_registry
from workflows.agencies.reorg import merge_agency
from workflows.checkpoints import summary
from workflows.checkpoints.evidence import EvidenceStore
from workflows.checkpoints.extensions import decide_extension, request_extension
from workflows.checkpoints.review import accept_submission, return_submission
from workflows.checkpoints.status import counts_as_due, overdue_columns, status_expr
from workflows.checkpoints.submissions import submit_report
from workflows.kernel.actors import SYSTEM, Actor
from workflows.kernel.errors import Conflict
from workflows.plans.importing import import_plan
from workflows.plans.parser import parse_plan
from workflows.reporting.rollups import agency_area_matrix, agency_rollup, plan_rollup, section_rollup

SEED = Path(__file__).parents[3] / "seed_plans" / "sonla_23_kh_ubnd_2023.txt"
DROPPED = "- Sở Văn hóa, Thể thao và Du lịch\nthực hiện tốt chức năng quản lý nhà nước"
# days either side of every date the data holds: before the plan, inside its periods, long after
TODAYS = [date(2023, 1, 1), date(2023, 3, 14), date(2023, 3, 15), date(2023, 6, 20), date(2024, 6, 1)]
HELD_FROM = date(2023, 3, 14)  # the days held as of (AgencyDay): 14 and 15/3, either side of a due date
MB = 1024 * 1024


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def _import(session: Session, text: str, registry) -> int:
    report = import_plan(session, SYSTEM, parse_plan(text, registry), text, registry, date(2023, 2, 1))
    session.commit()
    return report.plan_id


def _agency(session: Session, name: str) -> Agency:
    return session.execute(select(Agency).where(Agency.name == name)).scalar_one()


def _open_checkpoints(session: Session, agency: Agency) -> list[Checkpoint]:
    stmt = (
        select(Checkpoint)
        .where(Checkpoint.agency_id == agency.id, Checkpoint.state == "open")
        .order_by(Checkpoint.due_date, Checkpoint.id)
    )
    return list(session.execute(stmt).scalars())


def _by_status_from_checkpoints(session: Session, today: date) -> dict[int, tuple[dict[str, int], int]]:
    """Per agency: counts by status and the due count, straight from the checkpoints (no summary)."""
    status = status_expr(today).label("status")
    due = case((counts_as_due(today), 1), else_=0).label("due")
    rows = select(Checkpoint.agency_id, status, due).subquery()
    stmt = select(rows.c.agency_id, rows.c.status, rows.c.due, func.count()).group_by(
        rows.c.agency_id, rows.c.status, rows.c.due
    )
    found: dict[int, tuple[dict[str, int], int]] = {}
    for agency_id, st, reached, n in session.execute(stmt).tuples():
        counts, total_due = found.get(agency_id, ({}, 0))
        counts[st] = counts.get(st, 0) + n
        found[agency_id] = (counts, total_due + (n if reached and st != "waived" else 0))
    return found


def _oldest_from_checkpoints(session: Session, today: date) -> dict[int, tuple[int, date]]:
    """Per agency, the overdue checkpoint with the earliest due date, then the lowest id (no summary)."""
    stmt = select(Checkpoint.agency_id, Checkpoint.id, Checkpoint.due_date).where(*overdue_columns(today))
    found: dict[int, tuple[int, date]] = {}
    for agency_id, cp_id, due in sorted(session.execute(stmt).tuples(), key=lambda r: (r[2], r[1])):
        found.setdefault(agency_id, (cp_id, due))
    return found


def assert_summary_recomputes(session: Session, plan_id: int) -> None:
    """Stored rows equal a recomputation, and the figures read from them equal the checkpoints' own."""
    session.commit()
    assert summary.differences(session) == {}
    for today in TODAYS:
        expected = _by_status_from_checkpoints(session, today)
        for rollups in (agency_rollup(session, today), agency_rollup(session, today, plan_id=plan_id)):
            got = {r.key: ({s: n for s, n in r.counts.items() if n}, r.due) for r in rollups}
            assert got == expected, today
        oldest = {
            r.key: (r.oldest_overdue.checkpoint_id, r.oldest_overdue.due_date)
            for r in agency_rollup(session, today)
            if r.oldest_overdue
        }
        assert oldest == _oldest_from_checkpoints(session, today), today
        (plan,) = plan_rollup(session, today, plan_id)
        assert plan.total == session.execute(select(func.count()).select_from(Checkpoint)).scalar_one()
        cells = agency_area_matrix(session, today, plan_id).cells.values()
        assert sum(c.total for c in cells) == plan.total
        first_level = [r for r in section_rollup(session, today, plan_id) if "." not in r.key]
        assert sum(r.total for r in first_level) == plan.total


@pytest.fixture(params=["counts only", "days held"])
def world(request, session, registry, tmp_path):
    text = SEED.read_text(encoding="utf-8")
    plan_id = _import(session, text, registry)
    if request.param == "days held":  # as the daily job leaves it: every change moves these days too
        summary.roll_forward(session, HELD_FROM)
    syt = _agency(session, "Sở Y tế")
    ns = type("World", (), {})()
    ns.text, ns.plan_id, ns.syt = text, plan_id, syt
    ns.focal = Actor.of(add_user(session, "syt.dm", "focal", syt))
    ns.secretariat = Actor.of(add_user(session, "ca.ptm", "secretariat"))
    ns.store = EvidenceStore(tmp_path / "evidence", 20 * MB)
    session.commit()
    return ns


def test_import_counts_every_checkpoint_in(session, world):
    assert (
        session.execute(select(func.sum(AgencySummary.n))).scalar_one()
        == session.execute(select(func.count()).select_from(Checkpoint)).scalar_one()
    )
    # the summary is smaller than what it counts: agencies' checkpoints that agree share a row
    assert session.execute(select(func.count()).select_from(AgencySummary)).scalar_one() < (
        session.execute(select(func.count()).select_from(Checkpoint)).scalar_one()
    )
    assert_summary_recomputes(session, world.plan_id)


def test_submit_review_and_extension_keep_the_summary(session, world):
    first, second, third, *_ = _open_checkpoints(session, world.syt)
    on_time = submit_report(session, world.focal, first.id, "Báo cáo", [], [], first.due_date, world.store)
    assert_summary_recomputes(session, world.plan_id)
    accept_submission(session, world.secretariat, on_time.id, first.due_date)
    assert_summary_recomputes(session, world.plan_id)

    late_day = date.fromordinal(second.due_date.toordinal() + 5)
    returned = submit_report(session, world.focal, second.id, "Báo cáo", [], [], late_day, world.store)
    return_submission(session, world.secretariat, returned.id, "Thiếu số liệu", late_day)
    assert_summary_recomputes(session, world.plan_id)
    again = submit_report(session, world.focal, second.id, "Bổ sung", [], [], late_day, world.store)
    accept_submission(session, world.secretariat, again.id, late_day)
    assert_summary_recomputes(session, world.plan_id)

    asked_on = third.due_date
    req = request_extension(session, world.focal, third.id, date(2024, 1, 31), "Chờ số liệu quý", asked_on)
    decide_extension(session, world.secretariat, req.id, True, None, asked_on)
    assert_summary_recomputes(session, world.plan_id)


def test_a_refused_change_leaves_the_summary_as_it_was(session, world):
    cp = _open_checkpoints(session, world.syt)[0]
    submit_report(session, world.focal, cp.id, "Báo cáo", [], [], cp.due_date, world.store)
    session.commit()
    with pytest.raises(Conflict):  # a stale form: the guarded write refuses, the summary is restored
        submit_report(session, world.focal, cp.id, "Lần nữa", [], [], cp.due_date, world.store, 1)
    assert_summary_recomputes(session, world.plan_id)


def test_reimport_withdraw_and_waive_keep_the_summary(session, world, registry):
    doomed = session.execute(select(Task).where(Task.text.startswith(DROPPED[2:]))).scalar_one()
    reported = (
        session.execute(
            select(Checkpoint).where(Checkpoint.task_id == doomed.id).order_by(Checkpoint.due_date)
        )
        .scalars()
        .first()
    )
    author = add_user(session, "vh.dm", "focal", session.get(Agency, doomed.lead_agency_id))
    submit_report(
        session, Actor.of(author), reported.id, "Đã triển khai", [], [], reported.due_date, world.store
    )
    session.commit()
    start = world.text.index(DROPPED)
    revised = world.text[:start] + world.text[world.text.index("6. Công tác\nxóa bỏ", start) :]
    _import(session, revised, registry)  # the duty is withdrawn: its reported period waived, the rest gone
    assert session.get(Checkpoint, reported.id).state == "waived"
    assert session.execute(select(func.count()).select_from(Submission)).scalar_one() == 1
    assert_summary_recomputes(session, world.plan_id)
    _import(session, world.text, registry)  # back in the plan: the waived period reopens
    assert_summary_recomputes(session, world.plan_id)


def test_merging_agencies_moves_their_counts(session, world):
    old, successor = _agency(session, "UBND huyện Mai Sơn"), _agency(session, "UBND huyện Yên Châu")
    moved = len(_open_checkpoints(session, old))
    before = session.execute(
        select(func.sum(AgencySummary.n)).where(AgencySummary.agency_id == successor.id)
    ).scalar_one()
    merge_agency(session, SYSTEM, old.id, successor.id, date(2023, 2, 1))
    assert_summary_recomputes(session, world.plan_id)
    after = session.execute(
        select(func.sum(AgencySummary.n)).where(AgencySummary.agency_id == successor.id)
    ).scalar_one()
    assert moved and after == before + moved


def test_rebuild_repairs_a_summary_written_around(session, world):
    session.execute(SectionSummary.__table__.delete())
    session.execute(AgencySummary.__table__.update().values(n=AgencySummary.n + 1))
    drift = summary.differences(session)
    assert set(drift) == {"agencysummary", "sectionsummary"}
    summary.rebuild(session)
    assert_summary_recomputes(session, world.plan_id)


def test_the_days_held_move_with_every_change_and_roll_forward(session, world):
    summary.roll_forward(session, HELD_FROM)
    held = {r.key: r for r in agency_rollup(session, HELD_FROM)}
    assert session.execute(select(func.count()).select_from(AgencyDay)).scalar_one() == 2 * len(held)
    cp = _open_checkpoints(session, world.syt)[0]
    submit_report(session, world.focal, cp.id, "Báo cáo", [], [], HELD_FROM, world.store)
    assert_summary_recomputes(session, world.plan_id)
    after = {r.key: r for r in agency_rollup(session, HELD_FROM)}
    assert after[world.syt.id].counts["submitted"] == held[world.syt.id].counts["submitted"] + 1
    # the next day's roll drops the 14th, keeps the 15th as moved and opens the 16th from the counts
    assert summary.roll_forward(session, HELD_FROM.replace(day=15)) == [date(2023, 3, 15), date(2023, 3, 16)]
    assert summary.window_days(session) == [date(2023, 3, 15), date(2023, 3, 16)]
    assert_summary_recomputes(session, world.plan_id)


def test_drift_in_the_days_held_is_found_and_rebuilt(session, world):
    summary.roll_forward(session, HELD_FROM)
    session.execute(AgencyDay.__table__.update().values(overdue=AgencyDay.overdue + 1, oldest_id=None))
    assert set(summary.differences(session)) == {"agencyday"}
    summary.rebuild(session)
    assert_summary_recomputes(session, world.plan_id)
