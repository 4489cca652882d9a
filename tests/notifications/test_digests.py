"""Digest data, queueing and golden renderings on a fixed province (tests/notifications/digest_world.py)."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlmodel import select

from models import OutboxMessage
from notifications.delivery import deliver_pending
from notifications.digests import (
    preview_head_digest,
    queue_head_digests,
    queue_secretariat_digest,
    render_head_digest,
    render_secretariat_digest,
)
from tests.builders import add_agency, add_task
from tests.notifications.digest_world import TODAY, build_digest_world
from workflows.kernel.actors import SYSTEM
from workflows.kernel.errors import NotFound
from workflows.reporting.digests import head_digest, head_digests, secretariat_digest
from workflows.reporting.inbox import agency_inbox

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def world(session):
    return build_digest_world(session)


@pytest.fixture
def cfg(settings):
    return settings.model_copy(
        update={
            "base_url": "https://theodoi.sonla.example",
            "secretariat_emails": "thuongtruc@catinh.test, ptm@catinh.test",
        }
    )


def test_head_digest_lists_what_the_head_must_know(session, world):
    d = head_digest(session, world.syt.id, TODAY)
    assert (d.iso_year, d.iso_week, d.week_label) == (2023, 27, "27/2023")
    assert [(i.checkpoint_id, i.days_late) for i in d.overdue] == [
        (world.syt_overdue.id, 21),
        (world.syt_new_overdue.id, 1),
    ]
    assert d.overdue[0].schedule_phrase == "Định kỳ 06 tháng, 01 năm"
    assert d.overdue[0].task_text.startswith("Định kỳ 06 tháng, 01 năm đánh giá kết quả")
    assert [i.checkpoint_id for i in d.due_soon] == [world.syt_due_soon.id, world.syt_extended.id]
    assert [(i.checkpoint_id, i.return_reason) for i in d.returned] == [
        (world.syt_returned.id, "Thiếu danh sách cơ sở đã kiểm tra & kết quả xử lý vi phạm.")
    ]
    assert [(i.checkpoint_id, i.submitted_on.isoformat()) for i in d.awaiting_review] == [
        (world.syt_submitted.id, "2023-06-28")
    ]
    (decision,) = d.extension_decisions
    assert decision.approved and decision.requested_due.isoformat() == "2023-07-15"
    s = d.standing
    assert (s.due, s.done, s.done_on_time, s.overdue) == (5, 1, 1, 2)
    assert (s.completion_pct, s.on_time_pct) == (20.0, 20.0)
    assert s.oldest_overdue_days == 21


def test_an_agency_with_nothing_to_report_gets_no_digest_unless_asked(session, world):
    assert head_digest(session, world.stp.id, TODAY) is None
    empty = head_digest(session, world.stp.id, TODAY, include_empty=True)
    assert not empty.has_news and empty.standing.completion_pct == 100.0
    # a week later the extension decision is out of the window; the overdue items are older
    later = head_digest(session, world.syt.id, TODAY + timedelta(days=7))
    assert later.extension_decisions == [] and [i.days_late for i in later.overdue] == [28, 8]


def test_secretariat_digest(session, world):
    d = secretariat_digest(session, TODAY)
    assert [i.checkpoint_id for i in d.new_overdue] == [world.syt_new_overdue.id]
    assert [(g.rung, [e.agency_name for e in g.items]) for g in d.escalations] == [
        ("overdue", ["Sở Y tế"]),
        ("secretariat", ["Công an tỉnh"]),
    ]  # the 21/06 rung is not today's
    assert [r.checkpoint_id for r in d.review_queue] == [world.syt_submitted.id]
    assert [x.agency_name for x in d.pending_extensions] == ["Sở Giáo dục và Đào tạo"]
    assert [s.agency_name for s in d.worst] == [
        "Công an tỉnh",
        "Sở Y tế",
        "Sở Giáo dục và Đào tạo",
        "UBND huyện Mộc Châu",
    ]
    assert (d.overall.due, d.overall.done, d.overall.overdue) == (11, 3, 6)


def test_head_digests_cost_the_same_queries_for_5_or_25_agencies(engine, session, world):
    def statements() -> int:
        seen = []
        listener = lambda *a: seen.append(a[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            digests = head_digests(session, TODAY)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen), len(digests)

    few, n_few = statements()
    for i in range(20):
        add_task(session, add_agency(session, f"UBND xã {i}", code=f"xa{i}"), [TODAY - timedelta(days=i + 1)])
    session.commit()
    many, n_many = statements()
    assert (n_few, n_many) == (4, 24)
    assert many == few


def test_queue_head_digests_one_row_per_agency_with_a_head_and_news(session, world, cfg):
    assert queue_head_digests(session, cfg, TODAY) == 3
    session.commit()
    rows = {r.dedupe_key: r for r in session.exec(select(OutboxMessage)).all()}
    assert set(rows) == {f"digest:head:{a.id}:2023-W27" for a in (world.syt, world.ca, world.sgddt)}
    syt = rows[f"digest:head:{world.syt.id}:2023-W27"]
    assert syt.recipients == ["head@syt.test", "giam.doc@syt.test"] and syt.audience == "head"
    assert syt.subject == "[Sơn La – PCMT] Tổng hợp tuần 27/2023: Sở Y tế – 2 nhiệm vụ quá hạn"
    assert "Sở Y tế" in syt.body_text and "quá hạn" in syt.body_html and syt.status == "pending"
    assert queue_head_digests(session, cfg, TODAY + timedelta(days=2)) == 0  # same ISO week
    assert queue_head_digests(session, cfg.model_copy(update={"digest_empty": True}), TODAY) == 1  # stp
    assert queue_head_digests(session, cfg, TODAY + timedelta(days=7)) == 3
    session.commit()
    keys = set(session.exec(select(OutboxMessage.dedupe_key)).all())
    assert f"digest:head:{world.stp.id}:2023-W27" in keys and f"digest:head:{world.syt.id}:2023-W28" in keys
    assert not any(k.startswith(f"digest:head:{world.mocchau.id}:") for k in keys)  # no head address


def test_queue_secretariat_digest_once_a_day(session, world, cfg):
    assert queue_secretariat_digest(session, cfg, TODAY) == 1
    assert queue_secretariat_digest(session, cfg, TODAY) == 0
    session.commit()
    (row,) = session.exec(select(OutboxMessage)).all()
    assert row.dedupe_key == "digest:secretariat:2023-07-05"
    assert row.recipients == ["thuongtruc@catinh.test", "ptm@catinh.test"]  # settings + user, once
    assert row.subject == (
        "[Sơn La – PCMT] Tổng hợp ngày 05/07/2023: 1 nhiệm vụ mới quá hạn, "
        "1 báo cáo chờ thẩm định, 1 đề nghị gia hạn"
    )


def test_digests_arrive_over_smtp_with_both_parts(engine, session, world, cfg, smtp):
    cfg = cfg.model_copy(update={"smtp_port": smtp.port})
    queue_head_digests(session, cfg, TODAY)
    queue_secretariat_digest(session, cfg, TODAY)
    session.commit()

    report = deliver_pending(engine, cfg)

    assert (report.sent, report.failed, report.dead) == (4, 0, 0)
    got = {r.message["X-Plantrack-Outbox"]: r for r in smtp.received}
    syt = got[f"digest:head:{world.syt.id}:2023-W27"]
    assert syt.rcpt_tos == ("head@syt.test", "giam.doc@syt.test")
    assert syt.message["Subject"] == "[Sơn La – PCMT] Tổng hợp tuần 27/2023: Sở Y tế – 2 nhiệm vụ quá hạn"
    text = syt.message.get_body(("plain",)).get_content()
    html = syt.message.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Sở Y tế" in body and "quá hạn" in body and "Định kỳ 06 tháng, 01 năm" in body
        assert f"https://theodoi.sonla.example/checkpoints/{world.syt_overdue.id}" in body
        assert f"https://theodoi.sonla.example/agencies/{world.syt.id}" in body
    assert "<b>không</b>" in text and "&lt;b&gt;không&lt;/b&gt;" in html and "<b>không</b>" not in html
    assert "<script" not in html and "<img" not in html
    sec = got["digest:secretariat:2023-07-05"]
    assert sec.rcpt_tos == ("thuongtruc@catinh.test", "ptm@catinh.test")
    assert "Công an tỉnh" in sec.message.get_body(("plain",)).get_content()


def test_preview_head_digest(session, world, cfg):
    mail = preview_head_digest(session, cfg, world.stp.id, TODAY)
    assert mail.subject.endswith("Sở Tư pháp – không có nhiệm vụ quá hạn")
    assert "Không có nhiệm vụ quá hạn." in mail.text and mail.recipients == ["head@stp.test"]
    with pytest.raises(NotFound):
        preview_head_digest(session, cfg, 999, TODAY)


@pytest.mark.parametrize("name", ["head_digest", "secretariat_digest"])
def test_golden_renderings(session, world, cfg, name):
    if name == "head_digest":
        mail = render_head_digest(head_digest(session, world.syt.id, TODAY), cfg)
    else:
        mail = render_secretariat_digest(secretariat_digest(session, TODAY), cfg)
    text = f"Subject: {mail.subject}\n\n{mail.text}"
    if os.environ.get("PLANTRACK_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        (GOLDEN / f"{name}.txt").write_text(text, encoding="utf-8")
        (GOLDEN / f"{name}.html").write_text(mail.html, encoding="utf-8")
    assert text == (GOLDEN / f"{name}.txt").read_text(encoding="utf-8")
    assert mail.html == (GOLDEN / f"{name}.html").read_text(encoding="utf-8")


def test_a_returned_item_past_due_keeps_its_reason_in_the_digest_as_in_the_inbox(session, world):
    later = world.syt_returned.due_date + timedelta(days=3)
    digest = head_digest(session, world.syt.id, later)
    inbox = agency_inbox(session, SYSTEM, later, agency_id=world.syt.id)
    reason = "Thiếu danh sách cơ sở đã kiểm tra & kết quả xử lý vi phạm."
    in_digest = {i.checkpoint_id: i.return_reason for i in digest.overdue}
    in_inbox = {i.checkpoint_id: i.return_reason for i in inbox.overdue}
    assert in_digest[world.syt_returned.id] == in_inbox[world.syt_returned.id] == reason
    assert [i.checkpoint_id for i in digest.overdue] == [i.checkpoint_id for i in inbox.overdue]
    assert [i.checkpoint_id for i in digest.due_soon] == [i.checkpoint_id for i in inbox.due_soon]
