"""Reports and contributions: who may submit, what a submission records, atomic files, optimistic locking."""

import os
import threading
import time
from datetime import date

import pytest
from sqlmodel import Session, func, select

from models import AuditEvent, Checkpoint, Evidence, Submission
from models.db import unit_of_work
from tests.workflows.compliance_world import (
    build_world,
    docx_bytes,
    pdf_bytes,
    stored_files,
    wait_until_blocked,
)
from workflows.checkpoints.evidence import TEMP_PREFIX
from workflows.checkpoints.queries import checkpoint_history
from workflows.checkpoints.review import accept_submission, return_submission
from workflows.checkpoints.submissions import add_contribution, submit_report, sweep_orphan_files
from workflows.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied

TODAY = date(2023, 6, 10)


@pytest.fixture
def w(session, tmp_path):
    return build_world(session, tmp_path / "evidence")


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_lead_focal_point_submits_a_report_with_evidence(session, w):
    pdf = pdf_bytes()
    sub = submit_report(
        session,
        w.syt_focal,
        w.six_months.id,
        "  Đã điều trị 1.250 bệnh nhân.  ",
        [("../Báo cáo.pdf", pdf), ("bang.docx", docx_bytes())],
        ["https://syt.sonla.gov.vn/bc-6t"],
        TODAY,
        w.store,
        expected_version=1,
    )
    session.commit()
    cp = session.get(Checkpoint, w.six_months.id)
    assert (cp.state, cp.submitted_on, cp.version) == ("submitted", TODAY, 2)
    assert (sub.kind, sub.status, sub.round) == ("report", "pending", 1)
    assert sub.note == "Đã điều trị 1.250 bệnh nhân."
    rows = session.exec(select(Evidence).where(Evidence.submission_id == sub.id).order_by(Evidence.id)).all()
    assert [(e.kind, e.filename, e.content_type) for e in rows] == [
        ("file", "Báo cáo.pdf", "application/pdf"),
        ("file", "bang.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("link", "", None),
    ]
    assert rows[2].url == "https://syt.sonla.gov.vn/bc-6t"
    assert w.store.path_of(rows[0].sha256).read_bytes() == pdf and rows[0].size == len(pdf)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "submission.submit")).one()
    assert event.actor_label == "syt.dm" and event.entity_id == cp.id
    assert event.before == {"state": "open", "submitted_on": None, "version": 1}
    assert event.after["state"] == "submitted" and event.after["submitted_on"] == "2023-06-10"
    assert [e["filename"] for e in event.after["evidence"]] == ["Báo cáo.pdf", "bang.docx", ""]


def test_who_may_submit(session, w):
    args = (w.six_months.id, "Báo cáo", [], [], TODAY, w.store)
    with pytest.raises(NotFound, match=f"checkpoint {w.six_months.id} not found"):
        submit_report(session, w.stp_focal, *args)  # another agency: not even its existence
    for actor in (w.syt_head, w.leader, w.secretariat, w.ldtbxh_focal, w.admin):
        with pytest.raises(PermissionDenied, match="only a focal point of the responsible agency"):
            submit_report(session, actor, *args)
    assert count(session, Submission) == 0


def test_bad_input_changes_nothing(session, w):
    with pytest.raises(InvalidInput, match="write a progress note or attach"):
        submit_report(session, w.syt_focal, w.six_months.id, "   ", [], [], TODAY, w.store)
    with pytest.raises(InvalidInput, match="'virus.pdf' is a program"):
        submit_report(
            session,
            w.syt_focal,
            w.six_months.id,
            "x",
            [("ok.pdf", pdf_bytes()), ("virus.pdf", b"MZ\x90\x00rest")],
            [],
            TODAY,
            w.store,
        )
    with pytest.raises(InvalidInput, match="only http"):
        submit_report(
            session,
            w.syt_focal,
            w.six_months.id,
            "x",
            [("ok.pdf", pdf_bytes())],
            ["javascript:alert(1)"],
            TODAY,
            w.store,
        )
    session.rollback()
    cp = session.get(Checkpoint, w.six_months.id)
    assert (cp.state, cp.version) == ("open", 1)
    assert count(session, Submission) == count(session, Evidence) == 0
    assert stored_files(w.store) == []  # validated before anything was written


def test_submitted_or_accepted_checkpoint_takes_no_new_report(session, w):
    sub = submit_report(session, w.syt_focal, w.six_months.id, "v1", [], [], TODAY, w.store)
    session.commit()
    with pytest.raises(Conflict, match="is submitted; only an open or returned"):
        submit_report(session, w.syt_focal, w.six_months.id, "v2", [], [], TODAY, w.store)
    return_submission(session, w.secretariat, sub.id, "Thiếu số liệu", TODAY)
    second = submit_report(session, w.syt_focal, w.six_months.id, "v2", [], [], TODAY, w.store)
    accept_submission(session, w.secretariat, second.id, TODAY)
    session.commit()
    assert (sub.round, second.round) == (1, 2)
    with pytest.raises(Conflict, match="is accepted"):
        submit_report(session, w.syt_focal, w.six_months.id, "v3", [], [], TODAY, w.store)


def test_supporting_agency_contributes_without_changing_the_checkpoint(session, w):
    sub = add_contribution(
        session,
        w.ldtbxh_focal,
        w.six_months.id,
        "Số liệu cai nghiện tại cơ sở",
        [("so-lieu.pdf", pdf_bytes("ldtbxh"))],
        [],
        TODAY,
        w.store,
    )
    session.commit()
    cp = session.get(Checkpoint, w.six_months.id)
    assert (cp.state, cp.version) == ("open", 1)
    assert (sub.kind, sub.status, sub.agency_id, sub.round) == ("contribution", "noted", w.ldtbxh.id, 1)
    history = checkpoint_history(session, w.syt_focal, cp.id)  # shows on the lead's checkpoint
    assert [(e.submission.kind, e.agency_name, len(e.evidence)) for e in history.submissions] == [
        ("contribution", "Sở Lao động - Thương binh và Xã hội", 1)
    ]
    assert history.names[sub.author_id] == "ldtbxh.dm"
    with pytest.raises(PermissionDenied, match="lead agency submits a report"):
        add_contribution(session, w.syt_focal, cp.id, "x", [], [], TODAY, w.store)
    with pytest.raises(NotFound):
        add_contribution(session, w.stp_focal, cp.id, "x", [], [], TODAY, w.store)
    with pytest.raises(PermissionDenied):
        add_contribution(session, w.secretariat, cp.id, "x", [], [], TODAY, w.store)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "contribution.add")).one()
    assert event.actor_label == "ldtbxh.dm" and event.after["submission_id"] == sub.id


# --- atomicity: files are written before the row commits; an interrupted transaction leaves
# --- only a complete, unreferenced file, which the orphan sweep removes


def _assert_every_row_has_its_file(session, store):
    for sha in session.exec(select(Evidence.sha256).where(Evidence.kind == "file")).all():
        assert store.exists(sha), f"evidence row without its file {sha}"


def test_interruption_between_file_write_and_commit(engine, w):
    committed, interrupted = pdf_bytes("kept"), pdf_bytes("lost in a failed transaction")
    with unit_of_work(engine) as s:
        submit_report(s, w.syt_focal, w.six_months.id, "ok", [("a.pdf", committed)], [], TODAY, w.store)

    class Interrupted(Exception):
        pass

    with pytest.raises(Interrupted):
        with unit_of_work(engine) as s:
            sub = submit_report(
                s, w.syt_focal, w.year.id, "lost", [("b.pdf", interrupted)], [], TODAY, w.store
            )
            assert sub.id is not None and w.store.exists(w.store.check_file("b", interrupted).sha256)
            raise Interrupted  # e.g. the process is told to stop before the commit

    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Evidence)).one() == 1
        assert s.get(Checkpoint, w.year.id).state == "open"  # the checkpoint change rolled back too
        _assert_every_row_has_its_file(s, w.store)
        files = stored_files(w.store)
        assert not any(p.name.startswith(TEMP_PREFIX) for p in files)  # nothing half-written
        assert len(files) == 2  # the committed file and the orphan
        assert sweep_orphan_files(s, w.store) == []  # the orphan is within its grace period
        removed = sweep_orphan_files(s, w.store, now=time.time() + 7200)
        orphan = w.store.check_file("b", interrupted).sha256
        assert removed == [f"{orphan[:2]}/{orphan}"]
        assert [p.name for p in stored_files(w.store)] == [w.store.check_file("a", committed).sha256]
        _assert_every_row_has_its_file(s, w.store)


def test_sweep_removes_stale_temp_files_of_a_crashed_writer(session, w):
    sha = w.store.put(pdf_bytes("referenced later"))
    leftover = w.store.path_of(sha).parent / f"{TEMP_PREFIX}crashed"
    leftover.write_bytes(b"%PDF-half")
    old = time.time() - 7200
    os.utime(leftover, (old, old))
    submit_report(
        session,
        w.syt_focal,
        w.six_months.id,
        "x",
        [("a.pdf", pdf_bytes("referenced later"))],
        [],
        TODAY,
        w.store,
    )
    session.commit()
    assert sweep_orphan_files(session, w.store, now=time.time() + 7200) == [f"{sha[:2]}/{leftover.name}"]
    assert stored_files(w.store) == [w.store.path_of(sha)]


# --- optimistic locking


def test_stale_form_gets_a_conflict_and_nothing_is_lost(session, w):
    submit_report(session, w.syt_focal, w.six_months.id, "v1", [], [], TODAY, w.store, expected_version=1)
    session.commit()
    with pytest.raises(Conflict, match=r"checkpoint changed since you loaded it \(version 1"):
        submit_report(
            session, w.syt_focal, w.six_months.id, "stale", [], [], TODAY, w.store, expected_version=1
        )


def test_two_sessions_edit_the_same_checkpoint_second_gets_conflict(engine, w):
    first_pdf, second_pdf = pdf_bytes("first"), pdf_bytes("second")
    with Session(engine, expire_on_commit=False) as a, Session(engine, expire_on_commit=False) as b:
        # both load the form at version 1
        assert a.get(Checkpoint, w.six_months.id).version == b.get(Checkpoint, w.six_months.id).version == 1
        submit_report(
            a,
            w.syt_focal,
            w.six_months.id,
            "first",
            [("1.pdf", first_pdf)],
            [],
            TODAY,
            w.store,
            expected_version=1,
        )
        a.commit()
        with pytest.raises(Conflict, match="version 1"):
            submit_report(
                b,
                w.syt_focal,
                w.six_months.id,
                "second",
                [("2.pdf", second_pdf)],
                [],
                TODAY,
                w.store,
                expected_version=1,
            )
        b.rollback()
    with Session(engine) as s:
        cp = s.get(Checkpoint, w.six_months.id)
        assert (cp.state, cp.version) == ("submitted", 2)
        assert s.exec(select(Submission.note)).all() == ["first"]
        # the loser was refused before writing its file
        assert not w.store.exists(w.store.check_file("2", second_pdf).sha256)


def test_concurrent_writer_blocks_then_gets_conflict(engine, w):
    """B submits while A's submission is uncommitted: B waits for A's lock, then sees A's version.

    B's form was loaded at version 1, so B is refused whichever order the scheduler picks; on
    PostgreSQL the test waits until B is really blocked on A's row lock.
    """
    outcome = {}
    with Session(engine, expire_on_commit=False) as a:
        submit_report(a, w.syt_focal, w.six_months.id, "A", [], [], TODAY, w.store)
        a.flush()

        def second_writer():
            with Session(engine) as b:
                try:
                    submit_report(
                        b, w.syt_focal, w.six_months.id, "B", [], [], TODAY, w.store, expected_version=1
                    )
                    b.commit()
                    outcome["b"] = "committed"
                except Conflict as exc:
                    outcome["b"] = str(exc)

        thread = threading.Thread(target=second_writer)
        thread.start()
        wait_until_blocked(engine, thread)
        a.commit()
    thread.join(60)
    assert "changed since you loaded it" in outcome["b"]
    with Session(engine) as s:
        assert s.exec(select(Submission.note)).all() == ["A"]
        assert s.get(Checkpoint, w.six_months.id).version == 2
