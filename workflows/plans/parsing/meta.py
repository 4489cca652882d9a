"""Plan header → PlanMeta (number, issuer, date of issue, title)."""

from __future__ import annotations

import re
from datetime import date

from workflows.kernel.text import fold
from workflows.plans.parsed import PlanFormatError, PlanMeta
from workflows.plans.parsing.text import collapse

NUMBER_RE = re.compile(r"(?<![a-z])so\s*:\s*(\d+\s*/\s*[a-z0-9đ]+(?:\s*-\s*[a-z0-9đ]+)*)")
DATE_RE = re.compile(r"ngay\s+(\d{1,2})[\s|]*thang\s+(\d{1,2})[\s|]*nam\s+(\d{4})")
DOC_TYPES = {
    "ke hoach": "Kế hoạch",
    "chuong trinh": "Chương trình",
    "ke hoach hanh dong": "Kế hoạch hành động",
    "quyet dinh": "Quyết định",
    "thong bao": "Thông báo",
    "chi thi": "Chỉ thị",
    "cong van": "Công văn",
}
NO_NUMBER = "no document number ('Số: …') in the header: read without one"
_NATION = re.compile(r"cong\s+hoa\s+xa\s+hoi")
_UPPER_LEVELS = (("uy ban nhan dan", "UBND"),)
_PLACE_WORDS = (("tinh ", "tỉnh "), ("thanh pho ", "thành phố "), ("huyen ", "huyện "))


def parse_meta(text: str, body_start: int, warnings: list[str] | None = None) -> PlanMeta:
    """Read number, issuer, date and title from the header (the text before the first section).

    A header without "Số: …" (a notice, a draft with a blank number) is read with a warning
    appended to ``warnings``; without a date of issue the text is refused.
    """
    header = text[: body_start or len(text)]
    folded = fold(header)
    m = NUMBER_RE.search(folded)
    if m:
        number = re.sub(r"\s+", "", header[m.start(1) : m.end(1)])
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
    return PlanMeta(
        number=number, issuer=_issuer(header, folded), issued_on=issued, title=_title(text, header)
    )


def _header_lines(header: str) -> list[str]:
    """Non-empty header lines, layout residue ('|', '----') dropped."""
    out = []
    for line in header.splitlines():
        line = line.strip()
        if line and not re.fullmatch(r"[|\-_=–—.\s]+", line):
            out.append(line)
    return out


def _issuer(header: str, folded: str) -> str:
    """The issuing body from the lines above the national motto ("ỦY BAN NHÂN DÂN / TỈNH SƠN LA")."""
    lines = []
    for line in _header_lines(header):
        if _NATION.match(fold(line)) or fold(line).startswith("so"):
            break
        lines.append(line)
    raw = collapse(" ".join(lines))
    if not raw:
        return ""
    out = raw
    key = fold(raw)
    for long, short in _UPPER_LEVELS:
        if key.startswith(long):
            out = short + raw[len(long) :]
            key = fold(out)
            break
    words = out.split(" ", 1)
    if len(words) == 2 and words[1].isupper():
        tail = words[1]
        for place, word in _PLACE_WORDS:
            if fold(tail).startswith(place):
                tail = word + tail[len(place) :].title()
                break
        out = f"{words[0]} {tail}"
    return out


def _title(text: str, header: str) -> str:
    """Document type line ("KẾ HOẠCH") plus the uppercase lines after it, in the body's casing."""
    lines = _header_lines(header)
    for i, line in enumerate(lines):
        doc = DOC_TYPES.get(" ".join(fold(line).split()))
        if doc is None:
            continue
        parts = []
        for nxt in lines[i + 1 :]:
            if not any(c.isalpha() for c in nxt) or not nxt.isupper():
                break
            parts.append(nxt)
        subject = collapse(" ".join(parts))
        return f"{doc} {_recase(text, subject)}".strip()
    return ""


def _recase(text: str, upper: str) -> str:
    """Lowercase an uppercase title, taking the casing of the same words in the text when present."""
    if not upper:
        return ""
    pattern = re.compile(r"\s+".join(re.escape(w) for w in fold(upper).split()))
    for m in pattern.finditer(fold(text)):
        found = text[m.start() : m.end()]
        if not found.isupper():
            return collapse(found)
    return upper.lower()
