"""Focal points report an indicator value per quarter; the secretariat accepts or returns it."""

from datetime import date
from types import SimpleNamespace

import pytest
from sqlmodel import select

from models import AuditEvent, IndicatorContributor, IndicatorValue, OutboxMessage
from models.user import Role
from tests.builders import add_agency, add_indicator, add_plan, add_user
from workflows.indicators.owners import set_indicator_owner
from workflows.indicators.progress import IndicatorStatus
from workflows.indicators.queries import indicator_progress, indicator_values, values_awaiting_review
from workflows.indicators.values import ValueInput, accept_value, report_value, return_value
from workflows.kernel.actors import Actor
from workflows.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied

JULY = date(2023, 7, 1)


@pytest.fixture
def w(session):
    syt, stp, cat = (
        add_agency(session, "Sở Y tế"),
        add_agency(session, "Sở Tư pháp"),
        add_agency(session, "Công an tỉnh"),
    )
    plan = add_plan(session)
    communes = add_indicator(session, plan, "12", "xã", owner=cat)
    share = add_indicator(session, plan, "100%", "%", owner=syt, text="100% xã có điểm tư vấn.")
    session.add(IndicatorContributor(indicator_id=communes.id, agency_id=syt.id))
    session.flush()
    w = SimpleNamespace(
        syt=syt,
        stp=stp,
        cat=cat,
        plan=plan,
        communes=communes,
        share=share,
        **{
            name: Actor.of(add_user(session, name, role, agency))
            for name, role, agency in (
                ("yte", Role.focal, syt),
                ("tuphap", Role.focal, stp),
                ("congan", Role.focal, cat),
                ("truong", Role.head, syt),
                ("thuongtruc", Role.secretariat, None),
            )
        },
    )
    session.commit()
    return w


def test_a_reported_value_counts_once_accepted(session, w):
    row = report_value(session, w.congan, w.communes.id, ValueInput(2023, 2, "6", "Đã chuyển hóa 6 xã"), JULY)
    session.commit()
    (before,) = [p for p in indicator_progress(session, JULY, plan_id=w.plan.id) if p.id == w.communes.id]
    assert (before.value, before.pending, before.status) == (None, 1, IndicatorStatus.no_data)
    assert [v.id for v in values_awaiting_review(session)] == [row.id]
    accept_value(session, w.thuongtruc, row.id, date(2023, 7, 3))
    session.commit()
    (after,) = [p for p in indicator_progress(session, JULY, plan_id=w.plan.id) if p.id == w.communes.id]
    assert (after.value, after.value_period, after.progress, after.pending) == (6.0, "Quý II/2023", 50.0, 0)
    assert after.status is IndicatorStatus.on_track and after.value_text == "6 xã"
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity_type == "indicator")).all()
    assert actions == ["indicator.report", "indicator.accepted"]


def test_progress_reads_the_owners_latest_period_only(session, w):
    for who, quarter, value in ((w.congan, 1, "3"), (w.congan, 2, "9"), (w.yte, 2, "11")):
        row = report_value(session, who, w.communes.id, ValueInput(2023, quarter, value), JULY)
        accept_value(session, w.thuongtruc, row.id, JULY)
    session.commit()
    (p,) = [p for p in indicator_progress(session, JULY, plan_id=w.plan.id) if p.id == w.communes.id]
    assert (p.value, p.progress) == (9.0, 75.0)  # Sở Y tế contributes; Công an tỉnh owns the figure
    # the quarter I report counts only what was reported for quarter I
    (q1,) = [
        p
        for p in indicator_progress(session, JULY, plan_id=w.plan.id, as_of=date(2023, 3, 31))
        if p.id == w.communes.id
    ]
    assert q1.value == 3.0


def test_an_agency_sees_the_indicators_it_owns_or_contributes_to(session, w):
    assert [p.id for p in indicator_progress(session, JULY, agency_id=w.syt.id)] == [
        w.communes.id,
        w.share.id,
    ]
    assert [p.id for p in indicator_progress(session, JULY, agency_id=w.stp.id)] == []


def test_a_returned_value_notifies_the_agency_and_may_be_reported_again(session, w):
    row = report_value(session, w.yte, w.share.id, ValueInput(2023, 2, "80"), JULY)
    return_value(session, w.thuongtruc, row.id, "Thiếu danh sách xã", JULY)
    session.commit()
    notice = session.exec(select(OutboxMessage)).one()
    assert (notice.template, notice.audience, notice.agency_id) == (
        "notice_indicator_returned",
        "focal",
        w.syt.id,
    )
    assert notice.context["reason"] == "Thiếu danh sách xã"
    again = report_value(session, w.yte, w.share.id, ValueInput(2023, 2, "82"), JULY)
    session.commit()
    assert [(v.id, v.status) for v in indicator_values(session, w.yte, w.share.id)] == [
        (again.id, "pending"),
        (row.id, "returned"),
    ]


@pytest.mark.parametrize(
    "data, code",
    [
        (ValueInput(2023, 2, "sáu"), "indicator.value_not_number"),
        (ValueInput(2023, 2, ""), "indicator.value_missing"),
        (ValueInput(2023, 4, "6"), "indicator.period_future"),
        (ValueInput(2023, 5, "6"), "indicator.period_invalid"),
        (ValueInput(2022, 3, "6"), "indicator.period_before_plan"),
        (ValueInput(2023, 2, "6", evidence_url="ftp://x"), "link.scheme"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(session, w, data, code):
    with pytest.raises(InvalidInput) as exc:
        report_value(session, w.congan, w.communes.id, data, JULY)
    session.rollback()
    assert exc.value.code == code
    assert session.exec(select(IndicatorValue)).all() == []


def test_only_the_owner_and_contributors_report_and_only_once_a_period(session, w):
    with pytest.raises(NotFound):  # Sở Tư pháp has nothing to do with it: it does not exist for them
        report_value(session, w.tuphap, w.communes.id, ValueInput(2023, 2, "6"), JULY)
    with pytest.raises(PermissionDenied):
        report_value(session, w.truong, w.communes.id, ValueInput(2023, 2, "6"), JULY)
    report_value(session, w.congan, w.communes.id, ValueInput(2023, 2, "6"), JULY)
    with pytest.raises(Conflict) as exc:
        report_value(session, w.congan, w.communes.id, ValueInput(2023, 2, "7"), JULY)
    assert "Quý II/2023" in exc.value.message("vi")


def test_a_decided_value_cannot_be_decided_again(session, w):
    row = report_value(session, w.congan, w.communes.id, ValueInput(2023, 2, "6"), JULY)
    accept_value(session, w.thuongtruc, row.id, JULY)
    with pytest.raises(Conflict) as exc:
        return_value(session, w.thuongtruc, row.id, "Sai", JULY)
    assert exc.value.code == "indicator.already_decided"
    with pytest.raises(PermissionDenied):
        accept_value(session, w.congan, row.id, JULY)


def test_the_secretariat_sets_the_owner_and_contributors(session, w):
    set_indicator_owner(session, w.thuongtruc, w.share.id, w.stp.id, [w.syt.id, w.stp.id])
    session.commit()
    assert w.share.owner_agency_id == w.stp.id
    assert session.exec(
        select(IndicatorContributor.agency_id).where(IndicatorContributor.indicator_id == w.share.id)
    ).all() == [w.syt.id]
    with pytest.raises(InvalidInput):
        set_indicator_owner(session, w.thuongtruc, w.share.id, None, [])
    with pytest.raises(InvalidInput):
        set_indicator_owner(session, w.thuongtruc, w.share.id, 9999, [])
    with pytest.raises(PermissionDenied):
        set_indicator_owner(session, w.yte, w.share.id, w.syt.id, [])
