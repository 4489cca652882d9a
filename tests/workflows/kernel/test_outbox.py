"""Outbox rows are deduplicated by key inside the caller's transaction; dead mail can be requeued."""

from datetime import UTC, datetime

import pytest
from sqlmodel import func, select

from models import AuditEvent, OutboxMessage
from workflows.kernel.actors import SYSTEM, Actor
from workflows.kernel.errors import PermissionDenied
from workflows.kernel.outbox import enqueue, enqueue_many, requeue_dead


def test_enqueue_skips_a_dedupe_key_already_queued(session):
    assert enqueue(session, "k:1", "notice_returned", {"reason": "Thiếu số liệu"}, audience="focal")
    assert not enqueue(session, "k:1", "notice_returned", {"reason": "khác"})
    added = enqueue_many(
        session,
        [
            dict(dedupe_key="k:1", template="t", context={}),
            dict(dedupe_key="k:2", template="t", context={"a": 1}),
        ],
    )
    session.commit()
    assert added == 1
    assert session.exec(select(func.count()).select_from(OutboxMessage)).one() == 2
    row = session.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == "k:1")).one()
    assert row.context == {"reason": "Thiếu số liệu"} and row.status == "pending"


def _dead(session, key, audience=None, recipients=None):
    enqueue(session, key, "t", {}, audience=audience, agency_id=None, recipients=recipients or ["x@a.test"])
    row = session.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == key)).one()
    row.status, row.attempts, row.last_error = "dead", 10, "550 no such user"
    session.flush()
    return row.id


def test_requeue_puts_only_dead_mail_back_and_audits_it(session):
    now = datetime(2023, 7, 5, 1, 0, tzinfo=UTC)
    head = _dead(session, "digest:head:1:2023-W27", audience="head")
    other = _dead(session, "escalation:7:overdue")
    enqueue(session, "digest:head:2:2023-W27", "t", {})  # pending: never touched
    assert requeue_dead(session, SYSTEM, now, key_prefix="digest:head:", readdress=True) == [head]
    session.commit()
    row = session.get(OutboxMessage, head)
    assert (row.status, row.attempts, row.recipients, row.next_attempt_at) == ("pending", 0, [], now)
    assert session.get(OutboxMessage, other).status == "dead"
    assert requeue_dead(session, SYSTEM, now, ids=[other, head]) == [other]  # head is no longer dead
    session.commit()
    assert session.get(OutboxMessage, other).recipients == ["x@a.test"]  # kept without --readdress
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "outbox.requeue")).all()
    assert sorted(e.entity_id for e in events) == [head, other]
    assert events[0].before["last_error"] == "550 no such user"


def test_requeue_is_refused_to_anyone_but_an_administrator(session):
    row = _dead(session, "escalation:7:overdue")
    focal = Actor(user_id=1, role="focal", agency_id=1, label="syt.dm")
    with pytest.raises(PermissionDenied):
        requeue_dead(session, focal, datetime(2023, 7, 5, tzinfo=UTC))
    assert session.get(OutboxMessage, row).status == "dead"
