"""Chỉ tiêu bullets → ParsedIndicator.

Rule: each "-" bullet of a "Chỉ tiêu …" section is split at top-level ";" into clauses. A clause
with a numeric target starts a new indicator; a clause without one belongs to the indicator before
it (it elaborates it), and a leading clause without a number is an indicator of its own with an
empty target (a qualitative target such as "Giữ vững số bản … đạt được năm 2022").
- target: the first percentage ("100%") or, failing that, the first count that is not a year or
  part of a date ("32", "12", "02", "01"), as written;
- unit: "%" for a percentage; for a count, the noun phrase right after it up to a verb-like word
  ("xã, phường, thị trấn", "bản");
- due date: "(xong trong quý I/2023)" in the indicator's own clauses → last day of that quarter;
  otherwise 31/12 of the plan year (an annual plan's targets are for the year), or None when the
  plan names no year.
Indicator refs are "<section>-b<bullet>.<n>"; the text is the clauses, whitespace-collapsed.
"""

from __future__ import annotations

import re
from datetime import date

from workflows.plans.parsed import ParsedIndicator
from workflows.plans.parsing.deadlines import _ROMAN_Q, QUARTER, quarter_end
from workflows.plans.parsing.structure import Block
from workflows.plans.parsing.text import collapse, trim

PERCENT = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d+)?)\s*%")
NUMBER = re.compile(r"(?<![\d/.,])(\d{1,4})(?![\d/%]|[.,]\d)")
UNIT_STOP = re.compile(r"(?:khong|thanh|tu|dat|duoc|co|trong|tro|tai|de|cua|ve|va|o|theo|moi|phan|giu|voi)$")


def split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Top-level ";"-separated clause spans (a ";" inside parentheses does not split)."""
    out, depth, s = [], 0, start
    for i in range(start, end):
        ch = text[i]
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch == ";" and depth == 0:
            out.append(trim(text, s, i))
            s = i + 1
    out.append(trim(text, s, end))
    return [c for c in out if c[1] > c[0]]


def target_of(text: str, folded: str, start: int, end: int) -> tuple[str, str] | None:
    """(target, unit) of a clause, or None when it states no number."""
    m = PERCENT.search(folded, start, end)
    if m:
        return text[m.start() : m.end()].replace(" ", ""), "%"
    for m in NUMBER.finditer(folded, start, end):
        value = m.group(1)
        before = folded[max(start, m.start() - 6) : m.start()]
        if re.search(r"nam\s*$", before) or (len(value) == 4 and value.startswith(("19", "20"))):
            continue
        return value, _unit_after(text, folded, m.end(), end)
    return None


def _unit_after(text: str, folded: str, pos: int, end: int) -> str:
    """Noun phrase right after a count, up to the first verb-like word."""
    words = []
    for m in re.finditer(r"\S+", folded[pos:end]):
        bare = m.group().strip(",.;:()")
        if UNIT_STOP.match(bare) or len(words) >= 6:
            break
        words.append(text[pos + m.start() : pos + m.end()])
        if m.group().endswith((".", ";", ")")):
            break
    return " ".join(words).strip(",.;:() ")


def parse_indicators(text: str, folded: str, blocks: list[Block], year: int | None) -> list[ParsedIndicator]:
    """Indicators of the bullets of one "Chỉ tiêu" section."""
    out = []
    for block in blocks:
        groups: list[list[tuple[int, int]]] = []
        targets: list[tuple[str, str]] = []
        for cs, ce in split_clauses(text, block.start, block.end):
            found = target_of(text, folded, cs, ce)
            if found or not groups:
                groups.append([(cs, ce)])
                targets.append(found or ("", ""))
            else:
                groups[-1].append((cs, ce))
        for n, (spans, (target, unit)) in enumerate(zip(groups, targets, strict=False), start=1):
            s, e = spans[0][0], spans[-1][1]
            out.append(
                ParsedIndicator(
                    ref=f"{block.section.ref}-b{block.index}.{n}",
                    text=collapse(text[s:e]),
                    target=target,
                    unit=unit,
                    due_date=_due(folded, s, e, year),
                )
            )
    return out


def _due(folded: str, start: int, end: int, year: int | None) -> date | None:
    """Quarter end when the clauses say "trong quý …", else the plan year end."""
    m = QUARTER.search(folded, start, end)
    if m and (m.group(2) or year):
        return quarter_end(int(m.group(2)) if m.group(2) else year, _ROMAN_Q[m.group(1)])
    return date(year, 12, 31) if year else None
