"""Agency registry: canonical names, aliases, groups and successors of a province's bodies.

Matching is tolerant of case, diacritics (incl. đ/Đ), tone-mark placement ("Uỷ"/"Ủy",
"hoá"/"hóa"), spacing, punctuation and hyphen/dash variants: every name is compared in its
``normalize``-d form (`workflows/kernel/text.py`, with ``fold``, the length-preserving variant
the plan parser uses to find names inside a text while keeping exact character offsets).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from workflows.kernel.text import normalize

# Characters allowed between the words of a name when it is found inside a text.
NAME_SEPARATOR = r"[\s,\-&./]+"
DEFAULT_REGISTRY_PATH = Path(__file__).resolve().parents[2] / "seed_plans" / "agencies_sonla.yaml"


@dataclass(frozen=True)
class RegistryAgency:
    """One body that can lead or support a task."""

    code: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    border: bool = False
    head_email: str | None = None
    focal_email: str | None = None
    active: bool = True
    successor: str | None = None


@dataclass(frozen=True)
class RegistryGroup:
    """A collective name ("UBND các huyện, thành phố") standing for several agencies."""

    code: str
    name: str
    members: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    concrete: bool = True


@dataclass
class Registry:
    """All agencies and groups of one province, indexed by normalized name."""

    province: str
    agencies: dict[str, RegistryAgency]
    groups: dict[str, RegistryGroup]
    _index: dict[str, RegistryAgency | RegistryGroup] = field(init=False, repr=False, compare=False)
    _finder: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _names: dict[str, str] = field(init=False, repr=False, compare=False, default_factory=dict)
    _suggested: dict[tuple[str, int, float], list[str]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        self._index = {}
        for entry in [*self.agencies.values(), *self.groups.values()]:
            for label in (entry.name, *entry.aliases):
                self._add_key(normalize(label), entry)
        keys = sorted(self._index, key=lambda k: (-len(k.split()), -len(k), k))
        alternatives = "|".join(NAME_SEPARATOR.join(map(re.escape, k.split())) for k in keys)
        self._finder = re.compile(rf"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])")
        for agency in self.agencies.values():
            self.current(agency)  # validates successor chains

    def _add_key(self, key: str, entry: RegistryAgency | RegistryGroup) -> None:
        """Index one normalized label, refusing a label claimed by two entries."""
        if not key:
            raise ValueError(f"registry entry {entry.code!r} has an empty name or alias")
        other = self._index.get(key)
        if other is not None and other is not entry:
            raise ValueError(f"name {key!r} is used by both {other.code!r} and {entry.code!r}")
        self._index[key] = entry

    @classmethod
    def from_dict(cls, data: dict) -> Registry:
        """Build a registry from the YAML structure (province, agencies, groups)."""
        agencies: dict[str, RegistryAgency] = {}
        for raw in data.get("agencies") or []:
            agency = RegistryAgency(
                code=str(raw["code"]),
                name=str(raw["name"]),
                kind=str(raw.get("kind", "department")),
                aliases=tuple(str(a) for a in raw.get("aliases") or ()),
                parent=raw.get("parent"),
                border=bool(raw.get("border", False)),
                head_email=raw.get("head_email"),
                focal_email=raw.get("focal_email"),
                active=bool(raw.get("active", True)),
                successor=raw.get("successor"),
            )
            if agency.code in agencies:
                raise ValueError(f"duplicate agency code {agency.code!r}")
            agencies[agency.code] = agency
        groups: dict[str, RegistryGroup] = {}
        for raw in data.get("groups") or []:
            members = tuple(raw.get("members") or ()) or _select(agencies, raw.get("select") or {})
            unknown = [m for m in members if m not in agencies]
            if unknown:
                raise ValueError(f"group {raw['code']!r} names unknown agencies {unknown}")
            groups[str(raw["code"])] = RegistryGroup(
                code=str(raw["code"]),
                name=str(raw["name"]),
                members=members,
                aliases=tuple(str(a) for a in raw.get("aliases") or ()),
                concrete=bool(raw.get("concrete", True)),
            )
        return cls(province=str(data.get("province", "")), agencies=agencies, groups=groups)

    def lookup(self, name: str) -> RegistryAgency | RegistryGroup | None:
        """Entry whose name or alias equals ``name`` after normalization (no successor step)."""
        key = normalize(name)
        for candidate in self._candidate_keys(key):
            entry = self._index.get(candidate)
            if entry is not None:
                return entry
        return None

    def _candidate_keys(self, key: str) -> list[str]:
        """The key itself, then the key without a trailing provincial qualifier."""
        province = normalize(self.province)
        suffixes = [f" tinh {province}", f" {province}", " tren dia ban tinh", " tinh"]
        keys = [key]
        for suffix in suffixes:
            if province and key.endswith(suffix) and len(key) > len(suffix):
                keys.append(key[: -len(suffix)])
        return keys

    def current(self, agency: RegistryAgency) -> RegistryAgency:
        """Follow ``successor`` links to the body that holds the obligations today."""
        seen = {agency.code}
        while agency.successor:
            nxt = self.agencies.get(agency.successor)
            if nxt is None:
                raise ValueError(f"agency {agency.code!r} has unknown successor {agency.successor!r}")
            if nxt.code in seen:
                raise ValueError(f"successor cycle through {agency.code!r}")
            seen.add(nxt.code)
            agency = nxt
        return agency

    def resolve(self, name: str) -> RegistryAgency | None:
        """The current agency called ``name`` (following successors), or None."""
        entry = self.lookup(name)
        return self.current(entry) if isinstance(entry, RegistryAgency) else None

    def members(self, group: RegistryGroup) -> list[RegistryAgency]:
        """Current member agencies of a group, successors applied, without duplicates."""
        out: dict[str, RegistryAgency] = {}
        for code in group.members:
            agency = self.current(self.agencies[code])
            out.setdefault(agency.code, agency)
        return list(out.values())

    def group(self, name: str) -> list[RegistryAgency] | None:
        """Members of the group called ``name``, or None when ``name`` is not a group."""
        entry = self.lookup(name)
        return self.members(entry) if isinstance(entry, RegistryGroup) else None

    def suggest(self, name: str, n: int = 3, cutoff: float = 0.6) -> list[str]:
        """Closest canonical names (agencies in force and groups) by difflib on normalized forms."""
        key = (normalize(name), n, cutoff)
        if key not in self._suggested:
            if not self._names:
                self._names = {
                    k: (self.current(e).name if isinstance(e, RegistryAgency) else e.name)
                    for k, e in self._index.items()
                }
            close = difflib.get_close_matches(key[0], list(self._names), n=4 * n, cutoff=cutoff)
            self._suggested[key] = list(dict.fromkeys(self._names[c] for c in close))[:n]
        return list(self._suggested[key])

    def match_at(self, folded: str, pos: int) -> tuple[int, RegistryAgency | RegistryGroup] | None:
        """Longest name starting exactly at ``pos`` of a ``fold``-ed text: (end, entry)."""
        m = self._finder.match(folded, pos)
        if m is None:
            return None
        return m.end(), self._index[normalize(m.group())]


def _select(agencies: dict[str, RegistryAgency], rule: dict) -> tuple[str, ...]:
    """Codes of the active agencies matching a ``select`` rule ({kind: ..., border: ...})."""
    kinds = rule.get("kind")
    kinds = {kinds} if isinstance(kinds, str) else set(kinds or ())
    out = []
    for agency in agencies.values():
        if not agency.active or (kinds and agency.kind not in kinds):
            continue
        if "border" in rule and agency.border != bool(rule["border"]):
            continue
        out.append(agency.code)
    return tuple(out)


def load_registry(path: str | Path | None = None) -> Registry:
    """Read a registry YAML file (default: the Sơn La registry shipped in seed_plans/)."""
    with open(path or DEFAULT_REGISTRY_PATH, encoding="utf-8") as fh:
        return Registry.from_dict(yaml.safe_load(fh) or {})
