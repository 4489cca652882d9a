"""Đôn đốc: one written reminder per agency a day, through the outbox, on each item's history."""

from datetime import date

import pytest
from sqlmodel import select

from models import AuditEvent, OutboxMessage, Reminder
from models.user import Role
from notifications.render import render
from tests.builders import add_agency, add_task, add_user, checkpoints_of
from workflows.followup.queries import reminders_of_checkpoint
from workflows.followup.reminders import send_reminder
from workflows.kernel.actors import Actor
from workflows.kernel.errors import Conflict, InvalidInput, PermissionDenied

TODAY = date(2023, 7, 1)


@pytest.fixture
def w(session):
    stp, syt = add_agency(session, "Sở Tư pháp"), add_agency(session, "Sở Y tế")
    late = checkpoints_of(session, add_task(session, stp, [date(2023, 6, 14)]))[0]
    other = checkpoints_of(session, add_task(session, syt, [date(2023, 6, 14)]))[0]
    sec = Actor.of(add_user(session, "thuongtruc", Role.secretariat))
    focal = Actor.of(add_user(session, "tuphap", Role.focal, stp))
    session.commit()
    return stp, late, other, sec, focal


def test_a_reminder_goes_out_and_shows_on_the_item(session, w):
    stp, late, _other, sec, _focal = w
    send_reminder(session, sec, stp.id, [late.id], "Đề nghị báo cáo trước 05/7", TODAY)
    session.commit()
    notice = session.exec(select(OutboxMessage)).one()
    assert (notice.template, notice.audience, notice.agency_id) == ("reminder_notice", "focal,head", stp.id)
    mail = render(notice.template, {"base_url": "https://x", **notice.context})
    assert "quá hạn 17 ngày" in mail.text and f"https://x/checkpoints/{late.id}" in mail.text
    (seen,) = reminders_of_checkpoint(session, late.id)
    assert (seen.sent_on, seen.message, seen.by) == (TODAY, "Đề nghị báo cáo trước 05/7", "thuongtruc")
    assert session.exec(
        select(AuditEvent.action).where(
            AuditEvent.entity_type == "checkpoint", AuditEvent.entity_id == late.id
        )
    ).all() == ["reminder.send"]


def test_a_second_reminder_the_same_day_is_refused(session, w):
    stp, late, _other, sec, _focal = w
    send_reminder(session, sec, stp.id, [late.id], "", TODAY)
    session.commit()
    with pytest.raises(Conflict) as exc:
        send_reminder(session, sec, stp.id, [late.id], "Lần hai", TODAY)
    session.rollback()
    assert "Sở Tư pháp đã được đôn đốc trong ngày 01/07/2023" in exc.value.message("vi")
    assert (
        len(session.exec(select(Reminder)).all()) == 1 and len(session.exec(select(OutboxMessage)).all()) == 1
    )
    send_reminder(session, sec, stp.id, [late.id], "", date(2023, 7, 2))  # the next day is fine


def test_bad_reminders_are_refused(session, w):
    stp, late, other, sec, focal = w
    with pytest.raises(InvalidInput) as exc:
        send_reminder(session, sec, stp.id, [], "", TODAY)
    assert exc.value.code == "reminder.no_items"
    with pytest.raises(InvalidInput) as exc:
        send_reminder(session, sec, stp.id, [other.id], "", TODAY)  # another agency's item
    assert exc.value.code == "reminder.item_not_owed"
    with pytest.raises(PermissionDenied):
        send_reminder(session, focal, stp.id, [late.id], "", TODAY)
    session.rollback()
    assert session.exec(select(Reminder)).all() == []
