"""Prefect flows: orchestration only, over the same entry points APScheduler calls (workflows.runtime.jobs).

Retries wrap I/O only — SMTP delivery and reading a plan file — never the database rules: a
rule that refused once refuses again, and the sweep is simply run again at the next tick.
Settings come from the environment (PLANTRACK_*) of the worker that runs the flow. While a flow
body runs, the `plantrack` loggers (the jobs' one-line summaries) also go to the run's Prefect logs.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.context import FlowRunContext
from prefect.logging.handlers import APILogHandler

from models.config import get_settings
from models.db import make_engine
from workflows.kernel.errors import InvalidInput
from workflows.runtime import jobs

READ_RETRY_DELAYS = [5, 30, 120]
DELIVERY_RETRY_DELAYS = [30, 120, 600]


def _today(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput("form.today_invalid", text=value) from exc


@contextmanager
def run_logs() -> Iterator[None]:
    """Send `plantrack.*` records at INFO and above to the current run's logs, for this block only.

    Attached per run rather than at import, so the same loggers used outside a run (the web
    process's scheduler) do not warn about a missing run context.
    """
    if FlowRunContext.get() is None:  # the body called directly (`.fn`), outside any run
        yield
        return
    logger = logging.getLogger("plantrack")
    handler, level = APILogHandler(level=logging.INFO), logger.level
    logger.addHandler(handler)
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _only_os_errors(task, task_run, state) -> bool:
    """Retry a read when the file system failed, not when the document itself was refused."""
    try:
        state.result()
    except OSError:
        return True
    except Exception:
        return False
    return False


@flow(name="escalation-sweep")
def escalation_sweep_flow(today: str | None = None) -> dict[str, int]:
    """Fire the escalation rungs current today; returns the count per rung."""
    engine = make_engine(get_settings().db_url)
    try:
        with run_logs():
            fired = jobs.run_escalation_sweep(engine, _today(today))
    finally:
        engine.dispose()
    counts: dict[str, int] = {}
    for f in fired:
        counts[f.rung] = counts.get(f.rung, 0) + 1
    return counts


@task(retries=3, retry_delay_seconds=DELIVERY_RETRY_DELAYS)
def deliver_outbox() -> dict[str, Any]:
    """Send the due outbox rows over SMTP (I/O: retried when the run as a whole fails)."""
    settings = get_settings()
    engine = make_engine(settings.db_url)
    try:
        with run_logs():
            report = jobs.run_outbox_delivery(engine, settings)
    finally:
        engine.dispose()
    return asdict(report)


@flow(name="outbox-delivery")
def outbox_delivery_flow() -> dict[str, Any]:
    """Deliver pending mail."""
    return deliver_outbox()


@flow(name="head-digests")
def head_digest_flow(today: str | None = None) -> int:
    """Queue the weekly digests for department heads (delivery sends them); returns rows queued."""
    settings = get_settings()
    engine = make_engine(settings.db_url)
    try:
        with run_logs():
            return jobs.run_head_digests(engine, settings, _today(today))
    finally:
        engine.dispose()


@flow(name="secretariat-digest")
def secretariat_digest_flow(today: str | None = None) -> int:
    """Queue the secretariat's daily digest (delivery sends it); returns rows queued."""
    settings = get_settings()
    engine = make_engine(settings.db_url)
    try:
        with run_logs():
            return jobs.run_secretariat_digest(engine, settings, _today(today))
    finally:
        engine.dispose()


@flow(name="evidence-sweep")
def evidence_sweep_flow() -> int:
    """Remove orphan evidence files and stale temp files; returns the orphans removed."""
    settings = get_settings()
    engine = make_engine(settings.db_url)
    try:
        with run_logs():
            return len(jobs.run_evidence_sweep(engine, settings))
    finally:
        engine.dispose()


@task(retries=3, retry_delay_seconds=READ_RETRY_DELAYS, retry_condition_fn=_only_os_errors)
def read_plan_text(path: str) -> str:
    """The text of a plan document (.txt, .docx, .pdf)."""
    from workflows.plans.documents import read_plan_file

    return read_plan_file(Path(path))


@flow(name="plan-import")
def plan_import_flow(path: str, today: str | None = None) -> dict[str, Any]:
    """Read, parse and store a plan document; returns what the import did."""
    text = read_plan_text(path)
    engine = make_engine(get_settings().db_url)
    try:
        with run_logs():
            report = jobs.run_plan_import(engine, text, _today(today))
    finally:
        engine.dispose()
    return asdict(report)
