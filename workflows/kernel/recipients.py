"""Who receives a mail addressed to an audience (focal|head|secretariat|leader) of an agency.

- focal / head: the agency's own address field (focal_email / head_email) and its active users of
  that role;
- secretariat / leader: the addresses in settings (PLANTRACK_SECRETARIAT_EMAILS / _LEADER_EMAILS)
  and every active user of that role.
The escalation ladder (escalation/ladder.py) names the audience of each rung.
"""

from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlmodel import Session

from models import Agency, User
from models.config import Settings
from models.user import Role

AUDIENCES = ("focal", "head", "secretariat", "leader")
AGENCY_AUDIENCES = {"focal": "focal_email", "head": "head_email"}  # audience → Agency column
Key = tuple[str | None, int | None]  # (audience, agency id)


def split_addresses(value: str | None) -> list[str]:
    """'a@x, b@y;c@z' → ['a@x', 'b@y', 'c@z'] (settings and agency fields may hold several)."""
    return [a.strip() for a in (value or "").replace(";", ",").split(",") if a.strip()]


def unique(addresses: Iterable[str]) -> list[str]:
    """Addresses in first-seen order without case-insensitive duplicates."""
    seen: set[str] = set()
    result = []
    for a in addresses:
        if a.lower() not in seen:
            seen.add(a.lower())
            result.append(a)
    return result


def audiences_of(audience: str | None) -> list[str]:
    """An audience may name several ('focal,head'); unknown names are ignored."""
    return [a for a in split_addresses(audience) if a in AUDIENCES]


def resolve_recipients(session: Session, settings: Settings, keys: Iterable[Key]) -> dict[Key, list[str]]:
    """Addresses for each (audience, agency id), from settings, agency fields and active users.

    focal/head: the agency's focal_email/head_email and its active users with that role;
    secretariat/leader: settings.secretariat_emails/leader_emails and active users with that role.
    Two queries whatever the number of keys.
    """
    keys = list(dict.fromkeys(keys))
    agency_ids = {agency_id for _, agency_id in keys if agency_id is not None}
    roles = {a for audience, _ in keys for a in audiences_of(audience)}
    agencies = (
        {a.id: a for a in session.scalars(select(Agency).where(Agency.id.in_(agency_ids)))}
        if agency_ids
        else {}
    )
    users: list[User] = []
    if roles:
        users = list(
            session.scalars(
                select(User)
                .where(
                    User.active,
                    User.email.is_not(None),
                    User.role.in_(roles),
                    or_(
                        User.role.in_([Role.secretariat.value, Role.leader.value]),
                        User.agency_id.in_(agency_ids or {-1}),
                    ),
                )
                .order_by(User.id)
            )
        )
    fixed = {
        "secretariat": split_addresses(settings.secretariat_emails),
        "leader": split_addresses(settings.leader_emails),
    }
    result: dict[Key, list[str]] = {}
    for audience, agency_id in keys:
        addresses: list[str] = []
        for role in audiences_of(audience):
            if role in AGENCY_AUDIENCES:
                agency = agencies.get(agency_id)
                if agency is None:
                    continue
                addresses += split_addresses(getattr(agency, AGENCY_AUDIENCES[role]))
                addresses += [u.email for u in users if u.role == role and u.agency_id == agency_id]
            else:
                addresses += fixed[role] + [u.email for u in users if u.role == role]
        result[(audience, agency_id)] = unique(addresses)
    return result
