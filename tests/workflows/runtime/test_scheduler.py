"""Scheduler wiring: one leader among processes, the four jobs on the right cron in Vietnam time."""

import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, func, select

from models import Escalation
from models.config import Settings
from models.db import create_schema, make_engine
from tests.builders import add_agency, add_task
from workflows.kernel.clock import today_in_vietnam
from workflows.kernel.errors import InvalidInput
from workflows.runtime.scheduler import start_scheduler

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    """(settings, engine) with the scheduler enabled, on a SQLite file or a throwaway PostgreSQL DB."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'sched.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    engine = make_engine(url)
    create_schema(engine)
    settings = Settings(data_dir=tmp_path / "data", database_url=url, scheduler_enabled=True)
    yield settings, engine
    engine.dispose()


def test_two_workers_starting_at_once_elect_one_leader(backend):
    settings, engine = backend
    barrier, handles = threading.Barrier(2), []

    def worker():
        barrier.wait()
        handles.append(start_scheduler(settings, engine, retry_s=3600))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    leaders = [h for h in handles if h.leading]
    (follower,) = [h for h in handles if not h.leading]
    assert len(handles) == 2 and len(leaders) == 1
    assert leaders[0].scheduler.running and follower.scheduler is None
    assert not follower.try_to_lead()  # still held
    leaders[0].shutdown()
    assert not leaders[0].scheduler.running
    assert follower.try_to_lead()  # released on shutdown: the follower's campaign takes over
    assert follower.leading
    follower.shutdown()
    assert not follower.leading


def test_a_follower_campaigns_until_the_leader_leaves(backend):
    settings, engine = backend
    leader = start_scheduler(settings, engine)
    follower = start_scheduler(settings, engine, retry_s=0.05)
    try:
        assert leader.leading and not follower.leading
        leader.shutdown()
        for _ in range(600):  # the campaign thread retries every 50 ms
            if follower.leading:
                break
            threading.Event().wait(0.05)
        assert follower.leading
    finally:
        leader.shutdown()
        follower.shutdown()


def test_another_process_is_refused_while_the_leader_lives(backend):
    settings, engine = backend
    handle = start_scheduler(settings, engine)
    assert handle.leading
    probe = (
        "import sys; from pathlib import Path; from models.config import Settings; "
        "from models.db import make_engine; from workflows.runtime.scheduler import start_scheduler; "
        "s = Settings(data_dir=Path(sys.argv[1]), database_url=sys.argv[2], scheduler_enabled=True); "
        "h = start_scheduler(s, make_engine(s.db_url)); print('leader' if h.leading else 'follower'); "
        "h.shutdown()"
    )
    args = [sys.executable, "-c", probe, str(settings.data_dir), settings.db_url]
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=60, check=True).stdout.strip()
        assert out == "follower"
    finally:
        handle.shutdown()
    out = subprocess.run(args, capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    assert out == "leader"


def test_disabled_scheduler_takes_no_lock(tmp_path):
    url = f"sqlite:///{tmp_path / 'off.db'}"
    engine = make_engine(url)
    off = Settings(data_dir=tmp_path / "data", database_url=url, scheduler_enabled=False)
    assert start_scheduler(off, engine) is None
    handle = start_scheduler(off.model_copy(update={"scheduler_enabled": True}), engine)
    assert handle.leading
    handle.shutdown()
    engine.dispose()


def test_jobs_and_their_triggers(tmp_path):
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    engine = make_engine(url)
    handle = start_scheduler(Settings(data_dir=tmp_path / "data", database_url=url), engine)
    try:
        jobs = {j.id: j for j in handle.scheduler.get_jobs()}
        assert set(jobs) == {
            "escalation_sweep",
            "outbox_delivery",
            "head_digests",
            "secretariat_digest",
            "evidence_sweep",
        }

        def fields(job_id):
            trigger = jobs[job_id].trigger
            assert trigger.timezone == VN
            return {f.name: str(f) for f in trigger.fields if str(f) != "*"}  # the cron line's own fields

        assert fields("escalation_sweep") == {"second": "0", "minute": "0"}
        assert fields("evidence_sweep") == {"second": "0", "minute": "*/15"}
        assert fields("outbox_delivery") == {"second": "0"}
        assert fields("head_digests") == {"second": "0", "day_of_week": "mon", "hour": "7", "minute": "0"}
        assert fields("secretariat_digest") == {"second": "0", "hour": "7", "minute": "0"}
        wed = datetime(2023, 6, 14, 10, 30, 20, tzinfo=VN)

        def next_after(job_id, moment=wed):
            return jobs[job_id].trigger.get_next_fire_time(None, moment)

        assert next_after("head_digests") == datetime(2023, 6, 19, 7, 0, tzinfo=VN)
        assert next_after("secretariat_digest") == datetime(2023, 6, 15, 7, 0, tzinfo=VN)
        assert next_after("escalation_sweep") == datetime(2023, 6, 14, 11, 0, tzinfo=VN)
        assert next_after("outbox_delivery") == datetime(2023, 6, 14, 10, 31, tzinfo=VN)
        assert all(j.max_instances == 1 and j.coalesce for j in jobs.values())
    finally:
        handle.shutdown()
        engine.dispose()


def test_sweep_job_runs_on_todays_date(settings, engine):
    with Session(engine) as s:
        add_task(s, add_agency(s, "Sở Y tế"), [today_in_vietnam() + timedelta(days=3)])
        s.commit()
    handle = start_scheduler(settings.model_copy(update={"scheduler_enabled": True}), engine)
    try:
        job = handle.scheduler.get_job("escalation_sweep")
        fired = job.func(*job.args)  # what the scheduler calls on the hour, without waiting for it
    finally:
        handle.shutdown()
    assert [f.rung for f in fired] == ["reminder"]
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Escalation)).one() == 1


def test_job_timings_come_from_the_settings(tmp_path):
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    engine = make_engine(url)
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=url,
        schedule_outbox_delivery="15",
        schedule_escalation_sweep="30 */2 * * *",
    )
    handle = start_scheduler(settings, engine)
    try:
        jobs = {j.id: j for j in handle.scheduler.get_jobs()}
        moment = datetime(2023, 6, 14, 10, 30, 20, tzinfo=VN)
        delivery = jobs["outbox_delivery"].trigger
        assert delivery.get_next_fire_time(None, moment) == datetime(2023, 6, 14, 10, 30, 30, tzinfo=VN)
        sweep = jobs["escalation_sweep"].trigger
        assert sweep.get_next_fire_time(None, moment) == datetime(2023, 6, 14, 12, 30, tzinfo=VN)
    finally:
        handle.shutdown()
        engine.dispose()


@pytest.mark.parametrize("value", ["0", "-5", "every minute", "61 * * * *", "* * * *"])
def test_a_malformed_timing_is_refused_before_anything_starts(tmp_path, value):
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    settings = Settings(data_dir=tmp_path / "data", database_url=url, schedule_head_digests=value)
    with pytest.raises(InvalidInput) as refused:
        start_scheduler(settings, make_engine(url))
    assert refused.value.code == "schedule.invalid"
    assert (
        refused.value.message("vi")
        == f"Lịch chạy của head_digests là «{value}»: cần một dòng cron (năm trường) hoặc một số giây."
    )
    assert not (tmp_path / "data" / "scheduler.lock").exists()  # no lock taken


SCHEDULER_PROCESS = """
import logging, signal, sys
from pathlib import Path
from models.config import Settings
from models.db import make_engine
from workflows.runtime.scheduler import start_scheduler
logging.basicConfig(level=logging.INFO, format="%(created).3f %(name)s %(message)s", stream=sys.stdout)
s = Settings(data_dir=Path(sys.argv[1]), database_url=sys.argv[2], schedule_escalation_sweep="1")
handle = start_scheduler(s, make_engine(s.db_url))
signal.signal(signal.SIGTERM, lambda *_: (handle.shutdown(), sys.exit(0)))
signal.pause()
"""


def test_a_second_scheduler_process_takes_over_when_the_leader_dies(backend, tmp_path):
    from tests.workflows.runtime.prefect_server import stop, wait_for

    settings, _ = backend
    logs = [tmp_path / "first.log", tmp_path / "second.log"]

    def start(log):
        with open(log, "wb") as out:
            args = [sys.executable, "-u", "-c", SCHEDULER_PROCESS, str(settings.data_dir), settings.db_url]
            return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)

    def lines(log, text):
        return [line for line in log.read_text().splitlines() if text in line]

    def explain():
        return "\n".join(f"{log.name}:\n{log.read_text()}" for log in logs)

    first = start(logs[0])
    second = None
    try:
        wait_for(lambda: lines(logs[0], "escalation sweep"), 60, explain)  # leads, and ticks every second
        second = start(logs[1])
        wait_for(lambda: lines(logs[1], "follows"), 60, explain)
        assert "retrying every 2.0s" in lines(logs[1], "follows")[0]  # the default: failover within ~5 s
        first.kill()  # no clean shutdown: the OS (flock) or PostgreSQL (connection gone) frees the lock
        first.wait()
        killed_at = time.time()
        wait_for(lambda: lines(logs[1], "escalation sweep"), 60, explain)
    finally:
        first.kill()
        code = stop(second, 30)
    took_over = float(lines(logs[1], "scheduler started")[0].split()[0])
    print(f"failover: {took_over - killed_at:.1f} s after the leader was killed")
    assert code == 0  # and the new leader stops cleanly on one SIGTERM
    assert not lines(logs[0], "follows") and lines(logs[1], "scheduler started")
