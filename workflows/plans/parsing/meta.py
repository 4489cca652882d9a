"""Plan header → PlanMeta (number, issuer, date of issue, title).

The header block is the text before the first section. It is read as pieces: every line, every cell
of a ``| a | b |`` row, and the parts of a line that a tab, a wide gap, a rule ("-----") or the
national motto separate (a PDF text layer puts the issuer column and the motto column on one line).
Lines that are not the document's (a ``# source: …`` comment, a web site's banner, attribute block
or summary above the header: site.py, ``_own_lines``) are never part of the issuer, the number, the
date or the title.

- Number: "Số: 23/KH-UBND" anywhere in the header; without one, a warning (a notice, a draft with a
  blank number), never a refusal.
- Date of issue: "ngày DD tháng MM năm YYYY"; without one the text is refused.
- Issuer: the run of uppercase pieces just above the national motto (with the motto absent, just
  above the number, the date or the document type), "ỦY BAN NHÂN DÂN" written "UBND", the place
  and the ministries in their usual casing.
- Title: the document type ("KẾ HOẠCH", "QUYẾT ĐỊNH", …) and the subject lines after it (uppercase,
  or the one sentence-case line Word's all-capitals style leaves), up to the authority line of a
  decision ("THỦ TƯỚNG CHÍNH PHỦ", "CHỦ TỊCH …"), recased from the body's own spelling of its words.
"""

from __future__ import annotations

import re
from datetime import date

from workflows.kernel.text import fold
from workflows.plans.parsed import PlanFormatError, PlanMeta
from workflows.plans.parsing.site import is_furniture
from workflows.plans.parsing.text import collapse

NUMBER_RE = re.compile(r"(?<![a-z])so\s*:\s*(\d+\s*/\s*[a-z0-9đ]+(?:\s*-\s*[a-z0-9đ]+)*)")
DATE_RE = re.compile(r"ngay\s+(\d{1,2})[\s|]*thang\s+(\d{1,2})[\s|]*nam\s+(\d{4})")
DOC_TYPES = {
    "ke hoach hanh dong": "Kế hoạch hành động",
    "ke hoach": "Kế hoạch",
    "chuong trinh hanh dong": "Chương trình hành động",
    "chuong trinh": "Chương trình",
    "quyet dinh": "Quyết định",
    "thong bao": "Thông báo",
    "chi thi": "Chỉ thị",
    "cong van": "Công văn",
    "nghi quyet": "Nghị quyết",
    "de an": "Đề án",
}
NO_NUMBER = "no document number ('Số: …') in the header: read without one"
# A comment line of the file, not of the document ("# source: …", "<!-- … -->").
_COMMENT = re.compile(r"\s*(?:#+\s*[a-z_][a-z_ ]*:|<!--)")
_MARKDOWN_HEADING = re.compile(r"\s*#{1,6}\s+")
# Where a header line splits into pieces: a cell bar, a tab, a wide gap, a rule.
_PIECE_SEP = re.compile(r"\s*(?:\||\t|\s{3,}|[-_=–—]{3,})\s*")
_MOTTO = re.compile(
    r"cong\s+hoa\s+xa\s+hoi(?:\s+chu\s+nghia\s+viet\s+nam)?|chu\s+nghia\s+viet\s+nam|doc\s+lap\s*-\s*tu\s+do\s*-\s*hanh\s+phuc"
)
_STOP_KINDS = ("number", "date", "doctype")
# The authority line of a decision, after its subject: "THỦ TƯỚNG CHÍNH PHỦ", "CHỦ TỊCH UBND TỈNH …".
_AUTHORITY = re.compile(
    r"(?:thu\s+tuong\s+chinh\s+phu|chinh\s+phu|chu\s+tich\s+.*|bo\s+truong\s+.*|giam\s+doc\s+.*"
    r"|(?:uy\s+ban\s+nhan\s+dan|ubnd)(?:\s+(?:tinh|thanh\s+pho|huyen|xa|phuong)\s+.*)?)"
)
AUTHORITY_WORDS = 8
SUBJECT_WORDS = 60  # a sentence-case subject line longer than this is the preamble
# Issuers whose usual casing is not "first word capitalised": national bodies and their heads.
_NATIONAL = (
    "Thủ tướng Chính phủ",
    "Chính phủ",
    "Văn phòng Chính phủ",
    "Quốc hội",
    "Ủy ban Thường vụ Quốc hội",
)
_NATIONAL_HEADS = ("quoc hoi", "chu tich nuoc", "thu tuong", "chinh phu", "dang bo", "dang uy", "huyen uy")
_LEVELS = (("uy ban nhan dan ", "UBND "), ("ubnd ", "UBND "), ("hoi dong nhan dan ", "HĐND "))
_TWO_WORD_HEADS = (
    "chi cuc",
    "tong cuc",
    "trung tam",
    "van phong",
    "uy ban",
    "hoi dong",
    "kho bac",
    "ngan hang",
)
_PLACES = ("tinh", "thanh pho", "huyen", "quan", "thi xa", "xa", "phuong", "thi tran")


def parse_meta(text: str, body_start: int, warnings: list[str] | None = None) -> PlanMeta:
    """Read number, issuer, date and title from the header (the text before the first section).

    A header without "Số: …" (a notice, a draft with a blank number) is read with a warning
    appended to ``warnings``; without a date of issue the text is refused.
    """
    header = text[: body_start or len(text)]
    lines = _own_lines(_header_lines(header))
    folded = fold("\n".join(lines))
    m = NUMBER_RE.search(folded)
    joined = "\n".join(lines)
    if m:
        number = re.sub(r"\s+", "", joined[m.start(1) : m.end(1)])
    elif warnings is None:
        raise PlanFormatError("plan.no_number")
    else:
        number = ""
        warnings.append(NO_NUMBER)
    d = DATE_RE.search(folded)
    if not d:
        raise PlanFormatError("plan.no_date")
    try:
        issued = date(int(d.group(3)), int(d.group(2)), int(d.group(1)))
    except ValueError as exc:
        raise PlanFormatError("plan.bad_date", text=d.group(0), reason=str(exc)) from None
    pieces = _pieces(lines)
    return PlanMeta(number=number, issuer=_issuer(pieces), issued_on=issued, title=_title(text, pieces))


def _header_lines(header: str) -> list[str]:
    """Non-empty header lines of the document itself (file comments dropped, markdown '#' removed)."""
    out = []
    for line in header.splitlines():
        if _COMMENT.match(line) or is_furniture(line):
            continue
        line = _MARKDOWN_HEADING.sub("", line, count=1).strip()
        if line and not re.fullmatch(r"[|\-_=–—.*\s]+", line):
            out.append(line)
    return out


def _own_lines(lines: list[str]) -> list[str]:
    """The header from the document's own issuer on: a site's summary or banner above it is left out.

    The issuer is the run of uppercase lines just above the national motto (or the motto's own line,
    in a PDF's two columns); when a line of that run names a body ("ỦY BAN NHÂN DÂN", "BỘ …") and
    the lines above it in the run do not, those are a banner. Without a motto, every line is kept.
    """
    motto = next((i for i, line in enumerate(lines) if _MOTTO.search(fold(line))), None)
    if motto is None:
        return lines
    start = motto
    while start > 0 and _all_upper(lines[start - 1]):
        start -= 1
    named = next((i for i in range(start, motto + 1) if _names_body(lines[i])), start)
    return lines[named:]


def _all_upper(line: str) -> bool:
    """Is every piece of the line in capitals (an issuer line, not a summary or a document type)?"""
    kinds = [_kind(p) for part in _PIECE_SEP.split(line) for p in _cut_motto(part.strip(" *_"))]
    return bool(kinds) and all(k == "upper" for k in kinds)


def _names_body(line: str) -> bool:
    """Does the line open with a public body's name ("ỦY BAN NHÂN DÂN", "BỘ Y TẾ", "QUỐC HỘI")?"""
    from workflows.agencies.names import HEAD

    key = " ".join(fold(line.strip(" *_|")).split())
    return bool(HEAD.match(key)) or key.startswith(_NATIONAL_HEADS)


def _pieces(lines: list[str]) -> list[tuple[str, str]]:
    """(text, kind) of every header piece; kind: motto | number | date | doctype | upper | text."""
    out = []
    for line in lines:
        for part in _PIECE_SEP.split(line):
            for piece in _cut_motto(part.strip(" *_")):
                out.append((piece, _kind(piece)))
    return out


def _cut_motto(part: str) -> list[str]:
    """The part split around motto phrases, each motto phrase its own piece."""
    out, pos = [], 0
    key = fold(part)
    for m in _MOTTO.finditer(key):
        out += [part[pos : m.start()].strip(), part[m.start() : m.end()]]
        pos = m.end()
    out.append(part[pos:].strip())
    return [p for p in out if p.strip(" ,.-")]


def _kind(piece: str) -> str:
    """What a header piece is."""
    key = fold(piece)
    if _MOTTO.fullmatch(key.strip()):
        return "motto"
    if NUMBER_RE.match(key) or key.startswith("so:") or re.match(r"so\s*:", key):
        return "number"
    if _doc_type(piece)[0]:
        return "doctype"
    letters = [c for c in piece if c.isalpha()]
    upper = bool(letters) and all(c.isupper() for c in letters)
    if DATE_RE.search(key) and not upper:
        return "date"  # "Sơn La, ngày 30 tháng 01 năm 2023", not a subject naming a date
    return "upper" if upper else "text"


def _doc_type(piece: str) -> tuple[str, str]:
    """(document type, rest) when the piece is, or opens with, a document type word in capitals."""
    key = " ".join(fold(piece).split())
    for words, name in DOC_TYPES.items():
        if key == words:
            return name, ""
        if key.startswith(words + " ") and piece.isupper():
            n = len(words.split())
            return name, piece.split(None, n)[n]
    return "", ""


def _issuer(pieces: list[tuple[str, str]]) -> str:
    """The issuing body: the uppercase run above the motto (or above the number, date, type)."""
    stop = next((i for i, (_, k) in enumerate(pieces) if k in _STOP_KINDS), len(pieces))
    head = pieces[:stop]
    motto = next((i for i, (_, k) in enumerate(head) if k == "motto"), None)
    anchor = motto if motto is not None else len(head)
    start = anchor
    while start > 0 and head[start - 1][1] == "upper":
        start -= 1
    run = [p for p, k in head[start:anchor]]
    if motto is not None:
        # a PDF line pairs each issuer line with a motto line: "TỈNH SƠN LA  Độc lập - Tự do - Hạnh phúc"
        run += [p for p, k in head[anchor:] if k == "upper"]
    if not run:
        run = [p for p, k in head if k == "upper"][:3]
    return _recase_issuer(collapse(" ".join(run)))


def _recase_issuer(raw: str) -> str:
    """ "ỦY BAN NHÂN DÂN TỈNH SƠN LA" → "UBND tỉnh Sơn La"; "BỘ TÀI CHÍNH" → "Bộ Tài chính".

    A two-level header ("UBND TỈNH SƠN LA" over "SỞ Y TẾ") names the body that issues: "Sở Y tế tỉnh
    Sơn La".
    """
    if not raw or not raw.isupper():
        return _abbreviated(raw)
    key = " ".join(fold(raw).split())
    known = _known_name(key)
    if known:
        return known
    parent = _place_government(raw, key)
    if parent is not None:
        name, place, rest = parent
        if not rest:
            return name
        return f"{_body_casing(rest)} {place}"
    return _body_casing(raw)


def _known_name(key: str) -> str:
    """The usual spelling of a national issuer or a ministry written in capitals, else ""."""
    from workflows.agencies.gazetteer import ministries

    for name in (*_NATIONAL, *(n for _, n in ministries())):
        if key == " ".join(fold(name).split()):
            return name
    return ""


def _place_government(raw: str, key: str) -> tuple[str, str, str] | None:
    """("UBND tỉnh Sơn La", "tỉnh Sơn La", what follows in capitals) for "ỦY BAN NHÂN DÂN TỈNH SƠN LA …"."""
    from workflows.agencies.gazetteer import provinces

    for long, short in _LEVELS:
        if not key.startswith(long):
            continue
        rest = key[len(long) :]
        words = raw.split()[len(long.split()) :]
        for place in _PLACES:
            if not rest.startswith(place + " "):
                continue
            after = words[len(place.split()) :]
            where = " ".join(fold(w) for w in after)
            for p in sorted(provinces(), key=lambda p: -len(p.short)):
                short_key = " ".join(fold(p.short).split())
                if where == short_key or where.startswith(short_key + " "):
                    tail = after[len(p.short.split()) :]
                    spot = f"{_spelled(place)} {p.short}"
                    return f"{short}{spot}", spot, " ".join(tail)
            spot = f"{_spelled(place)} {' '.join(w.capitalize() for w in after)}"
            return f"{short}{spot}", spot, ""
        return short + " ".join(w.capitalize() for w in words), "", ""
    return None


def _body_casing(raw: str) -> str:
    """A body's name in capitals, spelled the usual way: "SỞ Y TẾ" → "Sở Y tế"."""
    words = raw.split()
    n = 2 if " ".join(fold(w) for w in words[:2]) in _TWO_WORD_HEADS else 1
    out = [words[0].capitalize(), *(w.lower() for w in words[1:n])]
    if n < len(words):
        out += [words[n].capitalize(), *(w.lower() for w in words[n + 1 :])]
    return " ".join(out)


def _spelled(place: str) -> str:
    """The level word with its diacritics."""
    return {
        "tinh": "tỉnh",
        "thanh pho": "thành phố",
        "huyen": "huyện",
        "quan": "quận",
        "thi xa": "thị xã",
        "xa": "xã",
        "phuong": "phường",
        "thi tran": "thị trấn",
    }[place]


def _abbreviated(raw: str) -> str:
    """ "Ủy ban nhân dân tỉnh X" → "UBND tỉnh X" for an issuer already in its own casing."""
    key = fold(raw)
    for long, short in _LEVELS:
        if key.startswith(long):
            return short + raw[len(long) :]
    return raw


def _title(text: str, pieces: list[tuple[str, str]]) -> str:
    """Document type plus the subject pieces after it, in the body's casing."""
    for i, (piece, kind) in enumerate(pieces):
        if kind != "doctype":
            continue
        doc, rest = _doc_type(piece)
        parts = [rest] if rest else []
        for nxt, k in pieces[i + 1 :]:
            if k == "upper" and parts and _is_authority(nxt):
                break  # "THỦ TƯỚNG CHÍNH PHỦ" above a decision's "Căn cứ …"
            if k == "upper":
                parts.append(nxt)
                continue
            if k == "text" and not parts and _is_subject(nxt):
                parts.append(nxt)  # Word's all-capitals style keeps the typed casing
            break
        subject = collapse(" ".join(parts))
        return f"{doc} {_recase(text, subject)}".strip()
    return ""


def _is_authority(piece: str) -> bool:
    """Is the piece a decision's authority line rather than a wrapped subject line?"""
    key = " ".join(re.sub(r"[^a-z0-9đ ]", " ", fold(piece)).split())
    return (
        len(key.split()) <= AUTHORITY_WORDS and _AUTHORITY.fullmatch(key) is not None and "ve viec" not in key
    )


def _is_subject(piece: str) -> bool:
    """A sentence-case line right after the document type that reads as a subject, not a preamble."""
    key = fold(piece)
    return (
        len(piece.split()) <= SUBJECT_WORDS
        and not piece.rstrip().endswith((":", ";"))
        and not re.match(r"can\s+cu(?![a-z])", key)
    )


_WORD = re.compile(r"\w+(?:[/&-]\w+)*")
LOWER_SHARE = 0.5  # a run the body writes with at least this share of lowercase letters


def _recase(text: str, subject: str) -> str:
    """Recase a subject in capitals from the body's spelling of the same run of words.

    The subject is cut into the longest runs of words that the body writes in lower case somewhere;
    each run takes that spelling (a run opening a sentence loses its capital); other words are
    lowercased (words with a digit, "5G", stay). A subject in sentence case only loses the capital
    of its first word.
    """
    if not subject:
        return ""
    if _lower_share(subject) >= LOWER_SHARE:
        words = subject.split()
        if len(words) > 1 and words[1][:1].islower():
            return subject[0].lower() + subject[1:]
        return subject
    words = list(_WORD.finditer(subject))
    folded = fold(text)
    wanted = {fold(w.group()) for w in words}
    # only the body's occurrences of the subject's words, each marked when it follows the one before
    alternation = "|".join(sorted(map(re.escape, wanted), key=len, reverse=True))
    tokens, prev_end = [], -1
    for m in re.finditer(rf"(?<![\w/&-])(?:{alternation})(?![\w/&-])", folded):
        adjacent = prev_end >= 0 and not re.search(r"\w", folded[prev_end : m.start()])
        tokens.append((text[m.start() : m.end()], m.start(), m.group(), adjacent))
        prev_end = m.end()
    index: dict[str, list[int]] = {}
    for k, (_, _, key, _) in enumerate(tokens):
        if key in wanted:
            index.setdefault(key, []).append(k)
    cased = [w.group() if any(c.isdigit() for c in w.group()) else w.group().lower() for w in words]
    i = 0
    while i < len(words):
        best, at = 0, -1
        for k in index.get(fold(words[i].group()), ()):
            n = _run(tokens, k, words, i)
            if n > best:
                best, at = n, k
        if not best:
            i += 1
            continue
        cased[i : i + best] = [tokens[at + n][0] for n in range(best)]
        if _opens_sentence(text, tokens[at][1]) and len(cased[i]) > 1 and cased[i][1:].islower():
            cased[i] = cased[i].lower()
        i += best
    out, pos = [], 0
    for w, new in zip(words, cased, strict=True):
        out += [subject[pos : w.start()], new]
        pos = w.end()
    out.append(subject[pos:])
    return "".join(out)


def _run(tokens, k: int, words, i: int) -> int:
    """Length of the longest run of body tokens from ``k``, in lower case, spelling words from ``i``."""
    n = 0
    while (
        i + n < len(words)
        and k + n < len(tokens)
        and tokens[k + n][2] == fold(words[i + n].group())
        and (n == 0 or tokens[k + n][3])
    ):
        n += 1
    while n and _lower_share(" ".join(t[0] for t in tokens[k : k + n])) < LOWER_SHARE:
        n -= 1
    return n


def _lower_share(text: str) -> float:
    """Share of lowercase letters among the letters of ``text``."""
    letters = [c for c in text if c.isalpha()]
    return sum(c.islower() for c in letters) / len(letters) if letters else 0.0


def _opens_sentence(text: str, pos: int) -> bool:
    """Does the word at ``pos`` open a line or a sentence?"""
    before = text[max(0, pos - 3) : pos].rstrip(" *_")
    return not before or before.endswith(("\n", ".", ":", "|"))
