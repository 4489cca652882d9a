"""Grammar of Vietnamese public-body names, usable without a registry.

A *body* name opens with a head word (Bộ, Sở, Cục, Ủy ban nhân dân, Công an, Trung tâm, …); a
*collective* is a plural or generic addressee ("các sở, ngành", "Ủy ban nhân dân xã, phường",
"các doanh nghiệp viễn thông"); a *position* stands for its body ("Giám đốc Sở X", "đồng chí Bộ
trưởng Bộ Xây dựng", "Chủ tịch UBND xã"). All matching is over ``fold``-ed text (same length as the
original), so offsets found here are offsets into the text.

"và" inside or between names: in a list, "và" (like "," and ";") separates two names only when the
words after it open a new name (a head word, a position, a collective, or "các"); otherwise it
belongs to the name ("Sở Nông nghiệp và Môi trường", "Sở Văn hóa, Thể thao và Du lịch").
"""

from __future__ import annotations

import re

from workflows.kernel.text import fold

_HEAD_WORDS = (
    "bo chi huy",
    "bo doi bien phong",
    "bo",
    "so",
    "cuc",
    "chi cuc",
    "vu",
    "ban quan ly",
    "ban chi dao",
    "ban",
    "uy ban nhan dan",
    "ubnd",
    "uy ban",
    "cong an",
    "toa an",
    "vien kiem sat",
    "vien",
    "mat tran",
    "hoi dong",
    "hoi",
    "lien doan",
    "doan",
    "dai",
    "bao",
    "trung tam",
    "van phong",
    "thanh tra",
    "kho bac",
    "ngan hang",
    "bao hiem xa hoi",
    "tap doan",
    "tong cong ty",
    "cong ty",
    "phong",
    "truong",
    "benh vien",
    "hoc vien",
    "thong tan xa",
    "kiem toan",
    "tinh doan",
    "thanh doan",
    "tinh uy",
    "thanh uy",
    "hdnd",
    "chinh phu",
    "thu tuong",
    "quan khu",
    "bo tu lenh",
    "hai quan",
    "tong cuc",
    "co quan",
    "don vi",
    "nha dau tu",
    "chu dau tu",
    "tinh",
    "thanh pho",
    "xa",
    "phuong",
    "dac khu",
)
_POSITION_WORDS = (
    "dong chi",
    "pho thu tuong",
    "thu tuong",
    "bo truong",
    "thu truong",
    "chu tich",
    "pho chu tich",
    "giam doc",
    "pho giam doc",
    "chanh van phong",
    "chanh thanh tra",
    "cuc truong",
    "vu truong",
    "truong ban",
    "nguoi dung dau",
    "bi thu",
    "tong giam doc",
)
_COLLECTIVE_NOUNS = (
    "bo",
    "nganh",
    "so",
    "ban",
    "co quan",
    "don vi",
    "dia phuong",
    "tinh",
    "thanh pho",
    "xa",
    "phuong",
    "doanh nghiep",
    "to chuc",
    "thanh vien",
    "nha dau tu",
    "nha thau",
    "chu dau tu",
    "doan the",
    "hoi",
    "cap",
    "luc luong",
    "truong",
    "co so",
    "dong chi",
    "quan khu",
    "tap doan",
    "tong cong ty",
    "ubnd",
    "uy ban nhan dan",
    "trung tam",
    "cuc",
    "vu",
    "phong",
    "tap the",
    "ca nhan",
    "co quan bao chi",
)


def _alternation(words: tuple[str, ...]) -> str:
    """Regex alternation of folded multi-word phrases, longest first."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(w.replace(" ", r"\s+") for w in ordered)


HEAD = re.compile(rf"(?:{_alternation(_HEAD_WORDS)})(?![a-z0-9])")
POSITION = re.compile(rf"(?:{_alternation(_POSITION_WORDS)})(?![a-z0-9])")
COLLECTIVE = re.compile(rf"(?:cac|nhung|moi|tung)\s+(?:{_alternation(_COLLECTIVE_NOUNS)})(?![a-z0-9])")
NEW_NAME = re.compile(rf"\s*(?:cac\s+|{HEAD.pattern}|{POSITION.pattern})")
_ABBREV = re.compile(r"\(\s*(?:sau\s+đây\s+(?:gọi|viết)\s+(?:tắt|gọn)\s+là\s+)?([^()]{2,40}?)\s*\)", re.I)


def kind_of(text: str) -> str | None:
    """'position', 'collective' or 'body' for a phrase that names an addressee, else None."""
    f = fold(text).strip()
    if not f or not text.strip()[0].isalpha():
        return None
    if POSITION.match(f):
        return "position"
    if COLLECTIVE.match(f):
        return "collective"
    head = HEAD.match(f)
    if (
        head
        and " " not in head.group(0)
        and re.match(r"\s+[^\W\d_]", text.strip()[head.end() : head.end() + 3])
        and text.strip()[head.end() :].split()[0][0].islower()
    ):
        if not _plural_tail(f) and not COLLECTIVE.match(f) and not _LEVEL_AFTER.match(f, head.end()):
            return None  # "Bảo đảm cơ sở …", "Phương án …": a one-word head needs a name after it
    if HEAD.match(f) and text.strip()[0].isupper():  # "Ban …" names a body, "bản" does not
        if _plural_tail(f) or (text.strip()[0].islower() and not _capitalised_after_head(text)):
            return "collective"
        return "body"
    return None


_LEVEL = r"(?:xa|phuong|thi\s+tran|thi\s+xa|dac\s+khu|huyen|quan|tinh|thanh\s+pho)"
# "UBND xã, phường", "Ủy ban nhân dân cấp xã", "Công an các xã": every unit of a level, not one body.
_LEVEL_AFTER = re.compile(rf"\s+{_LEVEL}(?![a-z])")  # "UBND xã Tân Lập": the head names a level's body
_LEVELS = re.compile(rf"\s+(?:cap\s+{_LEVEL}|{_LEVEL}(?:\s*[,/]\s*|\s+va\s+|\s+hoac\s+){_LEVEL})(?![a-z])")


def _plural_tail(f: str) -> bool:
    """A head followed by a list of kinds ("sở, ban, ngành", "ubnd xã, phường", "UBND cấp xã")."""
    m = HEAD.match(f)
    rest = f[m.end() :] if m else f
    return bool(
        re.match(
            r"\s+(?:cac|nhung)(?![a-z])|\s*,\s*(?:ban|nganh|phuong|xa|dia\s+phuong|don\s+vi)(?![a-z])", rest
        )
        or _LEVELS.match(rest)
    )


def plural_after_head(folded: str, pos: int) -> bool:
    """Does a head word at ``pos`` open a collective ("UBND các xã", "Ủy ban nhân dân xã, phường")?"""
    return HEAD.match(folded, pos) is not None and _plural_tail(folded[pos : pos + 80])


def _capitalised_after_head(text: str) -> bool:
    """Does a capitalised word follow the head word ("sở Tài chính")?"""
    words = text.split()
    return any(w[:1].isupper() for w in words[1:3])


def starts_new_name(folded: str, pos: int) -> bool:
    """Do the words at ``pos`` open a new name (so a "và"/"," before them separates two names)?"""
    return NEW_NAME.match(folded, pos) is not None


def split_names(text: str) -> list[tuple[int, int]]:
    """Spans of the names in a list ("Sở Y tế, Sở Nội vụ và các địa phương" → three spans)."""
    folded = fold(text)
    spans, start = [], 0
    for m in re.finditer(r"\s*[,;]\s*(?:va\s+)?|\s+va\s+", folded):
        if starts_new_name(folded, m.end()) and text[start : m.start()].strip():
            spans.append((start, m.start()))
            start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip(" .;,"))))
    return spans


def defined_abbreviations(text: str) -> dict[str, str]:
    """Abbreviations a document defines for itself: "Sở Khoa học và Công nghệ (Sở KH&CN)" → {short: long}."""
    out: dict[str, str] = {}
    for m in _ABBREV.finditer(text):
        short = m.group(1).strip()
        before = text[max(0, m.start() - 80) : m.start()]
        head = None
        for h in HEAD.finditer(fold(before)):
            head = h
        if head is None or not (short.isupper() or any(c.isupper() for c in short[1:])):
            continue
        long = before[head.start() :].strip()
        if 1 < len(long.split()) <= 12:
            out[short] = long
    return out
