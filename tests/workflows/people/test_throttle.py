"""Login throttling: free failures, growing locks per account name and per address, no existence hint."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from models import AuditEvent, LoginThrottle
from tests.builders import add_user
from workflows.kernel.errors import TooManyAttempts
from workflows.people.throttle import (
    FIRST_DELAY,
    FORGET_AFTER,
    FREE_FAILURES,
    FREE_FAILURES_ADDRESS,
    MAX_LOCK,
    check_allowed,
    forget_old,
    lock_for,
    record_failure,
    record_success,
)

NOW = datetime(2023, 7, 1, 1, 0, tzinfo=UTC)


def test_locks_grow_and_are_capped():
    assert lock_for(FREE_FAILURES, FREE_FAILURES) == timedelta(0)
    assert lock_for(FREE_FAILURES + 1, FREE_FAILURES) == FIRST_DELAY
    assert lock_for(FREE_FAILURES + 2, FREE_FAILURES) == FIRST_DELAY * 2
    assert lock_for(FREE_FAILURES + 3, FREE_FAILURES) == FIRST_DELAY * 4
    assert lock_for(FREE_FAILURES + 50, FREE_FAILURES) == MAX_LOCK


def _fail(session, n, username="yte", address="10.0.0.1", now=NOW):
    for _ in range(n):
        record_failure(session, username, address, now)


def test_an_account_name_locks_after_the_free_failures(session):
    _fail(session, FREE_FAILURES)
    check_allowed(session, "yte", "10.0.0.2", NOW)  # still open
    _fail(session, 1, address="10.0.0.3")
    with pytest.raises(TooManyAttempts) as refused:
        check_allowed(session, " YTE ", "10.0.0.9", NOW)  # any case, any address
    assert refused.value.http_status == 429 and refused.value.params["retry_after"] == 15
    assert "thử lại sau 15 giây" in refused.value.message("vi")
    check_allowed(session, "yte", "10.0.0.9", NOW + FIRST_DELAY)  # the lock ends
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "auth.throttled")).one()
    assert event.after["key"] == "account:yte" and event.after["failures"] == FREE_FAILURES + 1


def test_unknown_and_existing_names_are_throttled_alike(session):
    add_user(session, "yte", "focal")
    for name in ("yte", "khong-co-ai"):
        _fail(session, FREE_FAILURES + 1, username=name, address=None)
    rows = {r.key: (r.failures, r.locked_until) for r in session.exec(select(LoginThrottle)).all()}
    assert rows["account:yte"] == rows["account:khong-co-ai"]


def test_an_address_locks_after_its_own_free_failures(session):
    for i in range(FREE_FAILURES_ADDRESS + 1):
        record_failure(session, f"name-{i}", "10.0.0.1", NOW)  # one try per name: spraying
    with pytest.raises(TooManyAttempts):
        check_allowed(session, "another", "10.0.0.1", NOW)
    check_allowed(session, "another", "10.0.0.2", NOW)


def test_success_clears_the_account_and_old_counts_are_forgotten(session):
    _fail(session, FREE_FAILURES)
    record_success(session, "YTE")
    _fail(session, 1)
    check_allowed(session, "yte", "10.0.0.1", NOW)  # the count restarted
    assert forget_old(session, NOW + FORGET_AFTER + timedelta(seconds=1)) == 2
    # a count idle past FORGET_AFTER starts again instead of locking
    _fail(session, FREE_FAILURES, now=NOW)
    _fail(session, 1, now=NOW + FORGET_AFTER + timedelta(seconds=1))
    check_allowed(session, "yte", "10.0.0.1", NOW + FORGET_AFTER + timedelta(seconds=1))
