"""Reports (báo cáo) by the lead agency and contributions by supporting agencies."""

import os
import time
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from models.checkpoint import CheckpointState
from models.submission import Evidence, Submission, SubmissionKind, SubmissionStatus
from workflows.checkpoints.evidence import SHA256, TEMP_PREFIX, CheckedFile, EvidenceStore, attach, check_link
from workflows.checkpoints.guard import change_checkpoint, require_version
from workflows.checkpoints.permissions import (
    checkpoint_facts,
    refuse_if,
    when_may_contribute,
    when_may_report,
    who_may_contribute,
    who_may_report,
)
from workflows.checkpoints.queries import get_checkpoint
from workflows.kernel import audit
from workflows.kernel.actors import Actor
from workflows.kernel.errors import InvalidInput

MAX_NOTE = 20_000
MAX_ITEMS = 20
ORPHAN_GRACE = timedelta(minutes=10)  # far longer than any upload transaction takes to commit


def _checked_input(
    store: EvidenceStore, note: str | None, files: list[tuple[str, bytes]], links: list[str]
) -> tuple[str, list[CheckedFile], list[str]]:
    """Validate everything before anything is written (bad input leaves no trace)."""
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput("submission.note_too_long", n=len(note), max=MAX_NOTE)
    if len(files) + len(links) > MAX_ITEMS:
        raise InvalidInput("submission.too_many_items", max=MAX_ITEMS)
    checked = [store.check_file(name, data) for name, data in files]
    urls = [check_link(url) for url in links]
    if not note and not checked and not urls:
        raise InvalidInput("submission.empty")
    return note, checked, urls


def _evidence_summary(rows: list[Evidence]) -> list[dict]:
    return [
        {"kind": e.kind, "sha256": e.sha256, "filename": e.filename, "size": e.size, "url": e.url}
        for e in rows
    ]


def submit_report(
    session: Session,
    actor: Actor,
    checkpoint_id: int,
    note: str | None,
    files: list[tuple[str, bytes]],
    links: list[str],
    today: date,
    store: EvidenceStore,
    expected_version: int | None = None,
) -> Submission:
    """The lead agency's focal point reports on an open or returned checkpoint (a new round)."""
    cp = get_checkpoint(session, actor, checkpoint_id)
    facts = checkpoint_facts(session, cp)
    refuse_if(who_may_report(actor, facts))
    note, checked, urls = _checked_input(store, note, files, links)
    require_version(cp, expected_version)
    refuse_if(when_may_report(facts))
    before = {"state": cp.state, "submitted_on": cp.submitted_on, "version": cp.version}
    # the guarded UPDATE first: a stale form is refused before any file is written
    change_checkpoint(session, cp, expected_version, state=CheckpointState.submitted, submitted_on=today)
    draft = Submission(
        checkpoint_id=cp.id,
        agency_id=cp.agency_id,
        kind=SubmissionKind.report,
        status=SubmissionStatus.pending,
    )
    sub, evidence = _store_round(session, store, actor, draft, note, today, checked, urls)
    audit.record(
        session,
        actor,
        "submission.submit",
        "checkpoint",
        cp.id,
        before,
        {
            "state": cp.state,
            "submitted_on": cp.submitted_on,
            "version": cp.version,
            "submission_id": sub.id,
            "round": sub.round,
            "evidence": _evidence_summary(evidence),
        },
    )
    return sub


def add_contribution(
    session: Session,
    actor: Actor,
    checkpoint_id: int,
    note: str | None,
    files: list[tuple[str, bytes]],
    links: list[str],
    today: date,
    store: EvidenceStore,
) -> Submission:
    """A supporting agency's focal point adds input to the lead's checkpoint (state unchanged)."""
    cp = get_checkpoint(session, actor, checkpoint_id)
    facts = checkpoint_facts(session, cp)
    refuse_if(who_may_contribute(actor, facts))
    note, checked, urls = _checked_input(store, note, files, links)
    refuse_if(when_may_contribute(facts))
    draft = Submission(
        checkpoint_id=cp.id,
        agency_id=actor.agency_id,
        kind=SubmissionKind.contribution,
        status=SubmissionStatus.noted,
    )
    sub, evidence = _store_round(session, store, actor, draft, note, today, checked, urls)
    audit.record(
        session,
        actor,
        "contribution.add",
        "checkpoint",
        cp.id,
        None,
        {
            "submission_id": sub.id,
            "agency_id": sub.agency_id,
            "round": sub.round,
            "evidence": _evidence_summary(evidence),
        },
    )
    return sub


def _store_round(
    session: Session,
    store: EvidenceStore,
    actor: Actor,
    sub: Submission,
    note: str,
    today: date,
    checked: list[CheckedFile],
    urls: list[str],
) -> tuple[Submission, list[Evidence]]:
    """Number, store and attach evidence to a new submission (its checkpoint, agency, kind, status set).

    A report's round counts the checkpoint's reports; a contribution's, that agency's contributions.
    """
    same = [Submission.checkpoint_id == sub.checkpoint_id, Submission.kind == sub.kind]
    if sub.kind == SubmissionKind.contribution:
        same.append(Submission.agency_id == sub.agency_id)
    previous = session.exec(select(func.count()).select_from(Submission).where(*same)).one()
    sub.author_id, sub.note, sub.round, sub.submitted_on = actor.user_id, note, previous + 1, today
    session.add(sub)
    session.flush()
    return sub, attach(session, store, sub, checked, urls)


def sweep_orphan_files(
    session: Session, store: EvidenceStore, grace: timedelta = ORPHAN_GRACE, now: float | None = None
) -> list[str]:
    """Remove stored files no Evidence row refers to, and leftover temp files, older than `grace`.

    Files newer than `grace` are left alone: their transaction may still be committing (`put`
    touches a reused file for the same reason). Returns the removed paths relative to the root.
    """
    if not store.root.is_dir():
        return []
    cutoff = (time.time() if now is None else now) - grace.total_seconds()
    candidates: dict[str, tuple[os.DirEntry, float]] = {}
    removed = []
    for sub in os.scandir(store.root):
        if not (sub.is_dir(follow_symlinks=False) and len(sub.name) == 2):
            continue
        for entry in os.scandir(sub.path):
            if not entry.is_file(follow_symlinks=False):
                continue
            mtime = entry.stat(follow_symlinks=False).st_mtime
            if mtime >= cutoff:
                continue
            if entry.name.startswith(TEMP_PREFIX):  # a writer that died between write and rename
                os.unlink(entry.path)
                removed.append(f"{sub.name}/{entry.name}")
            elif SHA256.fullmatch(entry.name) and entry.name.startswith(sub.name):
                candidates[entry.name] = (entry, mtime)
    shas = list(candidates)
    referenced: set[str] = set()
    for i in range(0, len(shas), 500):
        chunk = shas[i : i + 500]
        referenced |= set(session.exec(select(Evidence.sha256).where(Evidence.sha256.in_(chunk))).all())
    for sha in shas:
        if sha in referenced:
            continue
        entry, mtime = candidates[sha]
        try:
            if os.stat(entry.path).st_mtime != mtime:
                continue  # reused by a submission since we looked
            os.unlink(entry.path)
        except FileNotFoundError:
            continue
        removed.append(f"{sha[:2]}/{sha}")
    return removed
