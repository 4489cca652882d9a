"""Outbox delivery to a real SMTP server: recipients, both parts, faults, no double sending."""

import threading
from datetime import timedelta

from sqlmodel import Session, select

from models import OutboxMessage
from models.db import create_schema, make_engine
from models.types import utcnow
from notifications.delivery import MAX_ATTEMPTS, claim, deliver_pending
from tests.builders import add_agency, add_user
from tests.notifications.smtp_server import SmtpServer, free_port
from workflows.kernel.outbox import enqueue, enqueue_many

NOTICE = dict(
    checkpoint_id=7,
    agency_name="Sở Y tế",
    task_ref="II.3-b2",
    task_title="Đánh giá chương trình điều trị nghiện bằng thuốc thay thế",
    task_text="Định kỳ 06 tháng, 01 năm đánh giá kết quả chương trình điều trị nghiện các chất "
    "dạng thuốc phiện bằng thuốc thay thế (Methadone, Buprenorphine).",
    period_label="6 tháng/2023",
    due_date="2023-06-14",
    days_late=3,
    rung="overdue",
    reason="Thiếu số liệu người điều trị",
    reviewer="Phòng Tham mưu",
)


def rows(session) -> dict[str, OutboxMessage]:
    session.expire_all()
    return {r.dedupe_key: r for r in session.exec(select(OutboxMessage)).all()}


def test_notices_reach_their_audience_with_both_parts_and_intact_vietnamese(
    engine, session, smtp, mail_settings
):
    syt = add_agency(session, "Sở Y tế", code="syt")
    add_user(session, "dm_syt", "focal", syt, email="dauMoi@syt.test")
    add_user(session, "old_focal", "focal", syt, email="cu@syt.test").active = False
    add_user(session, "ld_syt", "head", syt, email="giamdoc@syt.test")
    enqueue(session, "n:returned", "notice_returned", NOTICE, audience="focal", agency_id=syt.id)
    enqueue(session, "n:overdue", "escalation_overdue", NOTICE, audience="focal,head", agency_id=syt.id)
    enqueue(session, "n:secretariat", "escalation_secretariat", NOTICE, audience="secretariat")
    session.commit()

    report = deliver_pending(engine, mail_settings)

    assert (report.sent, report.failed, report.dead) == (3, 0, 0)
    got = {r.message["X-Plantrack-Outbox"]: r for r in smtp.received}
    assert set(got) == {"n:returned", "n:overdue", "n:secretariat"}
    assert got["n:returned"].rcpt_tos == ("focal@syt.test", "dauMoi@syt.test")
    assert got["n:overdue"].rcpt_tos == (
        "focal@syt.test",
        "dauMoi@syt.test",
        "head@syt.test",
        "giamdoc@syt.test",
    )
    assert got["n:secretariat"].rcpt_tos == ("thuongtruc@catinh.test",)
    msg = got["n:returned"].message
    assert msg["Subject"] == "[Sơn La – PCMT] Báo cáo bị trả lại: Sở Y tế – II.3 (6 tháng/2023)"
    assert "Sở Y tế" in str(msg["To"]) or msg["To"].addresses[0].addr_spec == "focal@syt.test"
    assert msg["Message-ID"] and msg["Date"]
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Sở Y tế" in body and "Thiếu số liệu người điều trị" in body
        assert "https://theodoi.sonla.example/checkpoints/7" in body
    assert "<table" in html and "<table" not in text
    overdue = got["n:overdue"].message
    assert "quá hạn 3 ngày" in overdue.get_body(("plain",)).get_content()
    assert overdue["Subject"].startswith("[Sơn La – PCMT] Quá hạn 3 ngày: Sở Y tế")
    stored = rows(session)
    assert all(r.status == "sent" and r.sent_at and r.attempts == 1 for r in stored.values())
    # what went out is kept on the row
    assert stored["n:returned"].recipients == ["focal@syt.test", "dauMoi@syt.test"]
    assert stored["n:returned"].subject == msg["Subject"]
    assert "Thiếu số liệu" in stored["n:returned"].body_text
    assert deliver_pending(engine, mail_settings).sent == 0 and len(smtp.received) == 3


def test_server_down_leaves_rows_failed_then_each_mail_arrives_once(engine, session, settings):
    port = free_port()
    cfg = settings.model_copy(update={"smtp_port": port, "smtp_timeout_s": 2})
    enqueue_many(
        session,
        [
            dict(
                dedupe_key=f"k{i}", template="notice_accepted", context=NOTICE, recipients=[f"a{i}@syt.test"]
            )
            for i in range(5)
        ],
    )
    session.commit()
    now = utcnow()

    report = deliver_pending(engine, cfg, now=now)

    assert (report.sent, report.failed, report.dead) == (0, 5, 0)
    down = rows(session)
    assert all(r.status == "failed" and r.sent_at is None and r.attempts == 1 for r in down.values())
    assert all("không kết nối được máy chủ thư" in r.last_error for r in down.values())
    assert all(r.next_attempt_at > now and r.locked_until is None for r in down.values())
    with SmtpServer(port=port) as smtp:
        assert deliver_pending(engine, cfg, now=now).sent == 0  # backoff not over yet
        assert smtp.received == []
        report = deliver_pending(engine, cfg, now=now + timedelta(hours=1))
        again = deliver_pending(engine, cfg, now=now + timedelta(days=2))
    assert (report.sent, report.failed, again.sent) == (5, 0, 0)
    assert sorted(smtp.handler.keys()) == [f"k{i}" for i in range(5)]
    assert all(r.status == "sent" and r.attempts == 2 for r in rows(session).values())


def test_a_550_recipient_is_dead_reported_and_not_retried(engine, session, smtp, mail_settings):
    enqueue(session, "dead", "notice_accepted", NOTICE, recipients=["nobody@syt.test"])
    enqueue(session, "half", "notice_accepted", NOTICE, recipients=["nobody@syt.test", "ok@syt.test"])
    session.commit()

    report = deliver_pending(engine, mail_settings)

    assert (report.sent, report.failed, report.dead) == (1, 0, 1)
    (dead,) = report.dead_mail
    assert dead.recipients == ["nobody@syt.test"] and "550" in dead.error
    stored = rows(session)
    assert stored["dead"].status == "dead" and "nobody@syt.test: 550" in stored["dead"].last_error
    assert stored["half"].status == "sent" and "nobody@syt.test" in stored["half"].last_error
    assert [r.rcpt_tos for r in smtp.received] == [("ok@syt.test",)]
    later = deliver_pending(engine, mail_settings, now=utcnow() + timedelta(days=30))
    assert (later.sent, later.failed, later.dead) == (0, 0, 0) and len(smtp.received) == 1


def test_rows_that_cannot_become_mail_are_dead_with_the_reason(engine, session, smtp, mail_settings):
    syt = add_agency(session, "Sở Y tế", code="syt")
    syt.focal_email = None
    enqueue(session, "nobody", "notice_returned", NOTICE, audience="focal", agency_id=syt.id)
    enqueue(session, "no-template", "khong_co_mau", NOTICE, recipients=["a@syt.test"])
    enqueue(session, "bad-context", "notice_returned", {"agency_name": "Sở Y tế"}, recipients=["a@syt.test"])
    session.commit()

    report = deliver_pending(engine, mail_settings)

    assert (report.sent, report.dead) == (0, 3) and smtp.received == []
    stored = rows(session)
    assert "không có địa chỉ nhận" in stored["nobody"].last_error
    assert "khong_co_mau" in stored["no-template"].last_error
    assert "không dựng được thư" in stored["bad-context"].last_error


def test_internationalised_addresses(engine, session, smtp, mail_settings):
    enqueue(session, "idn", "notice_accepted", NOTICE, recipients=["vanthu@sở-y-tế.vn"])
    enqueue(session, "utf8-local", "notice_accepted", NOTICE, recipients=["người.nhận@syt.test"])
    session.commit()

    report = deliver_pending(engine, mail_settings)

    assert (report.sent, report.dead) == (1, 1)
    assert [r.rcpt_tos for r in smtp.received] == [("vanthu@xn--s-y-t-s61b1i.vn",)]  # IDNA, no SMTPUTF8
    assert rows(session)["utf8-local"].status == "dead"


def test_repeated_transient_failures_end_dead(engine, session, settings):
    cfg = settings.model_copy(update={"smtp_port": free_port()})
    enqueue(session, "k", "notice_accepted", NOTICE, recipients=["a@syt.test"])
    session.commit()
    now = utcnow()
    for i in range(MAX_ATTEMPTS):
        report = deliver_pending(engine, cfg, now=now + timedelta(days=i))
    assert (report.failed, report.dead) == (0, 1)
    (row,) = rows(session).values()
    assert row.status == "dead" and row.attempts == MAX_ATTEMPTS
    assert deliver_pending(engine, cfg, now=now + timedelta(days=99)).dead == 0


def test_a_claim_takes_at_most_n_due_rows_and_leases_them(engine, session):
    enqueue_many(
        session,
        [dict(dedupe_key=f"m{i}", template="t", context={}, recipients=["a@syt.test"]) for i in range(10)],
    )
    session.commit()
    now = utcnow()
    first, second = claim(engine, now, 4), claim(engine, now, 4)
    assert len(first) == 4 and len(second) == 4  # PostgreSQL once ignored the LIMIT of an IN subquery
    assert not {r["id"] for r in first} & {r["id"] for r in second}
    assert len(claim(engine, now, 100)) == 2 and claim(engine, now, 100) == []
    # a lease that ran out (a crashed run) makes the rows claimable again
    assert len(claim(engine, now + timedelta(hours=1), 100)) == 10


def _two_runs_at_once(url: str, smtp: SmtpServer, settings, n: int = 60) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        enqueue_many(
            session,
            [
                dict(
                    dedupe_key=f"m{i}",
                    template="notice_accepted",
                    context=NOTICE,
                    recipients=[f"u{i}@syt.test"],
                )
                for i in range(n)
            ],
        )
        session.commit()
    cfg = settings.model_copy(update={"smtp_port": smtp.port, "smtp_concurrency": 2})
    reports, errors = [], []
    start = threading.Barrier(2)

    def run():
        try:
            start.wait()
            reports.append(deliver_pending(engine, cfg, batch=4))
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    keys = smtp.handler.keys()
    assert sorted(keys) == sorted(f"m{i}" for i in range(n))  # every mail, none twice
    assert sum(r.sent for r in reports) == n
    with Session(engine) as session:
        assert {r.status for r in session.exec(select(OutboxMessage)).all()} == {"sent"}
    engine.dispose()


def test_two_delivery_runs_at_once_on_postgresql_send_each_mail_once(pg_url, smtp, settings):
    _two_runs_at_once(pg_url, smtp, settings)


def test_two_delivery_runs_at_once_on_sqlite_send_each_mail_once(tmp_path, smtp, settings):
    url = f"sqlite:///{tmp_path / 'concurrent.db'}"
    create_schema(make_engine(url))
    _two_runs_at_once(url, smtp, settings)
