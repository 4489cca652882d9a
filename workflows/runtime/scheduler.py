"""Periodic jobs inside the web process (the single-machine default), run by ONE process only.

With `uvicorn --workers N` every worker calls `start_scheduler` from the FastAPI lifespan; a
leader lock decides which one runs the jobs: a non-blocking `flock` on
`<data_dir>/scheduler.lock` on SQLite, `pg_try_advisory_lock` on a dedicated connection on
PostgreSQL. The lock is held for the life of the process and released by the OS or the server
when it dies; the other workers keep campaigning, so one of them takes over
when the leader exits or dies. Followers retry every `scheduler_retry_s` seconds (default 2 s, so a
dead leader is replaced within about 5 s) and each job runs on its PLANTRACK_SCHEDULE_<JOB> timing
(workflows/runtime/timing.py). Jobs live in memory only: nothing is replaced or dropped on boot,
and a missed tick simply runs at the next one (the sweep is idempotent).
Set PLANTRACK_SCHEDULER_ENABLED=false when Prefect workers run the same jobs instead.
"""

import fcntl
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from models.config import TIMEZONE, Settings
from workflows.runtime import jobs
from workflows.runtime.timing import job_timing

log = logging.getLogger("plantrack.scheduler")

ADVISORY_LOCK_KEY = 0x706C616E747261  # "plantra": one key per database, shared by every worker
LOCK_FILE = "scheduler.lock"

# how late a job may still start after its tick (a missed tick coalesces into one run)
MISFIRE_GRACE_S = {
    "escalation_sweep": 3300,
    "outbox_delivery": 50,
    "head_digests": 6 * 3600,
    "secretariat_digest": 6 * 3600,
    "evidence_sweep": 600,
}


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
    """What `start_scheduler` returns to the lifespan: the jobs once this process leads, and its lock."""

    settings: Settings = field(repr=False)
    engine: Engine = field(repr=False)
    scheduler: BackgroundScheduler | None = None
    lock: LeaderLock | None = None
    _stopped: threading.Event = field(default_factory=threading.Event, repr=False)
    _mutex: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def leading(self) -> bool:
        """True while this process holds the leader lock and runs the jobs."""
        return self.scheduler is not None and self.scheduler.running

    def try_to_lead(self) -> bool:
        """Take the leader lock if it is free and start the jobs; True when this process leads."""
        with self._mutex:
            if self.scheduler is not None or self._stopped.is_set():
                return self.scheduler is not None
            lock = acquire_leader_lock(self.settings, self.engine)
            if lock is None:
                return False
            try:
                scheduler = build_scheduler(self.settings, self.engine)
                scheduler.start()
            except BaseException:
                lock.release()
                raise
            self.lock, self.scheduler = lock, scheduler
        jobs = ", ".join(j.id for j in scheduler.get_jobs())
        log.info("scheduler started in pid %d: %s", os.getpid(), jobs)
        return True

    def campaign(self, every_s: float) -> None:
        """Keep trying to lead in a daemon thread until this process leads or shuts down."""

        def loop() -> None:
            while not self._stopped.wait(every_s) and not self.try_to_lead():
                pass

        threading.Thread(target=loop, name="scheduler-campaign", daemon=True).start()

    def shutdown(self, wait: bool = True) -> None:
        """Stop the jobs (or the campaign), then let another process become leader."""
        self._stopped.set()
        with self._mutex:
            try:
                if self.scheduler is not None and self.scheduler.running:
                    self.scheduler.shutdown(wait=wait)
            finally:
                if self.lock is not None:
                    self.lock.release()
                    self.lock = None


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
    """A scheduler with the five jobs on their configured timings (not started); `today` read per run."""
    scheduler = BackgroundScheduler(timezone=TIMEZONE, job_defaults={"coalesce": True, "max_instances": 1})
    targets = {
        "escalation_sweep": (jobs.run_escalation_sweep, (engine,)),
        "outbox_delivery": (jobs.run_outbox_delivery, (engine, settings)),
        "head_digests": (jobs.run_head_digests, (engine, settings)),
        "secretariat_digest": (jobs.run_secretariat_digest, (engine, settings)),
        "evidence_sweep": (jobs.run_evidence_sweep, (engine, settings)),
    }
    for job_id, (func, args) in targets.items():
        scheduler.add_job(
            func,
            job_timing(settings, job_id).trigger(),
            args=args,
            id=job_id,
            name=job_id,
            misfire_grace_time=MISFIRE_GRACE_S[job_id],
        )
    return scheduler


def start_scheduler(
    settings: Settings, engine: Engine, retry_s: float | None = None
) -> SchedulerHandle | None:
    """Run the jobs here if enabled and this process wins the leader lock, else campaign for it.

    None when the scheduler is disabled (Prefect mode); otherwise a handle to shut down on exit.
    """
    if not settings.scheduler_enabled:
        log.info("scheduler disabled (PLANTRACK_SCHEDULER_ENABLED=false)")
        return None
    retry_s = settings.scheduler_retry_s if retry_s is None else retry_s
    for job_id in MISFIRE_GRACE_S:  # a malformed schedule fails the start, not the first tick
        job_timing(settings, job_id)
    handle = SchedulerHandle(settings=settings, engine=engine)
    if not handle.try_to_lead():
        log.info(
            "pid %d follows: another process leads the scheduler; retrying every %ss", os.getpid(), retry_s
        )
        handle.campaign(retry_s)
    return handle
