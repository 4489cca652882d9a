"""Digest data, queueing and golden renderings on a fixed province (tests/notifications/digest_world.py)."""

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlmodel import select

from models import Checkpoint, CheckpointState, OutboxMessage
from models.types import utcnow
from notifications.delivery import Mail, deliver_pending
from notifications.digests import (
    preview_head_digest,
    queue_head_digests,
    queue_secretariat_digest,
    render_head_digest,
    render_secretariat_digest,
)
from tests.builders import add_agency, add_indicator, add_plan, add_task, checkpoints_of
from tests.notifications.digest_world import TODAY, build_digest_world
from workflows.checkpoints import summary
from workflows.kernel.actors import SYSTEM
from workflows.kernel.errors import NotFound
from workflows.plans.lifecycle import end_plan
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


def as_delivered(row: OutboxMessage, cfg) -> Mail:
    """The row rendered as the sending worker renders it (from its stored context)."""
    mail = Mail(row.id, row.dedupe_key, row.attempts, row.recipients, row.template, row.context)
    mail.compose(cfg, utcnow())
    assert not mail.outcome, mail.error
    return mail


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
    # queued as a compact context, rendered at delivery
    assert (syt.subject, syt.body_text, syt.body_html, syt.status) == (None, None, None, "pending")
    assert "task_title" not in syt.context["overdue"][0] and syt.context["today"] == "2023-07-05"
    mail = as_delivered(syt, cfg)
    assert mail.subject == "[Sơn La – PCMT] Tổng hợp tuần 27/2023: Sở Y tế – 2 nhiệm vụ quá hạn"
    assert "Sở Y tế" in mail.text and "quá hạn" in mail.html
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
    assert row.subject is None and as_delivered(row, cfg).subject == (
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
        queue_head_digests(session, cfg, TODAY)
        key = f"digest:head:{world.syt.id}:2023-W27"
    else:
        mail = render_secretariat_digest(secretariat_digest(session, TODAY), cfg)
        queue_secretariat_digest(session, cfg, TODAY)
        key = "digest:secretariat:2023-07-05"
    text = f"Subject: {mail.subject}\n\n{mail.text}"
    if os.environ.get("PLANTRACK_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        (GOLDEN / f"{name}.txt").write_text(text, encoding="utf-8")
        (GOLDEN / f"{name}.html").write_text(mail.html, encoding="utf-8")
    assert text == (GOLDEN / f"{name}.txt").read_text(encoding="utf-8")
    assert mail.html == (GOLDEN / f"{name}.html").read_text(encoding="utf-8")
    # the queued row, its context through the database's JSON, renders the same mail at delivery
    session.commit()
    session.expire_all()
    (row,) = session.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == key)).all()
    sent = as_delivered(row, cfg)
    assert (sent.subject, sent.text, sent.html) == (mail.subject, mail.text, mail.html)


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


def _second_plan(session, world):
    """A later active plan (7/KH-UBND) with one overdue item of Sở Y tế, and a withdrawn one."""
    later = add_plan(session, "7/KH-UBND", issued_on=date(2023, 4, 1))
    task = add_task(
        session, world.syt, [date(2023, 6, 30)], ref="II.1-x", text="Việc của kế hoạch sau.", plan=later
    )
    (overdue,) = checkpoints_of(session, task)
    ended = add_plan(session, "99/KH-RUT", issued_on=date(2023, 2, 1))
    old = add_task(
        session, world.syt, [date(2023, 3, 1), date(2023, 6, 1)], text="Kế hoạch đã rút.", plan=ended
    )
    first, _ = checkpoints_of(session, old)
    with summary.changing(session, Checkpoint.id == first.id):
        first.state = CheckpointState.accepted  # done work stays in that plan's history, not in digests
    end_plan(session, SYSTEM, ended.id, "withdrawn", "Thay thế", TODAY)
    session.commit()
    return later, overdue


def test_digests_cover_every_active_plan_say_so_and_name_each_items_plan(session, world, cfg):
    before = head_digest(session, world.syt.id, TODAY).standing
    later, overdue = _second_plan(session, world)
    d = head_digest(session, world.syt.id, TODAY)
    assert d.plans.numbers == ["7/KH-UBND", "23/KH-UBND"] and d.plans.several and d.plans.chosen is None
    assert [(i.plan_number, i.checkpoint_id) for i in d.overdue] == [
        ("23/KH-UBND", world.syt_overdue.id),
        ("7/KH-UBND", overdue.id),
        ("23/KH-UBND", world.syt_new_overdue.id),
    ]
    # the withdrawn plan's accepted work is not in the figures; the new plan's overdue item is
    assert (d.standing.due, d.standing.done, d.standing.overdue) == (
        before.due + 1,
        before.done,
        before.overdue + 1,
    )
    mail = render_head_digest(d, cfg)
    assert "Phạm vi: tất cả kế hoạch đang thực hiện (2): 7/KH-UBND, 23/KH-UBND." in mail.text
    assert (
        "- [7/KH-UBND] II.1: quá hạn 5 ngày" in mail.text
        and "- [23/KH-UBND] II.4.2: quá hạn 21 ngày" in mail.text
    )
    assert "99/KH-RUT" not in mail.text and "99/KH-RUT" not in mail.html
    assert "7/KH-UBND</span> · <a href" in mail.html
    s = secretariat_digest(session, TODAY)
    assert s.plans.numbers == ["7/KH-UBND", "23/KH-UBND"]
    sec = render_secretariat_digest(s, cfg)
    assert "Phạm vi: tất cả kế hoạch đang thực hiện (2): 7/KH-UBND, 23/KH-UBND." in sec.text
    assert "- Sở Y tế – [23/KH-UBND] II.3.1: hạn 04/07/2023" in sec.text


def test_a_digest_honours_a_chosen_plan(session, world, cfg):
    later, overdue = _second_plan(session, world)
    d = head_digest(session, world.syt.id, TODAY, plan_id=later.id)
    assert [i.checkpoint_id for i in d.overdue] == [overdue.id] and d.due_soon == [] and not d.plans.several
    assert (d.standing.due, d.standing.overdue) == (1, 1) and d.extension_decisions == []
    mail = render_head_digest(d, cfg)
    assert "Phạm vi: Kế hoạch 7/KH-UBND." in mail.text and "[7/KH-UBND]" not in mail.text
    assert "- II.1: quá hạn 5 ngày" in mail.text and "II.4.2" not in mail.text
    only_first = secretariat_digest(session, TODAY, plan_id=later.id)
    assert only_first.review_queue == [] and only_first.pending_extensions == []
    assert only_first.overall.overdue == 1 and only_first.escalations == []
    preview = preview_head_digest(session, cfg, world.syt.id, TODAY, plan_id=later.id)
    assert "Phạm vi: Kế hoạch 7/KH-UBND." in preview.text
    with pytest.raises(NotFound):
        head_digest(session, world.syt.id, TODAY, plan_id=999)


def test_digests_carry_the_indicators_each_agency_owns_and_the_flagged_ones(session, world, cfg):
    d = head_digest(session, world.syt.id, TODAY)
    assert [(i.target_text, i.value_text, i.progress, i.status) for i in d.indicators] == [
        ("12 xã", "3 xã", 25.0, "at_risk"),  # a quarter of the communes at nearly half the year
        ("100%", "—", None, "no_data"),
    ]
    assert d.indicators_flagged == 1
    (missed,) = head_digest(session, world.ca.id, TODAY).indicators
    assert missed.status == "missed" and missed.owner_name == "Công an tỉnh"
    s = secretariat_digest(session, TODAY)
    assert [(i.owner_name, i.status) for i in s.indicators_flagged] == [
        ("Công an tỉnh", "missed"),
        ("Sở Y tế", "at_risk"),
    ]
    assert s.indicator_counts == {"achieved": 0, "on_track": 0, "at_risk": 1, "missed": 1, "no_data": 1}
    # an indicator at risk is news by itself: Sở Tư pháp, with nothing else to report, gets a digest
    assert head_digest(session, world.stp.id, TODAY) is None
    add_indicator(
        session, add_plan(session, "23/KH-UBND"), "5", "lớp", owner=world.stp, due_date=date(2023, 6, 30)
    )
    session.commit()
    (stp,) = head_digest(session, world.stp.id, TODAY).indicators
    assert stp.status == "missed"
    # a chosen plan keeps only its own indicators
    later, _ = _second_plan(session, world)
    assert head_digest(session, world.syt.id, TODAY, plan_id=later.id).indicators == []
