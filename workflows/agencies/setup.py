"""A province's starting registry, built from maintained data (`plantrack registry init --province`).

The provincial bodies of the post-2025 structure and the ministries come from `gazetteer.py`; the
communes and wards (one People's Committee each) from the `vietnam-provinces` package. Two groups
stand for the collective names plans use: the departments ("các sở, ban, ngành") and the communes
("UBND các xã, phường"). Neither is expanded by the parser ("sở, ban, ngành liên quan" is rarely
all thirty bodies, and a duty "of every commune" would become a hundred tasks): the reviewer
assigns such a duty, or the office marks the group concrete in the registry file. The office
completes the rest (aliases, focal points, heads, e-mail) through `registry export/import`.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from models.user import Role
from workflows.agencies.gazetteer import Province, communes, province, registry_for
from workflows.agencies.registry import Registry
from workflows.agencies.store import agency_code, authority, set_authority, sync_registry
from workflows.kernel.actors import Actor, require_role
from workflows.kernel.audit import record
from workflows.kernel.errors import Conflict, InvalidInput
from workflows.kernel.text import normalize

PROVINCIAL_KINDS = ("department", "police", "military", "court", "procuracy", "front", "mass_org", "media")
COMMUNE_GROUP_ALIASES = (
    "Ủy ban nhân dân xã, phường",
    "Ủy ban nhân dân các xã, phường",
    "UBND xã, phường",
    "UBND cấp xã",
    "Ủy ban nhân dân cấp xã",
    "Ủy ban nhân dân các xã, phường, đặc khu",
    "các xã, phường",
)
DEPARTMENT_GROUP_ALIASES = (
    "các sở, ban, ngành",
    "sở, ban, ngành",
    "các sở, ban, ngành tỉnh",
    "các sở, ngành",
)


def starting_registry(p: Province) -> dict:
    """The registry of a province in its YAML structure (province, agencies, groups)."""
    base = registry_for(p.short)
    agencies = [
        {"code": a.code, "name": a.name, "kind": a.kind, "aliases": list(a.aliases)}
        for a in base.agencies.values()
    ]
    seen = {normalize(a["name"]) for a in agencies} | {normalize(x) for a in agencies for x in a["aliases"]}
    commune_codes = []
    for name in communes(p):
        label = f"UBND {name[0].lower()}{name[1:]}"  # "UBND phường Ninh Kiều"
        alias = f"Ủy ban nhân dân {name[0].lower()}{name[1:]}"
        if normalize(label) in seen:
            continue  # two units of one name: the office tells them apart in the registry file
        seen |= {normalize(label), normalize(alias)}
        code = f"xa-{agency_code(name)}"
        commune_codes.append(code)
        agencies.append({"code": code, "name": label, "kind": "commune", "aliases": [alias]})
    departments = [a["code"] for a in agencies if a["kind"] in PROVINCIAL_KINDS]
    groups = [
        {
            "code": "cac-so-ban-nganh",
            "name": f"Các sở, ban, ngành {p.level} {p.short}",
            "aliases": list(DEPARTMENT_GROUP_ALIASES),
            "members": departments,
            "concrete": False,
        },
        {
            "code": "ubnd-cac-xa-phuong",
            "name": "UBND các xã, phường",
            "aliases": list(COMMUNE_GROUP_ALIASES),
            "members": commune_codes,
            "concrete": False,
        },
    ]
    return {"province": p.short, "agencies": agencies, "groups": groups}


def init_registry(session: Session, actor: Actor, province_name: str, today: date) -> Registry:
    """Set up the province's registry in the database (admin; again for the same province: refreshed)."""
    require_role(actor, Role.admin, "system")
    p = province(province_name or "")
    if p is None:
        raise InvalidInput("registry.unknown_province", name=province_name)
    row = authority(session)
    if row is not None and normalize(row.province) != normalize(p.short):
        raise Conflict("registry.other_province", province=row.province, wanted=p.short)
    registry = Registry.from_dict(starting_registry(p))
    sync_registry(session, registry)
    set_authority(session, p.short, today)
    after = {
        "province": p.short,
        "agencies": len(registry.agencies),
        "groups": len(registry.groups),
        "on": today,
    }
    record(session, actor, "registry.init", "registry", None, after=after)
    return registry
