"""The registry in the database: the agencies and groups rows, and the authority row naming the province.

Until a registry is set up (`plantrack registry init|import`), the demo's Sơn La YAML stands in
(`load_registry()`); a registry set up once lives in the database and the pages edit it there.
A plan whose issuer is not the registry's own province (another province, a ministry) is *foreign*.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, select

from models import Agency, AgencyGroup, AgencyGroupMember, RegistryAuthority, Task, TaskSupport
from models.search import reindex_tasks, tasks_of_agency
from models.user import Role
from workflows.agencies.gazetteer import issuer_province, province
from workflows.agencies.registry import Registry, load_registry
from workflows.kernel.actors import Actor, require_role
from workflows.kernel.audit import record
from workflows.kernel.errors import Conflict, InvalidInput, NotFound
from workflows.kernel.text import normalize


def authority(session: Session) -> RegistryAuthority | None:
    """The registry's authority row, or None while the demo YAML stands in."""
    return session.exec(select(RegistryAuthority).order_by(RegistryAuthority.id)).first()


def active_registry(session: Session) -> Registry:
    """The registry plans are read against: the database's, else the demo YAML."""
    row = authority(session)
    return registry_from_db(session, row.province) if row is not None else load_registry()


def registry_province(session: Session) -> str:
    """The province the tracker serves (the authority row's, else the demo registry's)."""
    row = authority(session)
    return row.province if row is not None else load_registry().province


def authority_name(session: Session) -> str:
    """The body the tracker serves, as pages and reports name it ("UBND tỉnh Sơn La")."""
    row = authority(session)
    return row.authority if row is not None and row.authority else _authority_of(load_registry().province)[1]


def registry_from_db(session: Session, province_name: str) -> Registry:
    """A Registry built from the registered agencies and the groups of the database."""
    return Registry.from_dict(registry_data(session, province_name))


def registry_data(session: Session, province_name: str) -> dict:
    """The registry in its YAML structure (province, agencies, groups), read from the database."""
    rows = session.exec(select(Agency).where(Agency.registered).order_by(Agency.id)).all()
    code = {a.id: a.code for a in rows}
    agencies = [
        {
            "code": a.code,
            "name": a.name,
            "kind": a.kind,
            "aliases": list(a.aliases),
            "parent": code.get(a.parent_id),
            "head_email": a.head_email,
            "focal_email": a.focal_email,
            "active": a.active,
            "successor": code.get(a.successor_id),
        }
        for a in rows
    ]
    members: dict[int, list[str]] = {}
    for gid, aid in session.exec(select(AgencyGroupMember.group_id, AgencyGroupMember.agency_id)).all():
        if aid in code:
            members.setdefault(gid, []).append(code[aid])
    groups = [
        {
            "code": g.code or f"group-{g.id}",
            "name": g.name,
            "aliases": list(g.aliases),
            "members": sorted(members.get(g.id, [])),
            "concrete": g.concrete,
        }
        for g in session.exec(select(AgencyGroup).order_by(AgencyGroup.id)).all()
        if members.get(g.id)
    ]
    return {"province": province_name, "agencies": agencies, "groups": groups}


def _authority_of(province_name: str) -> tuple[str, str]:
    """(the province's short name, its people's committee: "UBND tỉnh …" or "UBND thành phố …")."""
    p = province(province_name)
    name = p.short if p is not None else province_name
    level = p.level if p is not None else "tỉnh"
    return name, f"UBND {level} {name}"


def set_authority(session: Session, province_name: str, today: date) -> RegistryAuthority:
    """Name the province whose registry the database holds (one row)."""
    name, body = _authority_of(province_name)
    row = authority(session) or RegistryAuthority(province=name, authority="")
    row.province, row.authority = name, body
    session.add(row)
    session.flush()
    return row


def sync_registry(session: Session, registry: Registry) -> dict[str, int]:
    """Upsert the registry's agencies and groups; return canonical name → agency id."""
    rows = session.exec(select(Agency)).all()
    existing, by_name = {a.code: a for a in rows}, {a.name: a for a in rows}
    found_by = {a.id: _found_by(a) for a in rows}
    for entry in registry.agencies.values():
        # match by code, else adopt a row already holding the canonical name (e.g. made by hand)
        agency = existing.get(entry.code) or by_name.get(entry.name) or Agency(code=entry.code)
        agency.code = entry.code
        agency.name, agency.kind, agency.aliases = entry.name, entry.kind, list(entry.aliases)
        agency.head_email, agency.focal_email = entry.head_email, entry.focal_email
        agency.active, agency.registered = entry.active, True
        agency.province = registry.province
        existing[entry.code] = agency
        session.add(agency)
    session.flush()
    for entry in registry.agencies.values():
        agency = existing[entry.code]
        agency.successor_id = existing[entry.successor].id if entry.successor else agency.successor_id
        agency.parent_id = existing[entry.parent].id if entry.parent else agency.parent_id
    _sync_groups(session, registry, existing)
    _reindex_renamed(session, found_by, existing.values())
    return {a.name: a.id for a in existing.values()}


def _found_by(agency: Agency) -> tuple:
    """What the search index holds of an agency: its name, aliases, and whom it was merged into."""
    return agency.name, tuple(agency.aliases), agency.successor_id


def _reindex_renamed(session: Session, before: dict[int, tuple], agencies) -> None:
    """Reindex the tasks of the agencies whose names, aliases or successor the registry changed."""
    changed = {a.id for a in agencies if a.id in before and before[a.id] != _found_by(a)}
    changed |= {a.successor_id for a in agencies if a.id in changed and a.successor_id}
    changed |= {before[i][2] for i in changed if i in before and before[i][2]}  # a former successor
    if changed:
        supported = select(TaskSupport.task_id).where(TaskSupport.agency_id.in_(changed))
        reindex_tasks(session, or_(Task.lead_agency_id.in_(changed), Task.id.in_(supported)))


def _sync_groups(session: Session, registry: Registry, agencies: dict[str, Agency]) -> None:
    groups = {g.name: g for g in session.exec(select(AgencyGroup)).all()}
    for entry in registry.groups.values():
        group = groups.get(entry.name) or AgencyGroup(name=entry.name)
        group.aliases, group.code, group.concrete = list(entry.aliases), entry.code, entry.concrete
        session.add(group)
        session.flush()
        wanted = {agencies[code].id for code in entry.members}
        have = set(
            session.exec(
                select(AgencyGroupMember.agency_id).where(AgencyGroupMember.group_id == group.id)
            ).all()
        )
        session.add_all(AgencyGroupMember(group_id=group.id, agency_id=i) for i in wanted - have)
    session.flush()


def is_foreign(issuer: str, province_name: str) -> bool:
    """True when the issuer is no body of `province_name` (another province, a ministry, the Government)."""
    if not province_name:
        return False
    theirs = issuer_province(issuer)
    if theirs is not None:
        return normalize(theirs.short) != normalize(province_name)
    # no province named (e.g. the demo's 2023 province, or a ministry): the name must appear
    return f" {normalize(province_name)} " not in f" {normalize(issuer)} "


def ensure_db_registry(session: Session, today: date) -> RegistryAuthority:
    """The registry in the database, copying the demo YAML there first if it is not yet."""
    row = authority(session)
    if row is not None:
        return row
    demo = load_registry()
    sync_registry(session, demo)
    return set_authority(session, demo.province, today)


def agency_code(name: str) -> str:
    """A stable ASCII code for a new agency ("Sở Y tế" → "so-y-te")."""
    slug = re.sub(r"[^a-z0-9]+", "-", normalize(name)).strip("-")
    return slug[:70] or "agency"


def add_agency(session: Session, actor: Actor, name: str, kind: str, today: date) -> Agency:
    """Add a body to the registry (secretariat or admin); its name must be new."""
    require_role(actor, Role.secretariat, Role.admin, "system")
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("agency.name_empty")
    if len(name) > 255:
        raise InvalidInput("agency.name_too_long")
    ensure_db_registry(session, today)
    taken = name_owner(session, name)
    if taken is not None:
        raise Conflict("agency.name_taken", id=taken.id, name=name)
    code, n = agency_code(name), 1
    while session.exec(select(Agency.id).where(Agency.code == code)).first() is not None:
        n += 1
        code = f"{agency_code(name)[:66]}-{n}"
    agency = Agency(code=code, name=name, kind=kind or "department", aliases=[], registered=True)
    agency.province = registry_province(session)
    session.add(agency)
    session.flush()
    record(
        session,
        actor,
        "agency.add",
        "agency",
        agency.id,
        after={"name": name, "kind": agency.kind, "on": today},
    )
    return agency


def name_owner(session: Session, label: str) -> Agency | None:
    """The registered agency whose name or alias is `label` (normalised), if any."""
    key = normalize(label)
    for agency in session.exec(select(Agency).where(Agency.registered)):
        if key in {normalize(agency.name), *map(normalize, agency.aliases)}:
            return agency
    return None


def set_aliases(session: Session, actor: Actor, agency_id: int, aliases: list[str], today: date) -> Agency:
    """Replace an agency's aliases; an alias another agency already answers to is refused."""
    require_role(actor, Role.secretariat, Role.admin, "system")
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("not_found", what="agency", id=agency_id)
    ensure_db_registry(session, today)
    clean = list(dict.fromkeys(" ".join(a.split()) for a in aliases if a.strip()))
    for alias in clean:
        owner = name_owner(session, alias)
        if owner is not None and owner.id != agency.id:
            raise Conflict("registry.alias_taken", alias=alias, other=owner.name)
    before = {"aliases": list(agency.aliases)}
    agency.aliases = clean
    session.add(agency)
    session.flush()
    reindex_tasks(session, tasks_of_agency(agency.id))  # its tasks are found by the new aliases
    record(session, actor, "agency.aliases", "agency", agency.id, before, {"aliases": clean, "on": today})
    return agency
