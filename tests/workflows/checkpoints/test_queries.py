"""Checkpoint reads: visibility, lists filtered by the SQL status, supported ones, history without N+1."""

from datetime import date

import pytest
from sqlalchemy import event
from sqlmodel import select

from models import Checkpoint, Task
from tests.builders import add_task, changed, checkpoints_of
from tests.workflows.compliance_world import build_world, pdf_bytes
from workflows.checkpoints.queries import (
    checkpoint_history,
    current_checkpoints,
    get_checkpoint,
    list_checkpoints,
    supported_checkpoints,
)
from workflows.checkpoints.review import return_submission
from workflows.checkpoints.submissions import add_contribution, submit_report
from workflows.kernel.errors import InvalidInput, NotFound

JULY = date(2023, 7, 1)


@pytest.fixture
def w(session, tmp_path):
    world = build_world(session, tmp_path / "evidence")
    add_task(session, world.stp, [date(2023, 3, 14)], text="Tuyên truyền pháp luật về phòng, chống ma túy.")
    session.commit()
    return world


def test_visibility(session, w):
    cp = w.six_months.id
    for actor in (w.syt_focal, w.syt_head, w.ldtbxh_focal, w.secretariat, w.leader, w.admin):
        assert get_checkpoint(session, actor, cp).id == cp
    with pytest.raises(NotFound, match=f"checkpoint {cp} not found"):
        get_checkpoint(session, w.stp_focal, cp)
    with pytest.raises(NotFound):
        checkpoint_history(session, w.stp_focal, cp)


def test_lists_filter_by_the_computed_status(session, w):
    rows = list_checkpoints(session, w.secretariat, JULY).items
    assert [(r.agency_name, r.status) for r in rows] == [
        ("Sở Tư pháp", "overdue"),
        ("Sở Y tế", "overdue"),
        ("Sở Y tế", "in_progress_on_time"),
    ]
    assert rows[1].task_ref == w.task.ref and rows[1].due_date == date(2023, 6, 14)
    mine = list_checkpoints(session, w.syt_focal, JULY, agency_id=w.syt.id, status="overdue").items
    assert [r.checkpoint_id for r in mine] == [w.six_months.id]
    submit_report(session, w.syt_focal, w.six_months.id, "Báo cáo", [], [], JULY, w.store)
    session.commit()
    assert list_checkpoints(session, w.syt_focal, JULY, status="overdue").items == []
    both = list_checkpoints(session, w.syt_head, JULY, status=["submitted", "overdue"]).items
    assert [r.status for r in both] == ["submitted"]
    assert [
        r.checkpoint_id
        for r in list_checkpoints(
            session, w.leader, JULY, agency_id=w.syt.id, due_from=date(2023, 7, 1)
        ).items
    ] == [w.year.id]
    page = list_checkpoints(session, w.secretariat, JULY, limit=2, offset=2)
    assert [r.checkpoint_id for r in page.items] == [w.year.id] and page.total == 3


def test_list_refusals(session, w):
    with pytest.raises(NotFound, match=f"agency {w.stp.id}"):
        list_checkpoints(session, w.syt_focal, JULY, agency_id=w.stp.id)
    with pytest.raises(InvalidInput, match="unknown status late"):
        list_checkpoints(session, w.secretariat, JULY, status="late")
    with pytest.raises(InvalidInput, match="limit"):
        list_checkpoints(session, w.secretariat, JULY, limit=10_000)


def test_supporting_agency_sees_the_checkpoints_it_supports(session, w):
    rows = supported_checkpoints(session, w.ldtbxh_focal, JULY).items
    assert [(r.agency_name, r.status) for r in rows] == [
        ("Sở Y tế", "overdue"),
        ("Sở Y tế", "in_progress_on_time"),
    ]
    assert list_checkpoints(session, w.ldtbxh_focal, JULY, agency_id=w.ldtbxh.id).items == []  # leads none
    # what it may see, unnarrowed: the checkpoints it supports
    assert list_checkpoints(session, w.ldtbxh_focal, JULY).items == rows
    assert supported_checkpoints(session, w.syt_focal, JULY).items == []
    assert supported_checkpoints(session, w.secretariat, JULY, agency_id=w.ldtbxh.id).total == 2
    with pytest.raises(NotFound):
        supported_checkpoints(session, w.stp_focal, JULY, agency_id=w.ldtbxh.id)


def test_history_loads_in_a_fixed_number_of_queries(session, engine, w):
    def queries_for_history() -> int:
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            history = checkpoint_history(session, w.secretariat, w.six_months.id)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements), history

    submit_report(session, w.syt_focal, w.six_months.id, "r1", [("a.pdf", pdf_bytes("a"))], [], JULY, w.store)
    session.commit()
    one_round, _ = queries_for_history()
    for n in range(2, 5):
        entries = checkpoint_history(session, w.secretariat, w.six_months.id).submissions
        pending = [e.submission for e in entries if e.submission.status == "pending"][0]
        return_submission(session, w.secretariat, pending.id, f"lần {n}", JULY)
        submit_report(
            session,
            w.syt_focal,
            w.six_months.id,
            f"r{n}",
            [("a.pdf", pdf_bytes(f"a{n}")), ("b.pdf", pdf_bytes(f"b{n}"))],
            [],
            JULY,
            w.store,
        )
        add_contribution(session, w.ldtbxh_focal, w.six_months.id, f"c{n}", [], [], JULY, w.store)
    session.commit()
    session.expunge_all()
    many_rounds, history = queries_for_history()
    assert len(history.submissions) == 7 and sum(len(e.evidence) for e in history.submissions) == 7
    assert many_rounds == one_round  # evidence, reviews and names: one query each, however many rounds
    assert [e.submission.note for e in history.submissions] == ["r1", "r2", "c2", "r3", "c3", "r4", "c4"]


def test_current_checkpoints_due_by_a_day_are_the_current_ones_still_open_and_due_by_it(session, w):
    quarters = add_task(session, w.syt, [date(2023, m, 14) for m in (3, 6, 9, 12)], schedule_kind="recurring")
    q1, q2, q3, q4 = checkpoints_of(session, quarters)
    changed(session, q1, state="accepted", submitted_on=date(2023, 3, 1))  # current: Q2 (open, 14/06)
    closed = add_task(session, w.syt, [date(2023, 5, 1), date(2023, 6, 1)])
    changed(session, checkpoints_of(session, closed)[0], state="waived")
    changed(session, checkpoints_of(session, closed)[1], state="accepted", submitted_on=date(2023, 5, 20))
    tasks = select(Task.id)

    def picked(by=None):
        return set(session.execute(current_checkpoints(tasks, open_due_by=by)).scalars())

    def current_open_due_by(by):
        due = select(Checkpoint.id).where(
            Checkpoint.state.not_in(("accepted", "waived")), Checkpoint.due_date <= by
        )
        return picked() & set(session.execute(due).scalars())

    assert q2.id in picked() and checkpoints_of(session, closed)[1].id in picked()  # all closed: the latest
    for by in (date(2023, 3, 31), date(2023, 6, 14), date(2023, 7, 1), date(2023, 12, 31)):
        assert picked(by) == current_open_due_by(by), by
    assert q2.id in picked(date(2023, 6, 14)) and q3.id not in picked(date(2023, 12, 31))
