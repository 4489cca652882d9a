"""The desk is scoped by its viewer: a province's secretariat sees its province, an admin the country."""

from datetime import date

from tests.builders import add_agency, add_plan, add_task, add_user, checkpoints_of
from workflows.checkpoints import extensions, submissions
from workflows.checkpoints.evidence import EvidenceStore
from workflows.escalation.sweep import escalate_overdue
from workflows.kernel.actors import Actor
from workflows.reporting.desk import NATIONAL, desk, desk_scope

TODAY = date(2023, 7, 1)


def _province(session, store, name: str, code: str, plan):
    """An agency of `name` with an overdue task, a pending report and a pending extension request."""
    agency = add_agency(session, f"Sở Y tế {name}", code=f"syt-{code}", province=name)
    focal = Actor.of(add_user(session, f"focal-{code}", "focal", agency))
    late = add_task(session, agency, [date(2023, 6, 10)], text=f"Việc quá hạn {name}.", plan=plan)
    reported = add_task(session, agency, [date(2023, 7, 20)], text=f"Việc đã báo cáo {name}.", plan=plan)
    extended = add_task(session, agency, [date(2023, 6, 20)], text=f"Việc xin gia hạn {name}.", plan=plan)
    (cp,) = checkpoints_of(session, reported)
    submissions.submit_report(session, focal, cp.id, "Đã xong", [], [], date(2023, 6, 25), store)
    (cp,) = checkpoints_of(session, extended)
    extensions.request_extension(session, focal, cp.id, date(2023, 8, 1), "Chờ số liệu", TODAY)
    return agency, checkpoints_of(session, late)[0]


def test_a_provincial_secretariat_sees_its_province_and_an_admin_sees_all(session, settings):
    store = EvidenceStore.from_settings(settings)
    plan = add_plan(session)
    son_la, late_sl = _province(session, store, "Sơn La", "sl", plan)
    lai_chau, late_lc = _province(session, store, "Lai Châu", "lc", plan)
    police = add_agency(session, "Công an tỉnh Sơn La", code="ca-sl", province="Sơn La")
    secretariat = Actor.of(add_user(session, "ptm-sl", "secretariat", police))
    admin = Actor.of(add_user(session, "admin", "admin"))
    escalate_overdue(session, TODAY)
    session.commit()

    assert desk_scope(session, secretariat).province == "Sơn La" and desk_scope(session, admin) == NATIONAL
    mine = desk(session, secretariat, TODAY)
    assert mine.overdue[0].checkpoint_id == late_sl.id  # oldest first
    assert {i.agency_id for i in mine.overdue} == {son_la.id} and mine.overdue_total == 2
    assert [r.agency_id for r in mine.overdue_by_agency] == [son_la.id] and mine.overdue_agency_total == 1
    assert [q.agency_id for q in mine.review_queue] == [son_la.id] and mine.review_total == 1
    assert [x.agency_id for x in mine.extensions] == [son_la.id] and mine.extension_total == 1
    fired = {e.agency_name for items in mine.escalations.values() for e in items}
    assert fired == {son_la.name} and sum(mine.escalation_totals.values()) == 2

    everyone = desk(session, admin, TODAY)
    assert {i.agency_id for i in everyone.overdue} == {son_la.id, lai_chau.id} and everyone.overdue_total == 4
    assert everyone.overdue_agency_total == 2 and everyone.review_total == 2 and everyone.extension_total == 2
    assert late_lc.id in {i.checkpoint_id for i in everyone.overdue}
    assert sum(everyone.escalation_totals.values()) == 4
