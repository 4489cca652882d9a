"""Periodic jobs inside the web process (the single-machine default), run by ONE process only.

With `uvicorn --workers N` every worker calls `start_scheduler` from the FastAPI lifespan; a
leader lock decides which one runs the jobs: a non-blocking `flock` on
`<data_dir>/scheduler.lock` on SQLite, `pg_try_advisory_lock` on a dedicated connection on
PostgreSQL. The lock is held for the life of the process and released by the OS or the server
when it dies, so a respawned worker takes over. Jobs live in memory only: nothing is replaced or
dropped on boot, and a missed tick simply runs at the next one (the sweep is idempotent).
Set PLANTRACK_SCHEDULER_ENABLED=false when Prefect workers run the same jobs instead.
"""
import fcntl
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from models.config import TIMEZONE, Settings
from workflows import jobs

log = logging.getLogger("plantrack.scheduler")

ADVISORY_LOCK_KEY = 0x706C616E747261  # "plantra": one key per database, shared by every worker
LOCK_FILE = "scheduler.lock"

# (job id, cron fields, misfire grace in seconds); times are Asia/Ho_Chi_Minh
SCHEDULE: list[tuple[str, dict[str, str], int]] = [
    ("escalation_sweep", {"minute": "0"}, 3300),
    ("outbox_delivery", {"minute": "*"}, 50),
    ("head_digests", {"day_of_week": "mon", "hour": "7", "minute": "0"}, 6 * 3600),
    ("secretariat_digest", {"hour": "7", "minute": "0"}, 6 * 3600),
]


@dataclass
class LeaderLock:
    """The held lock: an open file with an flock, or a connection holding an advisory lock."""

    file: Any = None
    connection: Connection | None = None

    def release(self) -> None:
        if self.connection is not None:
            try:
                self.connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
            finally:
                self.connection.close()
                self.connection = None
        if self.file is not None:
            fcntl.flock(self.file, fcntl.LOCK_UN)
            self.file.close()
            self.file = None


@dataclass
class SchedulerHandle:
    """What `start_scheduler` returns to the lifespan: the running scheduler and its lock."""

    scheduler: BackgroundScheduler
    lock: LeaderLock
    engine: Engine = field(repr=False)

    def shutdown(self, wait: bool = True) -> None:
        """Stop the jobs, then let another process become leader."""
        try:
            if self.scheduler.running:
                self.scheduler.shutdown(wait=wait)
        finally:
            self.lock.release()


def acquire_leader_lock(settings: Settings, engine: Engine) -> LeaderLock | None:
    """Try once, without waiting; None when another process holds the lock."""
    if engine.dialect.name == "postgresql":
        conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            won = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY}).scalar()
        except BaseException:
            conn.close()
            raise
        if not won:
            conn.close()
            return None
        return LeaderLock(connection=conn)
    path = Path(settings.data_dir) / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")  # noqa: SIM115  (held open for the process lifetime)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return LeaderLock(file=handle)


def build_scheduler(settings: Settings, engine: Engine) -> BackgroundScheduler:
    """A scheduler with the four jobs (not started); `today` is read when each job runs."""
    scheduler = BackgroundScheduler(timezone=TIMEZONE, job_defaults={"coalesce": True, "max_instances": 1})
    targets = {
        "escalation_sweep": (jobs.run_escalation_sweep, (engine,)),
        "outbox_delivery": (jobs.run_outbox_delivery, (engine, settings)),
        "head_digests": (jobs.run_head_digests, (engine, settings)),
        "secretariat_digest": (jobs.run_secretariat_digest, (engine, settings)),
    }
    for job_id, fields, grace in SCHEDULE:
        func, args = targets[job_id]
        scheduler.add_job(func, CronTrigger(timezone=TIMEZONE, **fields), args=args, id=job_id,
                          name=job_id, misfire_grace_time=grace)
    return scheduler


def start_scheduler(settings: Settings, engine: Engine) -> SchedulerHandle | None:
    """Start the jobs in this process if enabled and this process wins the leader lock."""
    if not settings.scheduler_enabled:
        log.info("scheduler disabled (PLANTRACK_SCHEDULER_ENABLED=false)")
        return None
    lock = acquire_leader_lock(settings, engine)
    if lock is None:
        log.info("scheduler not started in pid %d: another process is the leader", os.getpid())
        return None
    try:
        scheduler = build_scheduler(settings, engine)
        scheduler.start()
    except BaseException:
        lock.release()
        raise
    log.info("scheduler started in pid %d: %s", os.getpid(), ", ".join(j.id for j in scheduler.get_jobs()))
    return SchedulerHandle(scheduler=scheduler, lock=lock, engine=engine)
