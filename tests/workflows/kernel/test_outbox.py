"""Outbox rows are deduplicated by key inside the caller's transaction."""

from sqlmodel import func, select

from models import OutboxMessage
from workflows.kernel.outbox import enqueue, enqueue_many


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
