"""Delivery under a crash: a deliverer process killed -9 mid-run, a real SMTP server, a shared database."""

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from models import OutboxMessage
from models.types import utcnow
from notifications.delivery import deliver_pending
from tests.notifications.smtp_server import SmtpServer
from tests.notifications.test_delivery import NOTICE
from workflows.kernel.outbox import enqueue_many

ROOT = Path(__file__).resolve().parents[2]
N, HOLD_AFTER, CONCURRENCY, BATCH, LEASE_S = 200, 60, 2, 10, 60


def queue_mails(engine, n: int) -> None:
    with Session(engine) as session:
        rows = [
            dict(
                dedupe_key=f"crash:{i}",
                template="notice_accepted",
                context=NOTICE,
                recipients=[f"u{i}@syt.test"],
            )
            for i in range(n)
        ]
        enqueue_many(session, rows)
        session.commit()


def wait_for(condition, what: str, seconds: float = 120) -> None:
    """Poll until `condition()` holds; the deadline only keeps a broken run from hanging the suite."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.02)


def statuses(engine) -> Counter:
    with Session(engine) as session:
        found = session.exec(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
        return Counter(dict(found.all()))


def sending_leases(engine) -> list:
    with Session(engine) as session:
        stmt = select(OutboxMessage.locked_until).where(OutboxMessage.status == "sending")
        return list(session.exec(stmt).all())


def deliverer(settings, smtp_port: int) -> subprocess.Popen:
    """`plantrack outbox deliver` as its own process on the test's database."""
    env = {
        **os.environ,
        "PLANTRACK_DATABASE_URL": settings.db_url,
        "PLANTRACK_DATA_DIR": str(settings.data_dir),
        "PLANTRACK_SMTP_HOST": "127.0.0.1",
        "PLANTRACK_SMTP_PORT": str(smtp_port),
        "PLANTRACK_SMTP_CONCURRENCY": str(CONCURRENCY),
        "PLANTRACK_SMTP_TIMEOUT_S": "120",
        "PLANTRACK_OUTBOX_BATCH": str(BATCH),
        "PLANTRACK_OUTBOX_LEASE_S": str(LEASE_S),
    }
    cmd = [sys.executable, "-m", "api.cli", "outbox", "deliver"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_a_deliverer_killed_mid_run_repeats_only_the_mails_in_flight(engine, settings):
    queue_mails(engine, N)
    with SmtpServer(hold_after=HOLD_AFTER) as smtp:
        proc = deliverer(settings, smtp.port)
        try:
            # the server keeps messages 61 and 62 unanswered: each worker waits for its 250
            wait_for(
                lambda: len(smtp.received) == HOLD_AFTER + CONCURRENCY or proc.poll() is not None, "held"
            )
            assert proc.poll() is None, proc.stdout.read().decode()
            # every accepted mail gets marked within MARK_DELAY_S while its worker waits on the
            # server: none of them can go out again (more than the held ones would fail the test)
            wait_for(lambda: statuses(engine)["sent"] >= HOLD_AFTER, "the accepted mails marked", 10)
            assert statuses(engine)["sent"] == HOLD_AFTER
            killed_at = utcnow()
        finally:
            proc.kill()  # SIGKILL: no cleanup, no marking
            proc.wait()
        leases = sending_leases(engine)
        # only the run's small batches sit in `sending`, and only until one lease after the crash
        assert 0 < len(leases) <= 2 * BATCH
        assert max(leases) <= killed_at + timedelta(seconds=LEASE_S)
        in_flight = [r.message["X-Plantrack-Outbox"] for r in smtp.received[HOLD_AFTER:]]
        smtp.handler.release()

        cfg = settings.model_copy(update={"smtp_port": smtp.port, "smtp_concurrency": CONCURRENCY})
        report = deliver_pending(engine, cfg, now=max(leases) + timedelta(seconds=1))

    assert report.sent == N - HOLD_AFTER and report.failed == report.dead == 0
    assert statuses(engine) == Counter(sent=N)  # nothing left `sending`
    copies = Counter(r.message["X-Plantrack-Outbox"] for r in smtp.received)
    assert set(copies) == {f"crash:{i}" for i in range(N)}  # every mail at least once
    twice = sorted(k for k, c in copies.items() if c > 1)
    assert max(copies.values()) == 2 and twice == sorted(in_flight)  # only those in flight at the kill
    assert len(twice) <= CONCURRENCY
    for key in twice:
        first, again = (r.message for r in smtp.received if r.message["X-Plantrack-Outbox"] == key)
        assert again["Message-ID"] == first["Message-ID"] and first["Message-ID"].startswith("<plantrack.")


def test_a_living_run_keeps_its_rows_past_the_first_lease(engine, settings):
    queue_mails(engine, 30)
    lease_s = 3.0
    with SmtpServer(hold_after=5) as smtp:
        cfg = settings.model_copy(
            update={
                "smtp_port": smtp.port,
                "smtp_concurrency": CONCURRENCY,
                "smtp_timeout_s": 120,
                "outbox_batch": BATCH,
                "outbox_lease_s": lease_s,
            }
        )
        reports = []
        run = threading.Thread(target=lambda: reports.append(deliver_pending(engine, cfg)))
        run.start()
        try:
            wait_for(lambda: len(smtp.received) == 5 + CONCURRENCY, "held")
            first = max(sending_leases(engine))
            assert first <= utcnow() + timedelta(seconds=lease_s)  # claimed under the short lease
            wait_for(lambda: utcnow() > first + timedelta(seconds=0.5), "the first lease to pass")
            # the run is alive (waiting on the server): its heartbeat moved the lease on
            leases = sending_leases(engine)
            assert leases and min(leases) > utcnow()
        finally:
            smtp.handler.release()
            run.join()
    assert reports[0].sent == 30
    assert sorted(Counter(smtp.handler.keys()).values()) == [1] * 30  # nobody took the rows meanwhile
