"""Entry points of the periodic work; APScheduler jobs, Prefect flows and the CLI call these.

Each runs one unit of work (commits at its boundary) and logs a one-line summary. Mail modules
are imported when a job runs, so the sweep works without the notifications package loaded.
"""

import logging
from collections import Counter
from datetime import date

from sqlalchemy.engine import Engine

from models.config import Settings
from models.db import unit_of_work
from workflows.checkpoints.summary import roll_forward
from workflows.escalation.sweep import FiredRung, escalate_overdue
from workflows.followup.explanations import escalate_unanswered
from workflows.kernel.clock import today_in_vietnam

log = logging.getLogger("plantrack.jobs")


def run_escalation_sweep(engine: Engine, today: date | None = None) -> list[FiredRung]:
    """Roll the day's figures forward; fire the rungs current on `today` (default: today in Vietnam);
    escalate unanswered requests."""
    today = today or today_in_vietnam()
    with unit_of_work(engine) as session:
        roll_forward(session, today)
    with unit_of_work(engine) as session:
        fired = escalate_overdue(session, today)
        unanswered = escalate_unanswered(session, today)
    per_rung = Counter(f.rung for f in fired)
    log.info(
        "escalation sweep %s: %d fired %s, %d unanswered explanation requests escalated",
        today.isoformat(),
        len(fired),
        dict(per_rung),
        len(unanswered),
    )
    return fired


def run_outbox_delivery(engine: Engine, settings: Settings):
    """Send the due outbox rows over SMTP (claims and marks commit inside deliver_pending)."""
    from notifications.delivery import deliver_pending

    report = deliver_pending(engine, settings)
    if report.sent or report.failed or report.dead:
        log.info("outbox delivery: %d sent, %d failed, %d dead", report.sent, report.failed, report.dead)
    return report


def run_head_digests(engine: Engine, settings: Settings, today: date | None = None) -> int:
    """Queue the weekly digest of each agency for its department head."""
    from notifications.digests import queue_head_digests

    today = today or today_in_vietnam()
    with unit_of_work(engine) as session:
        queued = queue_head_digests(session, settings, today)
    log.info("head digests %s: %d queued", today.isoformat(), queued)
    return queued


def run_secretariat_digest(engine: Engine, settings: Settings, today: date | None = None) -> int:
    """Queue the secretariat's daily digest (escalation queue, overdue items)."""
    from notifications.digests import queue_secretariat_digest

    today = today or today_in_vietnam()
    with unit_of_work(engine) as session:
        queued = queue_secretariat_digest(session, settings, today)
    log.info("secretariat digest %s: %d queued", today.isoformat(), queued)
    return queued


def run_evidence_sweep(engine: Engine, settings: Settings, now: float | None = None) -> list[str]:
    """Remove evidence files no row refers to (past their grace) and stale half-written temp files."""
    from workflows.checkpoints.evidence import EvidenceStore
    from workflows.checkpoints.submissions import sweep_orphan_files

    store = EvidenceStore.from_settings(settings)
    temp = store.remove_temp_files()  # a worker that died mid-upload while the others run on
    with unit_of_work(engine) as session:
        removed = sweep_orphan_files(session, store, now=now)
    if removed or temp:
        log.info("evidence sweep: %d orphan file(s), %d temp file(s) removed", len(removed), temp)
    return removed


def run_plan_import(engine: Engine, source_text: str, today: date | None = None):
    """Parse a plan's text and create or update it in the database (as `plantrack plan import`)."""
    from workflows.agencies.registry import load_registry
    from workflows.kernel.actors import SYSTEM
    from workflows.plans.importing import import_plan
    from workflows.plans.parser import parse_plan

    today = today or today_in_vietnam()
    registry = load_registry()
    parsed = parse_plan(source_text, registry)
    with unit_of_work(engine) as session:
        report = import_plan(session, SYSTEM, parsed, source_text, registry, today)
    log.info(
        "plan import %s: plan %s %s, %d added, %d changed, %d withdrawn",
        parsed.plan.number,
        report.plan_id,
        "created" if report.created else "updated",
        len(report.added),
        len(report.changed),
        len(report.withdrawn),
    )
    return report
