"""Who does a duty: lead agencies (chủ trì) and supporting agencies (phối hợp) named in prose.

Subject (the lead) — the words a duty starts with, after an optional "Đề nghị", "Giao", "Yêu cầu"
or "Đối với": a list of names joined by ",", ";" or "và", optionally followed by a parenthesised
list of members. Each name is a registry agency, a registry group (a concrete group expands into its
members), or a vague collective ("các ngành liên quan", "các sở, ngành", "đơn vị", "xã, phường, thị
trấn" …) that obliges nobody in particular and is ignored. When no registry name opens the duty, the
words up to the first predicate ("chủ trì", "tham mưu", "chỉ đạo", …) are the subject phrase: an
agency-looking phrase ("Sở …", "Ban …", "Trung tâm …" without "các") is an unknown agency kept as
written; anything else means no lead.

Supporting — the names listed after "phối hợp (chặt chẽ) với/cùng", and a list that opens a later
clause and is followed by "phối hợp" ("Sở Y tế chủ trì, các ngành, đoàn thể chính trị - xã hội phối
hợp"). Only registry agencies and concrete groups are kept; the lead itself never supports itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workflows.agencies import names
from workflows.agencies.registry import Registry, RegistryAgency, RegistryGroup
from workflows.plans.parsed import Unresolved
from workflows.plans.parsing.text import slug, trim

_VAGUE_NOUN = (
    r"ubnd\s+cac\s+cap|uy\s+ban\s+nhan\s+dan\s+cac\s+cap|so|ban|nganh|don\s+vi|co\s+quan\s+bao\s+chi|"
    r"co\s+quan|doan\s+the|dia\s+phuong|luc\s+luong(?:\s+chuc\s+nang)?|xa|phuong|thi\s+tran|to\s+dan\s+pho|"
    r"tieu\s+khu|bo(?=\s*[,;])|tinh(?=\s*[,;])|thanh\s+pho(?=\s*[,;])|nhan\s+dan"
)
# "… được giao chủ trì", "… được phân công thực hiện nhiệm vụ": a relative clause that is part of the name.
_ASSIGNED = r"duoc\s+(?:giao|phan\s+cong)(?:\s+(?:chu\s+tri|thuc\s+hien|nhiem\s+vu))*"
_VAGUE_QUAL = (
    r"co\s+lien\s+quan|lien\s+quan|chuc\s+nang|thanh\s+vien|cap\s+tinh|cac\s+cap|tinh|dia\s+phuong|"
    r"co\s+so|tren\s+dia\s+ban(?:\s+tinh)?|ngang\s+bo|thuoc\s+chinh\s+phu|chu\s+quan|"
    r"trung\s+uong|truc\s+thuoc\s+trung\s+uong|khac|" + _ASSIGNED
)
KINDS_AFTER_HEAD = re.compile(rf"(?:\s*,\s*(?:{_VAGUE_NOUN}))+(?![a-z0-9])")
VAGUE = re.compile(rf"(?:(?:cac\s+)?(?:{_VAGUE_NOUN})(?:\s+(?:{_VAGUE_QUAL}))*|cac\s+cap)(?![a-z0-9])")
# The first name of a list must be an unmistakable collective: a bare "Sở …"/"Ban …" opens a name.
VAGUE_FIRST = re.compile(
    rf"(?:cac\s+(?:{_VAGUE_NOUN})|ubnd\s+cac\s+cap|uy\s+ban\s+nhan\s+dan\s+cac\s+cap|luc\s+luong)"
    rf"(?:\s+(?:{_VAGUE_QUAL}))*(?![a-z0-9])|cac\s+cap(?![a-z0-9])"
)
SEP = re.compile(r"\s*[,;]\s*(?:va\s+)?|\s+va\s+")
# "các bộ, ngành, nhất là ACV": a member singled out of a collective is a name of the list too.
SINGLED_OUT = re.compile(r"\s*,?\s*(?:nhat\s+la|dac\s+biet\s+la|trong\s+do\s+co)\s+")
# An administrative level; a list of them after a local body ("Ủy ban nhân dân xã, phường", "UBND các tỉnh,
# thành phố") is one name, not a body and a stray "phường".
_LEVEL = r"(?:xa|phuong|thi\s+tran|thi\s+xa|dac\s+khu|huyen|quan|tinh|thanh\s+pho)"
LEVEL_END = re.compile(rf"(?<![a-z]){_LEVEL}\Z")
LEVEL_NEXT = re.compile(rf"(?:\s*[,/]\s*|\s+va\s+|\s+hoac\s+)(?:cac\s+)?{_LEVEL}(?![a-z0-9])")
_NEXT_WORD = re.compile(r"[ \t]*\n?[ \t]*(?=\w)")
# A line break inside a paragraph is a soft wrap; a blank line or a list marker on the next line ends a name.
HARD_BREAK = re.compile(r"\n[ \t]*(?:\n|[-+•*]\s|\d{1,2}[.)]\s|[a-zđ]\)\s|[IVX]{1,4}\.\s)")
# An all-capitals abbreviation used as a name ("ACV", "EVN", "BQLDA"); Roman numerals are not names.
ACRONYM = re.compile(r"(?![IVXLC]+(?![A-Za-z0-9&]))[A-ZĐ][A-ZĐ0-9&]{1,7}(?![A-Za-zÀ-ỹđ0-9&])")
# Words that end a collective's qualifiers: the purpose or manner of the duty begins ("… để", "… theo").
_NAME_STOP = re.compile(r"(?:de|nham|theo|ve|cho|khi|neu|ma|bang|nhu|sau\s+khi|trong\s+viec)(?![a-z])")
MODIFIER_WORDS = 8
_GAP = re.compile(r"[ \t]*\n?[ \t]*")
_WORD = re.compile(r"[^\s,;.:()]+")
_CHUNK_END = re.compile(r"[,;]|\s+và\s+|\n")
_PREPOSITION = re.compile(r"trong|tai|cua|voi|o|tren|cho|thuoc")
PREFIX = re.compile(r"(?P<word>de\s+nghi|giao\s+cho|giao|yeu\s+cau|doi\s+voi)\s+")
PAREN_OPEN = re.compile(r"\s*\(")
_VERBS = (
    "chu tri",
    "phoi hop",
    "tham muu",
    "chi dao",
    "to chuc",
    "tang cuong",
    "day manh",
    "thuc hien",
    "huong dan",
    "tap trung",
    "tiep tuc",
    "trien khai",
    "theo doi",
    "xay dung",
    "can cu",
    "thuong xuyen",
    "chu dong",
    "tich cuc",
    "co trach nhiem",
    "theo chuc nang",
    "theo phan cap",
    "tien hanh",
    "ra soat",
    "kiem tra",
    "don doc",
    "giup",
    "nghien cuu",
    "ban hanh",
    "bao dam",
    "dam bao",
    "duy tri",
    "nang cao",
    "phat huy",
    "quan ly",
    "bao cao",
    "dinh ky",
    "hang nam",
    "hang quy",
    "khan truong",
    "phat hien",
    "xu ly",
    "lua chon",
    "tong hop",
    "de xuat",
    "gui",
    "ho tro",
    "uu tien",
    "kien toan",
    "xac dinh",
    "huy dong",
    "phan cong",
    "gan",
    "lay",
    "phan dau",
    "khong de",
    "da dang hoa",
    "ket hop",
    "nguon",
    "truc tiep",
    "truoc ngay",
    "phai",
    "day nhanh",
    "chiu trach nhiem",
    "lam viec",
    "khan truong",
    "som",
    "nghiem tuc",
    "phan anh",
    "kip thoi",
    "quyet liet",
    "can(?!\\s+bo)",  # "cần khẩn trương" (not "cán bộ", which folds alike)
)
TERM = re.compile(r"(?<![a-z])(?:" + "|".join(v.replace(" ", r"\s+") for v in _VERBS) + r")(?![a-z])|:")
_HEADS = (
    "so",
    "ban",
    "chi cuc",
    "cuc",
    "trung tam",
    "hoi",
    "hoi dong",
    "uy ban",
    "ubnd",
    "toa an",
    "vien",
    "bo",
    "dai",
    "bao",
    "ngan hang",
    "phong",
    "van phong",
    "doan",
    "lien doan",
    "cong an",
    "kho bac",
    "bao hiem",
    "thanh tra",
    "truong",
    "benh vien",
    "cong ty",
    "tong cong ty",
    "quy",
    "hoc vien",
    "don",
    "hat",
    "chi nhanh",
    "tinh doan",
)
HEAD = re.compile(r"(?:" + "|".join(h.replace(" ", r"\s+") for h in _HEADS) + r")(?![a-z])")
PLURAL = re.compile(r"(?<![a-z])(?:cac|nhung|moi)(?![a-z])")
WITH = re.compile(
    r"(?<![a-z])(?:phoi\s+hop(?:\s+chat\s+che)?\s+(?:(?:voi|cung)\s+)?|lam\s+viec\s+(?:voi|cung)\s+)"
)
# A clause put before the subject ("Căn cứ Kế hoạch này, …", "Trong năm 2026, …", "Khi Bộ … có văn bản, …").
FRONTED = re.compile(
    r"(?:can\s+cu|trong|khi|tren\s+co\s+so|sau\s+khi|de|dong\s+thoi|ngoai\s+ra|theo)(?![a-z])"
)
FRONTED_COMMAS = 6
# Where a preamble turns to its addressee: a clause "…, (do vậy,) yêu cầu X" or a new sentence.
PREAMBLE_TURN = re.compile(
    r"[,;]\s*(?:do\s+(?:vay|do)\s*,?\s*)?(?P<ask>(?:yeu\s+cau|de\s+nghi|giao)\s+)|[.]\s+(?=\S)"
)
# "các tỉnh …", "Ủy ban nhân dân các tỉnh, thành phố: …" followed by the provinces' own names.
PROVINCES_HEAD = re.compile(
    r"(?:(?:uy\s+ban\s+nhan\s+dan|ubnd)\s+)?cac\s+(?:tinh|thanh\s+pho)(?:\s*,\s*thanh\s+pho)?\s*:?\s+(?=\S)"
)
_WORD_AT = re.compile(r"\w+")
ASKS = re.compile(r"\s+((?:yeu\s+cau|de\s+nghi|giao)\s+)")
# "Đối với các nhiệm vụ …, các bộ … bố trí": a target clause put before the subject (with the gazetteer;
# a local registry reads "Đối với X:" as addressing X).
TARGET_CLAUSE = re.compile(r"doi\s+voi(?![a-z])")
NOUN_AFTER = re.compile(r"\s*(?:[,;]|$|va\s|ca\s+nhan)")
SUPPORT_VERB = re.compile(r"\s+phoi\s+hop(?![a-z])")
CLAUSE_START = re.compile(r"[,;]\s*")
BOUNDARY = re.compile(r"[,;:(]|\s+va\s+")
SUBJECT_WORDS = 12
CO_SUBJECT_WORDS = 16

UNKNOWN_AGENCY = "unknown agency"
NO_LEAD = "no lead agency named"
CO_LEAD_UNKNOWN = "co-lead not in registry"


@dataclass(frozen=True)
class Party:
    """A lead or supporting body: canonical name (or as written), code (or slug), known or not."""

    name: str
    code: str
    known: bool = True
    written: str = ""  # the text's own words, when they differ from ``name``
    kind: str = ""  # "" (registry), "body", "collective" or "position" (names grammar)


@dataclass
class Subject:
    """What the opening words of a duty say about its lead."""

    leads: list[Party]
    end: int
    phrase: tuple[int, int] | None = None
    vague: bool = False
    addressed: bool = False
    issues: list[Unresolved] = field(default_factory=list)


@dataclass
class _Item:
    """One name in a list: a registry entry or a vague collective (entry None)."""

    entry: RegistryAgency | RegistryGroup | None
    start: int
    end: int
    unknown: bool = False


class Assigner:
    """Reads leads and supporting agencies out of a text, by offsets into it."""

    def __init__(self, text: str, folded: str, registry: Registry, collectives: bool = False) -> None:
        self.text, self.folded, self.registry = text, folded, registry
        # Collectives and names-grammar bodies as leads: on for plans read with the gazetteer; a local
        # registry keeps its reviewed reading (vague collectives there are expanded or unresolved).
        self.collectives = collectives

    # -- lists of names ------------------------------------------------------------------------
    def names(self, pos: int, end: int, acronyms: bool = False) -> tuple[list[_Item], int]:
        """The list of names starting at ``pos`` and where it stops.

        With the names grammar (``collectives``) a list also takes: abbreviations ("ACV") after its
        first name (or anywhere when ``acronyms``: a partner list, a cell), a member singled out ("…,
        nhất là ACV"), a registry name written without its comma ("Sở Khoa học và Công nghệ Sở Công
        Thương"), and a collective's own qualifiers ("các lực lượng vũ trang đóng quân tại địa bàn").
        """
        items: list[_Item] = []
        folded = self.folded
        while pos < end:
            if items:
                paren = PAREN_OPEN.match(folded, pos, end)
                close = folded.find(")", paren.end(), end) if paren else -1
                if paren and close > 0:
                    pos = close + 1
                    continue
            p = pos
            if items:
                sep = (self.collectives and SINGLED_OUT.match(folded, p, end)) or SEP.match(folded, p, end)
                if sep:
                    p = sep.end()
                elif self.collectives and self._unseparated(items[-1], p, end):
                    p = _proper_next(self.text, p, end)
                else:
                    break
            hit = self.registry.match_at(folded, p)
            if hit and hit[0] <= end:
                longer = self._continuation(hit[1], hit[0], end)
                items.append(_Item(None, p, longer, unknown=True) if longer else _Item(hit[1], p, hit[0]))
                pos = longer or hit[0]
                continue
            named = self._named_provinces(p, end) if self.collectives else None
            if named:
                stop, entries = named  # "các tỉnh Bắc Ninh, Gia Lai": each named province, as written
                items.extend(_Item(entry, p, stop) for entry in entries)
                pos = stop
                continue
            vague = (VAGUE if items or self._bare_list(p, end) else VAGUE_FIRST).match(folded, p, end)
            if vague and self.collectives:
                body = self._grammar_name(p, end) if _proper_next(self.text, vague.end(), end) else None
                if body and self.text[p].isupper():  # "Sở Sây dựng": a head and a proper name, not "sở"
                    items.append(_Item(None, p, body, unknown=True))
                    pos = body
                    continue
                stop = self._qualifiers(vague.end(), end) or vague.end()
                items.append(_Item(None, p, stop))
                pos = stop
                continue
            if vague:
                items.append(_Item(None, p, vague.end()))
                pos = vague.end()
                continue
            grammar = self._grammar_name(p, end) if self.collectives else None
            if grammar:
                items.append(_Item(None, p, grammar, unknown=True))
                pos = grammar
                continue
            short = ACRONYM.match(self.text, p, end) if self.collectives and (items or acronyms) else None
            if short:
                items.append(_Item(None, p, short.end(), unknown=True))
                pos = short.end()
                continue
            break
        return items, pos

    def _named_provinces(self, pos: int, end: int) -> tuple[int, list[RegistryAgency]] | None:
        """ "Các tỉnh Nghệ An, Quảng Ngãi", "UBND các tỉnh, thành phố: Huế, Đà Nẵng": the provinces named.

        Only when every name is a province the registry knows ("tỉnh X" / "thành phố X").
        """
        head = PROVINCES_HEAD.match(self.folded, pos, end)
        if head is None:
            return None
        entries, i = [], head.end()
        while True:
            name_end = _capitalised_run(self.text, i, end)
            if name_end is None:
                break
            name = self.text[i:name_end]
            entry = next(
                (
                    e
                    for lvl in ("tỉnh", "thành phố")
                    if isinstance(e := self.registry.lookup(f"{lvl} {name}"), RegistryAgency)
                ),
                None,
            )
            if entry is None:
                return None
            entries.append(self.registry.current(entry))
            i = name_end
            sep = SEP.match(self.folded, i, end)
            if sep is None or not self.text[sep.end() : sep.end() + 1].isupper():
                break
            i = sep.end()
        return (i, entries) if len(entries) >= 1 else None

    def _bare_list(self, pos: int, end: int) -> bool:
        """A lowercase list of kinds without "các" ("phối hợp với sở, ban, ngành …") opens a collective."""
        if not self.collectives or not self.text[pos].islower():
            return False
        first = VAGUE.match(self.folded, pos, end)
        return first is not None and SEP.match(self.folded, first.end(), end) is not None

    def _unseparated(self, last: _Item, pos: int, end: int) -> bool:
        """Does a registry name follow a registry name with no comma between them?"""
        nxt = _proper_next(self.text, pos, end) if last.entry is not None else None
        if nxt is None or nxt == pos:
            return False
        hit = self.registry.match_at(self.folded, nxt)
        return hit is not None and hit[0] <= end

    def _qualifiers(self, start: int, end: int) -> int | None:
        """End of the words qualifying a collective noun, when they run to the list's next name.

        "các lực lượng vũ trang đóng quân tại địa bàn, các doanh nghiệp …", "cơ quan ngành dọc đóng trên
        địa bàn, Ủy ban nhân dân xã": the words run to a separator opening another name, to a
        predicate, a clause mark or the end of the span; anything else ("… để triển khai") leaves the
        noun alone.
        """
        folded = self.folded
        i, words, last_prep, before_prep = start, 0, False, start
        while True:
            j = _GAP.match(folded, i, end).end()
            if j >= end or HARD_BREAK.match(folded, i) or folded[j] in ".:;(":
                return i if words else None
            if folded[j] == "," or (j > i and folded.startswith("va ", j)):
                sep = SEP.match(folded, i, end)
                return i if words and sep and self._opens_name(sep.end()) else None
            if j == i or self._predicate_here(j, end) or _NAME_STOP.match(folded, j, end):
                # "lực lượng Công an trong rà soát …": the preposition opens the duty, not the name
                return (before_prep if last_prep else i) if words - last_prep else None
            word = _WORD.match(folded, j, end)
            words += 1
            if word is None or words > MODIFIER_WORDS:
                return None
            last_prep = _PREPOSITION.fullmatch(folded, j, word.end()) is not None
            before_prep = i if last_prep else before_prep
            i = word.end()

    def _opens_name(self, pos: int) -> bool:
        """Do the words at ``pos`` open a name (a head word, a collective, a registry name)?"""
        return names.starts_new_name(self.folded, pos) or self.registry.match_at(self.folded, pos) is not None

    def _predicate_here(self, pos: int, end: int) -> bool:
        """Does a predicate word start exactly at ``pos`` ("tổ chức" listed as a noun does not count)?"""
        m = TERM.match(self.folded, pos, end)
        return m is not None and not (
            m.group().startswith("to ") and NOUN_AFTER.match(self.folded, m.end(), end)
        )

    def _grammar_name(self, pos: int, end: int) -> int | None:
        """End of a name the registry does not know, read with the names grammar.

        A capitalised head word ("Ban Quản lý …", "Sở …", "Tập đoàn …") or a plural collective ("các
        doanh nghiệp địa phương") opens it; it runs to its predicate, to a clause mark, or to a "," /
        "và" that opens another name ("Ban Quản lý các khu công nghệ cao và khu công nghiệp, Sở …").
        A parenthesis inside ("các địa phương (Ninh Bình, Hải Phòng)") belongs to the name.
        """
        folded = self.folded
        head = names.HEAD.match(folded, pos, end) if self.text[pos].isupper() else None
        # "Sở Tài chính", "Ban Quản lý": a capitalised word follows the head ("Bảo đảm", "Ban hành",
        # "Phương án" are verbs and nouns, not bodies).
        body = head is not None and (
            len(head.group(0).split()) > 1
            or _proper_next(self.text, head.end(), end) is not None
            or names.plural_after_head(folded, pos)  # "UBND các phường, xã"
        )
        if not body and not names.COLLECTIVE.match(folded, pos, end):
            return None
        stop = min(x for x in (self._predicate(pos + 1, end), end) if x is not None)
        words, i = 0, pos
        kinds = KINDS_AFTER_HEAD.match(folded, names.HEAD.match(folded, pos).end(), stop) if head else None
        if kinds:
            i = kinds.end()  # "Sở, ban, ngành thành phố": the kinds a plural head lists are the name
        while i < stop:
            ch = folded[i]
            if ch == "(":
                close = folded.find(")", i, stop)
                i = close + 1 if close > 0 else stop
                continue
            level = LEVEL_NEXT.match(folded, i, stop) if LEVEL_END.search(folded, pos, i) else None
            if level and _proper_next(self.text, level.end(), stop) is None:
                i = level.end()  # "Ủy ban nhân dân xã, phường": one name over the levels it lists
                continue
            if ch in ".;:" or (ch == "\n" and HARD_BREAK.match(folded, i)):
                break
            if ch == "," and (names.starts_new_name(folded, i + 1) or SINGLED_OUT.match(folded, i)):
                break
            if folded.startswith(" va ", i) and names.starts_new_name(folded, i + 4):
                break
            if ch in " \n":
                words += 1
                if words > CO_SUBJECT_WORDS:
                    return None
            i += 1
        e = _strip_trailing_punct(self.text, pos, i)
        return e if e > pos and len(self.text[pos:e].split()) >= 2 else None

    def _continuation(self, entry, pos: int, end: int) -> int | None:
        """End of a longer, unknown name when a registry agency name runs on into capitalised words.

        "Sở Khoa học và Công nghệ X chủ trì" names a body the registry does not know, not "Sở Khoa học
        và Công nghệ"; lowercase qualifiers ("… trên địa bàn tỉnh", "… các cấp") do not count.
        """
        if not isinstance(entry, RegistryAgency):
            return None
        gap = re.compile(r"[ \t]*\n?[ \t]*(?=\S)").match(self.text, pos, end)
        word = gap.end() if gap and gap.end() > pos else None
        if word is None or not self.text[word].isupper() or TERM.match(self.folded, word, end):
            return None
        if self.registry.match_at(self.folded, word):
            return None
        stop = BOUNDARY.search(self.folded, word, end)
        term = self._predicate(word + 1, end)
        cut = min([x for x in (stop.start() if stop else None, term) if x is not None] or [end])
        return _strip_trailing_punct(self.text, pos, cut)

    def expand(self, items: list[_Item]) -> list[Party]:
        """Registry agencies (successors applied) and members of concrete groups, deduplicated."""
        out: dict[str, Party] = {}
        for item in items:
            if isinstance(item.entry, RegistryAgency):
                agencies = [self.registry.current(item.entry)]
            elif isinstance(item.entry, RegistryGroup) and item.entry.concrete:
                agencies = self.registry.members(item.entry)
            else:
                continue
            # With the gazetteer, the text's own words travel with the registry name ("Ủy ban nhân
            # dân tỉnh Hưng Yên" for "UBND tỉnh Hưng Yên"); a local registry keeps its reviewed output.
            written = " ".join(self.text[item.start : item.end].split())
            for agency in agencies:
                out.setdefault(agency.code, Party(agency.name, agency.code, written=written))
        return list(out.values())

    def _collective_runs(self, items: list[_Item]) -> list[tuple[int, Party]]:
        """Each run of vague collectives in a list, as one addressee as written, with its offset."""
        out: list[tuple[int, Party]] = []
        run: list[_Item] = []
        for item in [*items, None]:
            if item is not None and item.entry is None and not item.unknown:
                run.append(item)
                continue
            if run:
                name = " ".join(self.text[run[0].start : run[-1].end].split())
                out.append((run[0].start, Party(name, slug(name), known=False, kind="collective")))
                run = []
        return out

    def parties(self, items: list[_Item]) -> list[Party]:
        """Like ``expand``, keeping a run of vague collectives as one addressee as written.

        "phối hợp với Sở Tài chính và các sở, ban, ngành liên quan" → Sở Tài chính, "các sở, ban,
        ngành liên quan" (a generic group stays one item). Only for plans read with the gazetteer; a
        local registry keeps its reviewed reading (collectives there name nobody in particular).
        """
        out = {p.code: p for p in self.expand(items)}
        if self.collectives:
            run: list[_Item] = []
            for item in [*items, None]:
                if item is not None and item.entry is None and not item.unknown:
                    run.append(item)
                    continue
                if run:
                    name = " ".join(self.text[run[0].start : run[-1].end].split())
                    out.setdefault(slug(name), Party(name, slug(name), known=False, kind="collective"))
                    run = []
                if item is not None and item.unknown:
                    name = " ".join(self.text[item.start : item.end].split())
                    out.setdefault(slug(name), Party(name, slug(name), known=False))
        return list(out.values())

    def parties_at(self, start: int, end: int) -> list[Party]:
        """The parties of the list of names opening ``text[start:end]``."""
        items, _ = self.names(trim(self.text, start, end)[0], end)
        return self.parties(items)

    # -- lead ----------------------------------------------------------------------------------
    def subject(self, start: int, end: int) -> Subject:
        """Leads named by the opening words, or after a fronted clause ("Căn cứ …, các sở …")."""
        subj = self._subject(start, end)
        pos, end = trim(self.text, start, end)
        if self.collectives and subj.leads:
            # "Ủy ban nhân dân Thành phố yêu cầu các Sở, ban, ngành …": the one asked is the addressee.
            asks = ASKS.match(self.folded, subj.end, end)
            if asks:
                asked = self._subject(asks.start(1), end)
                if asked.leads:
                    return asked
        fronted = FRONTED.match(self.folded, pos, end) or (
            self.collectives and TARGET_CLAUSE.match(self.folded, pos, end)
        )
        if subj.leads or not fronted:
            return subj
        for n, m in enumerate(re.finditer(r",\s*", self.folded[pos:end])):
            if n >= FRONTED_COMMAS:
                break
            if TERM.match(self.folded, pos + m.end(), end):
                break  # "Căn cứ …, chỉ đạo các cơ sở …": the predicate came, the subject is elided
            later = self._subject(pos + m.end(), end)
            if later.leads and all(p.known or p.kind for p in later.leads):
                return later
        return subj

    def after_preamble(self, start: int, end: int) -> Subject | None:
        """The addressee of a directive that opens with a preamble naming none.

        A Thông báo kết luận often states the situation first: "Hiện nay …; do vậy, yêu cầu X …" (a
        clause asking X), or "Kết quả … . Bộ X với vai trò …, chủ động …" (a later sentence opening
        with a registry agency). The first of them names the directive's addressee. A preamble
        ending in ":" introduces the items below it and names no duty of its own.
        """
        if self.text[start:end].rstrip().endswith(":"):
            return None
        for m in PREAMBLE_TURN.finditer(self.folded, start, end):
            pos = m.start("ask") if m.group("ask") else m.end()
            if not m.group("ask") and not self.text[pos].isupper():
                continue
            sub = self._subject(pos, end)
            if sub.leads and (m.group("ask") or all(p.known for p in sub.leads)):
                return sub
        return None

    def _subject(self, start: int, end: int) -> Subject:
        """Leads named by the opening words of ``text[start:end]``."""
        pos, end = trim(self.text, start, end)
        prefix = PREFIX.match(self.folded, pos, end)
        if prefix:
            pos = prefix.end()
        items, stop = self.names(pos, end)
        found: list[tuple[int, Party]] = []
        issues = []
        for item in items:
            if item.unknown:
                name = " ".join(self.text[item.start : item.end].split())
                kind = names.kind_of(name) if self.collectives else None
                found.append((item.start, Party(name, slug(name), known=False, kind=kind or "")))
                if kind not in ("collective", "position"):
                    issues.append(self.unknown(item.start, item.end))
            found.extend((item.start, party) for party in self.expand([item]))
        if self.collectives and found:
            # "Các Sở, ngành, đơn vị; UBND cấp xã": the collective is a co-addressee, as written.
            found.extend(self._collective_runs(items))
        by_code: dict[str, Party] = {}
        for _, party in sorted(found, key=lambda f: f[0]):
            by_code.setdefault(party.code, party)
        leads = list(by_code.values())
        subj = Subject(leads, stop if items else pos, addressed=bool(prefix), issues=issues)
        subj.vague = any(
            (i.entry is None and not i.unknown)
            or (isinstance(i.entry, RegistryGroup) and not i.entry.concrete)
            for i in items
        )
        if not items and not (prefix and prefix.group("word") == "doi voi"):
            self._unknown_subject(subj, pos, end)
        else:
            if not leads:
                subj.phrase = (pos, stop)
            self._co_subject(subj, stop, end)
            if (
                self.collectives
                and not subj.leads
                and subj.vague
                and not (prefix and prefix.group("word") == "doi voi")
            ):
                self._collective(subj, pos, end)  # "Đối với X:" names a target, not an addressee
        return subj

    def _collective(self, subj: Subject, pos: int, end: int) -> None:
        """A vague collective opening a duty ("Các sở, ngành …") is its addressee, as written."""
        stop = self._name_end(pos, end, CO_SUBJECT_WORDS) or subj.end
        ps, pe = trim(self.text, pos, stop)
        pe = _strip_trailing_punct(self.text, ps, pe)
        if pe > ps and names.kind_of(self.text[ps:pe]):
            name = " ".join(self.text[ps:pe].split())
            subj.leads = [Party(name, slug(name), known=False, kind="collective")]
            subj.end = pe

    def _phrase_end(self, pos: int, end: int, words: int = SUBJECT_WORDS) -> int | None:
        """Start of the first predicate word within ``words`` words of ``pos``."""
        limit = pos
        for _ in range(words):
            m = re.compile(r"\S+\s*").match(self.folded, limit, end)
            if not m:
                break
            limit = m.end()
        stop = self._predicate(pos, min(end, limit + 40))  # a predicate may start on the last word
        return stop if stop is not None and stop < limit else None

    def _name_end(self, pos: int, end: int, words: int) -> int | None:
        """Where the addressee phrase at ``pos`` ends: its predicate, or ``end`` for a bare name.

        A heading ("4. Các Sở, ban, ngành của Thành phố, UBND phường, xã") has no predicate: when the
        whole span is a short phrase without a sentence break, all of it is the name.
        """
        stop = self._phrase_end(pos, end, words)
        if stop is not None:
            return stop
        rest = self.text[pos:end].strip()
        if rest and len(rest.split()) <= words and ". " not in rest and ":" not in rest:
            stop = _strip_trailing_punct(self.text, pos, end)
            return stop - 1 if self.text[stop - 1] == "." else stop  # "Đơn vị thực hiện: Các sở, ngành."
        return None

    def _predicate(self, pos: int, end: int) -> int | None:
        """First predicate word in [pos, end); capitalised words after ``pos`` belong to a name.

        "tổ chức" listed as a noun ("doanh nghiệp, tổ chức, cá nhân") is not the verb.
        """
        for m in TERM.finditer(self.folded, pos, end):
            if m.start() != pos and self.text[m.start()].isupper():
                continue
            if m.group().startswith("to ") and NOUN_AFTER.match(self.folded, m.end(), end):
                continue
            return m.start()
        return None

    def looks_like_agency(self, start: int, end: int) -> bool:
        """A capitalised body name ("Sở …", "Trung tâm …") that is not a plural collective."""
        return (
            self.text[start].isupper()
            and HEAD.match(self.folded, start, end) is not None
            and PLURAL.search(self.folded, start, end) is None
        )

    def _unknown_subject(self, subj: Subject, pos: int, end: int) -> None:
        """No registry name opens the duty: an unknown agency, or a phrase naming no body."""
        stop = self._name_end(pos, end, CO_SUBJECT_WORDS if self.collectives else SUBJECT_WORDS)
        if stop is None:
            return
        ps, pe = trim(self.text, pos, stop)
        pe = _strip_trailing_punct(self.text, ps, pe)
        if pe <= ps:
            return
        subj.phrase = (ps, pe)
        kind = names.kind_of(self.text[ps:pe]) if self.collectives else None
        if self.looks_like_agency(ps, pe) or kind:
            name = " ".join(self.text[ps:pe].split())
            subj.leads = [Party(name, slug(name), known=False, kind=kind or "body")]
            subj.end = pe
            if kind in (None, "body"):
                subj.issues.append(self.unknown(ps, pe))

    def _co_subject(self, subj: Subject, stop: int, end: int) -> None:
        """Words after the listed names that are joined to them but are not registry names."""
        sep = SEP.match(self.folded, stop, end)
        if not sep or TERM.match(self.folded, sep.end(), end):
            return
        phrase_end = self._phrase_end(sep.end(), end, CO_SUBJECT_WORDS)
        if phrase_end is None:
            return
        ps, pe = trim(self.text, sep.end(), phrase_end)
        pe = _strip_trailing_punct(self.text, ps, pe)
        if pe <= ps:
            return
        subj.end = pe
        if self.looks_like_agency(ps, pe):
            name = " ".join(self.text[ps:pe].split())
            subj.leads.append(Party(name, slug(name), known=False))
            subj.issues.append(self.unknown(ps, pe))
        else:
            suggestions = tuple(self.registry.suggest(self.text[ps:pe]))
            subj.issues.append(Unresolved(self.text[ps:pe], (ps, pe), CO_LEAD_UNKNOWN, suggestions))

    def unknown(self, start: int, end: int) -> Unresolved:
        """The unresolved entry for an agency name the registry does not know."""
        name = self.text[start:end]
        return Unresolved(name, (start, end), UNKNOWN_AGENCY, tuple(self.registry.suggest(name)))

    # -- cells and labelled fields ---------------------------------------------------------------
    def cell_parties(self, start: int, end: int, lead: bool) -> tuple[list[Party], list[Unresolved]]:
        """Agencies named in a table cell or a field value, and what to report about them.

        A cell holds nothing but names: names may be joined by ",", ";", "và" or a line break, or not
        joined at all; an agency-looking chunk the registry does not know is kept as written; with the
        names grammar, lowercase words after a collective belong to it ("các cơ quan báo chí, phát
        thanh, truyền hình khác"), and a lead cell naming no body at all is its own words as written
        ("Doanh nghiệp, nhà đầu tư": the column says it leads), reported for review.
        """
        out: list[tuple[int, Party]] = []
        issues: list[Unresolved] = []
        pos = start
        while pos < end:
            items, stop = self.names(pos, end, acronyms=True)
            vague = [i for i in items if self.collectives and i.entry is None and not i.unknown]
            batch = [(i.start, p) for i in items if i not in vague for p in self.parties([i])]
            batch += self._collective_runs(items) if vague else []
            out.extend(sorted(batch, key=lambda f: f[0]))
            sep = SEP.match(self.folded, stop, end) if items else None
            if items and not sep:
                break
            pos = sep.end() if sep else stop
            if items:
                continue
            nxt = _CHUNK_END.search(self.text, pos, end)
            chunk_end = nxt.start() if nxt else end
            cs, ce = trim(self.text, pos, chunk_end)
            if ce > cs and not VAGUE.fullmatch(self.folded, cs, ce):
                kind = names.kind_of(self.text[cs:ce])
                if self.collectives and out and out[-1][1].kind == "collective" and self.text[cs].islower():
                    begin = out[-1][0]
                    name = " ".join(self.text[begin:ce].split())
                    out[-1] = (begin, Party(name, slug(name), known=False, kind="collective"))
                elif self.looks_like_agency(cs, ce) or kind:
                    name = " ".join(self.text[cs:ce].split())
                    out.append((cs, Party(name, slug(name), known=False, kind=kind or "body")))
                    if kind in (None, "body"):
                        issues.append(self.unknown(cs, ce))
                elif lead:
                    suggestions = tuple(self.registry.suggest(self.text[cs:ce]))
                    issues.append(Unresolved(self.text[cs:ce], (cs, ce), CO_LEAD_UNKNOWN, suggestions))
            pos = nxt.end() if nxt else end
        if lead and not out and self.collectives:
            cs, ce = trim(self.text, start, end)
            ce = _strip_trailing_punct(self.text, cs, ce)
            if ce > cs and len(self.text[cs:ce].split()) <= CO_SUBJECT_WORDS:
                name = " ".join(self.text[cs:ce].split())
                kind = names.kind_of(name) or "collective"
                return [Party(name, slug(name), known=False, kind=kind)], [self.unknown(cs, ce)]
        by_code: dict[str, Party] = {}
        for _, party in sorted(out, key=lambda f: f[0]):
            by_code.setdefault(party.code, party)
        return list(by_code.values()), issues

    # -- supporting ----------------------------------------------------------------------------
    def supporting(self, start: int, end: int, after: int) -> list[Party]:
        """Supporting agencies named in ``text[start:end]`` after the subject (``after``)."""
        found: list[tuple[int, list[Party]]] = []
        begin = max(start, after)
        for m in WITH.finditer(self.folded, begin, end):
            items, _ = self.names(m.end(), end)
            found.append((m.end(), self.parties(items)))
        for m in CLAUSE_START.finditer(self.folded, begin, end):
            items, stop = self.names(m.end(), end)
            if items and SUPPORT_VERB.match(self.folded, stop, end):
                found.append((m.end(), self.parties(items)))
        out: dict[str, Party] = {}
        for _, parties in sorted(found, key=lambda f: f[0]):
            for p in parties:
                out.setdefault(p.code, p)
        return list(out.values())


def _capitalised_run(text: str, pos: int, end: int, most: int = 4) -> int | None:
    """End of the run of capitalised words at ``pos`` (a place name: "Quảng Ngãi", "Hồ Chí Minh")."""
    stop, i = None, pos
    for _ in range(most):
        m = _WORD_AT.match(text, i, end)
        if m is None or not text[i].isupper():
            break
        stop = m.end()
        gap = re.compile(r"[ \t]+").match(text, stop, end)
        if gap is None:
            break
        i = gap.end()
    return stop


def _proper_next(text: str, pos: int, end: int) -> int | None:
    """Where the next word starts, when it starts with a capital letter (a proper name)."""
    m = _NEXT_WORD.match(text, pos, end)
    return m.end() if m and m.end() < end and text[m.end()].isupper() else None


def _strip_trailing_punct(text: str, start: int, end: int) -> int:
    """Drop trailing commas/colons from a phrase end."""
    while end > start and (text[end - 1] in ",;:" or text[end - 1].isspace()):
        end -= 1
    return end
