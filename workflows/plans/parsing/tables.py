"""Appendix tables ("Phụ lục", "Danh mục nhiệm vụ") rendered one row per line: ``| a | b | c |``.

A table is a run of consecutive "|" lines with at least two cells whose first row is a header
naming at least a content column ("Nội dung", "Nhiệm vụ") and a lead column ("Cơ quan chủ trì",
"Chủ trì"); "Cơ quan phối hợp"/"Phối hợp" and "Thời gian hoàn thành"/"Thời hạn" columns are optional.
Header cells are matched after normalization, so case, diacritics and spacing do not matter.
A lone "|" line (layout residue of the header table) is not a table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workflows.kernel.text import normalize
from workflows.plans.parsing.text import collapse

COLUMN_NAMES = {
    "content": (
        "noi dung",
        "nhiem vu",
        "noi dung nhiem vu",
        "ten nhiem vu",
        "noi dung cong viec",
        "nhiem vu giai phap",
        "cong viec",
    ),
    "lead": (
        "co quan chu tri",
        "chu tri",
        "don vi chu tri",
        "co quan don vi chu tri",
        "don vi thuc hien",
        "co quan thuc hien",
        "co quan chu tri thuc hien",
    ),
    "support": ("co quan phoi hop", "phoi hop", "don vi phoi hop", "co quan don vi phoi hop"),
    "due": (
        "thoi gian hoan thanh",
        "thoi han",
        "thoi gian",
        "thoi gian thuc hien",
        "thoi han hoan thanh",
        "tien do",
        "thoi gian hoan thanh du kien",
    ),
    "number": ("stt", "tt", "so tt", "so thu tu"),
}
TITLE_RE = re.compile(r"(?i)^\s*(ph[uụ]\s*l[uụ]c|danh\s+m[uụ]c)")


@dataclass
class Cell:
    """One cell: its span (trimmed) in the text."""

    start: int
    end: int


@dataclass
class Row:
    """A data row: the cells by column role, and the row's line span."""

    cells: dict[str, Cell]
    line: tuple[int, int]


@dataclass
class Table:
    """A recognised table: its title line (if any) and data rows."""

    title: str
    rows: list[Row]
    bad_rows: list[tuple[int, int]]


def _cells(text: str, start: int, end: int) -> list[Cell] | None:
    """Cells of a "| a | b |" line, or None when the line is not a row."""
    line = text[start:end]
    if not (line.startswith("|") and line.rstrip().endswith("|")) or line.count("|") < 3:
        return None
    out, pos = [], start + 1
    for part in line[1:].rstrip()[:-1].split("|"):
        s, e = pos, pos + len(part)
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        out.append(Cell(s, e))
        pos += len(part) + 1
    return out


def _roles(text: str, header: list[Cell]) -> dict[str, int] | None:
    """Column index of each role named by a header row, None when it is not a task table."""
    roles: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = normalize(text[cell.start : cell.end])
        for role, names in COLUMN_NAMES.items():
            if role not in roles and key in names:
                roles[role] = i
                break
    return roles if {"content", "lead"} <= roles.keys() else None


def find_tables(text: str) -> list[Table]:
    """Every task table in the text, in order."""
    tables: list[Table] = []
    lines, pos = [], 0
    for raw in text.splitlines(keepends=True):
        content = raw.rstrip("\r\n")
        lead = len(content) - len(content.lstrip())
        lines.append((pos + lead, pos + len(content.rstrip())))
        pos += len(raw)
    i = 0
    while i < len(lines):
        header = _cells(text, *lines[i])
        roles = _roles(text, header) if header else None
        if not roles:
            i += 1
            continue
        title = _title_before(text, lines, i)
        table = Table(title, [], [])
        i += 1
        while i < len(lines):
            cells = _cells(text, *lines[i])
            if cells is None:
                break
            if len(cells) != len(header):
                table.bad_rows.append(lines[i])
            elif text[cells[roles["content"]].start : cells[roles["content"]].end].strip():
                table.rows.append(Row({r: cells[c] for r, c in roles.items()}, lines[i]))
            i += 1
        tables.append(table)
    return tables


def _title_before(text: str, lines: list[tuple[int, int]], i: int) -> str:
    """The nearest "Phụ lục …"/"Danh mục …" line within three lines above the header."""
    for j in range(i - 1, max(-1, i - 4), -1):
        line = text[lines[j][0] : lines[j][1]]
        if TITLE_RE.match(line):
            return collapse(line)
    return "Phụ lục"
