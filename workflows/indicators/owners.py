"""The secretariat names an indicator's owner (the lead agency) and its contributors in the plan review."""

from sqlalchemy import delete
from sqlmodel import Session, select

from models import Agency, Indicator, IndicatorContributor
from workflows.indicators.values import REVIEWER_ROLES
from workflows.kernel import audit
from workflows.kernel.actors import Actor, require_role
from workflows.kernel.errors import InvalidInput, NotFound


def set_indicator_owner(
    session: Session, actor: Actor, indicator_id: int, owner_id: int | None, contributor_ids: list[int]
) -> Indicator:
    """Set (or correct) who owns an indicator and who contributes; an owner is never also a contributor."""
    require_role(actor, *REVIEWER_ROLES)
    indicator = session.get(Indicator, indicator_id)
    if indicator is None:
        raise NotFound("not_found", what="indicator", id=indicator_id)
    if owner_id is None:
        raise InvalidInput("indicator.owner_missing")
    wanted = {owner_id, *contributor_ids}
    active = set(session.exec(select(Agency.id).where(Agency.id.in_(wanted), Agency.active)).all())
    for agency_id in sorted(wanted - active):
        raise InvalidInput("user.agency_missing", id=agency_id)
    contributors = sorted(set(contributor_ids) - {owner_id})
    before = {"owner": indicator.owner_agency_id, "contributors": _contributors(session, indicator_id)}
    indicator.owner_agency_id = owner_id
    session.add(indicator)
    session.execute(delete(IndicatorContributor).where(IndicatorContributor.indicator_id == indicator_id))
    session.add_all(IndicatorContributor(indicator_id=indicator_id, agency_id=a) for a in contributors)
    session.flush()
    audit.record(
        session,
        actor,
        "indicator.owner",
        "indicator",
        indicator_id,
        before,
        {"owner": owner_id, "contributors": contributors},
    )
    return indicator


def _contributors(session: Session, indicator_id: int) -> list[int]:
    return sorted(
        session.exec(
            select(IndicatorContributor.agency_id).where(IndicatorContributor.indicator_id == indicator_id)
        ).all()
    )
