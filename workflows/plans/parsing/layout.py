"""Layout normaliser: whatever rendering a plan arrives in → logical lines, offsets kept.

The parser reads ``Layout.text``: one logical paragraph per line, emphasis markers and footnote
references gone, tables as ``| a | b | c |`` rows. ``Layout.origin[i]`` is the offset in the source
of ``Layout.text[i]``, so every span found in the logical text maps back (``source_span``) and
``source[span[0]:span[1]]`` stays the source's own words.

Rules, in order:
1. Emphasis: ``**`` and ``*`` runs are dropped (pasted web pages put them inside phrases and around
   headings); a line-initial ``* `` bullet is kept.
2. Footnote references glued to a word ("kế hoạch[1]") are dropped; footnote bodies after the
   signature stay (the body ends at "Nơi nhận" anyway).
3. Paragraphs, decided per document (``Layout.mode``):
   - ``lines``: hardly any line opens in lower case (a wrapped sentence goes on in lower case; a
     paragraph, a heading, an item does not): every line is a paragraph (Word, a typed plan with one
     paragraph a line), blank lines or not. Only a cut sentence is joined (3a).
   - ``blank``: lines are wrapped and blank lines separate paragraphs (web page): the hard line
     breaks inside each paragraph become spaces.
   - ``wrapped``: lines are wrapped and there are no paragraph gaps (a PDF text layer): lines are
     kept; the structure reader joins them by their item markers.
   Table lines ("|…"), rule lines ("-----") and bullet lines never join their neighbours (a bullet
   takes its cut sentence's rest by 3a, never a line that could be its own). Lines
   inside a header or cell table (short runs between lone "|" lines) say nothing about wrapping.
3a. A sentence cut by a paragraph gap (a web page that doubled a hard break, a Word soft break) is
   joined again, in ``blank`` and ``lines`` mode, across a blank line or not, when the line before
   is unfinished and the next goes on: the next opens in lower case (not an item marker "a)"), or
   the line before ends on a comma or a word no sentence or heading ends on ("và", "của", "các",
   "với", …) or a body's head still waiting for its name ("… với Ban" | "Quản lý …"), or holds an
   emphasis it has not closed ("**2.1. Sở" … "Tài chính**"), or is an item marker alone ("2.3."),
   or the next opens with a number that is not a lone page number ("số" | "15/2026/QĐ-UBND"). The
   next line is never a table, rule, bullet or item line.
4. Tables written one cell per line between lone "|" lines (a row ends with two "|" lines) become
   one ``| a | b |`` row per table row when their first row names task columns (see tables.py);
   other such blocks (the header table of issuer, motto, number, date) stay one line per cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workflows.kernel.text import fold, normalize

_EMPHASIS = re.compile(r"\*+")
_FOOTNOTE = re.compile(r"(?<=[^\s\[])\[\d{1,2}\]")
_RULE = re.compile(r"[-_=–—.\s]{3,}")
_BULLET = re.compile(r"[-–—•+]\s")
_STAR_BULLET = re.compile(r"\*\s+\w")
# an item marker at a line's start: "I.", "1.", "1.2.", "a)", "(1)", "Điều 3."
_ITEM = re.compile(r"(?:[IVX]{1,5}\.|\d{1,2}(?:\.\d{1,2})*\.|[a-zđ]\)|\(\d{1,2}\)|Điều \d+\.?)\s+\S")
_CLOSES = (".", ";", ":", "!", "?")
SHORT_LINE = 60  # a line this short before an item marker is a heading, not a wrapped sentence
BLANK_SHARE = 0.15  # blank lines per non-blank line above which blank lines separate paragraphs
WRAP_SHARE = 0.03  # share of lines opening in lower case above which lines are wrapped
MIN_LINES = 12  # fewer lines than this say nothing about wrapping
_LEAD_WORDS = ("chu tri", "thuc hien")
_CONTENT_WORDS = ("noi dung", "nhiem vu", "cong viec", "hoat dong")
HEADER_WORDS = 8  # a header cell is a column name, not prose
CELL_RUN = 8  # at most this many lines between two lone "|" lines are a cell, not the body
# Words no sentence or heading ends on: a line ending on one goes on in the next (rule 3a).
_DANGLING = frozenset(
    "và của các với cho theo tại trong về để những được là do từ đến trên hoặc như mà vào bằng giữa "
    "nhằm tới cùng nhưng thuộc".split()
)
# A body's head noun that needs its name after it ("… phối hợp với Ban" | "Quản lý các khu …").
_NAME_HEADS = frozenset(
    fold(w)
    for w in (
        "Bộ", "Sở", "Cục", "Chi cục", "Tổng cục", "Vụ", "Ban", "Ban Quản lý", "Ban Chỉ đạo", "Ủy ban",
        "Ủy ban nhân dân", "UBND", "Viện", "Viện Kiểm sát", "Tòa án", "Hội", "Hội đồng", "Liên đoàn",
        "Đoàn", "Đài", "Báo", "Trung tâm", "Văn phòng", "Kho bạc", "Ngân hàng", "Tập đoàn",
        "Tổng công ty", "Công ty", "Phòng", "Trường", "Bệnh viện", "Học viện", "Bộ Chỉ huy", "Mặt trận",
    )
)  # fmt: skip
_BARE_MARKER = re.compile(r"(?:[IVX]{1,5}\.|\d{1,2}(?:\.\d{1,2})*\.|[a-zđ]\)|\(\d{1,2}\)|Điều \d+\.?)")
_FOOTNOTE_STARS = re.compile(r"\(\*+\)")


@dataclass(frozen=True)
class Layout:
    """The logical text and, for every character of it, its offset in the source."""

    source: str
    text: str
    origin: tuple[int, ...]
    mode: str = "wrapped"  # "lines" | "blank" | "wrapped" (rule 3)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source span covering logical ``text[start:end]``."""
        if end <= start:
            at = self.origin[start] if start < len(self.origin) else len(self.source)
            return at, at
        return self.origin[start], self.origin[end - 1] + 1

    @property
    def identity(self) -> bool:
        """True when the logical text is the source itself."""
        return self.text == self.source


class _Out:
    """Accumulates logical characters with their source offsets."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.origin: list[int] = []

    def put(self, text: str, at: int) -> None:
        """Append source text ``text`` that starts at source offset ``at``."""
        self.chars.extend(text)
        self.origin.extend(range(at, at + len(text)))

    def sep(self, char: str, at: int) -> None:
        """Append one synthetic character standing for source offset ``at``."""
        self.chars.append(char)
        self.origin.append(at)


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, newline excluded."""
    out, pos = [], 0
    for raw in text.splitlines(keepends=True):
        out.append((pos, pos + len(raw.rstrip("\r\n"))))
        pos += len(raw)
    return out


def _clean_pieces(text: str, start: int, end: int) -> list[tuple[str, int]]:
    """The line's text without emphasis and footnote markers, as (piece, source offset) runs."""
    line = text[start:end]
    keep = [True] * len(line)
    star_bullet = _STAR_BULLET.match(line.lstrip())
    lead = len(line) - len(line.lstrip())
    for m in _EMPHASIS.finditer(line):
        if not (star_bullet and m.start() == lead):
            keep[m.start() : m.end()] = [False] * (m.end() - m.start())
    for m in _FOOTNOTE.finditer(line):
        keep[m.start() : m.end()] = [False] * (m.end() - m.start())
    pieces, i = [], 0
    while i < len(line):
        if not keep[i]:
            i += 1
            continue
        j = i
        while j < len(line) and keep[j]:
            j += 1
        pieces.append((line[i:j], start + i))
        i = j
    return pieces


def _stripped(pieces: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Pieces without leading/trailing whitespace (offsets adjusted)."""
    out = [p for p in pieces if p[0]]
    while out and not out[0][0].strip():
        out.pop(0)
    while out and not out[-1][0].strip():
        out.pop()
    if not out:
        return []
    first, at = out[0]
    cut = len(first) - len(first.lstrip())
    out[0] = (first[cut:], at + cut)
    last, at = out[-1]
    out[-1] = (last.rstrip(), at)
    return out


def _joined(pieces: list[tuple[str, int]]) -> str:
    """Plain text of pieces."""
    return "".join(p for p, _ in pieces)


def normalise(source: str) -> Layout:
    """Apply the module's rules; a text that needs none comes back unchanged."""
    lines = _lines(source)
    cleaned = [_stripped(_clean_pieces(source, s, e)) for s, e in lines]
    blank = sum(1 for s, e in lines if not source[s:e].strip())
    mode = _mode(cleaned, blank, len(lines))
    out = _Out()
    i = 0
    while i < len(lines):
        table_end = _cell_table(source, lines, cleaned, i)
        if table_end:
            i = _emit_table(source, lines, cleaned, i, table_end, out)
            continue
        i = _emit_line(source, lines, cleaned, i, out, mode)
    text = "".join(out.chars)
    if text == source:
        return Layout(source, source, tuple(range(len(source))), mode)
    return Layout(source, text, tuple(out.origin), mode)


def _mode(cleaned, blank: int, total: int) -> str:
    """Rule 3: are lines paragraphs, wrapped with blank-line gaps, or wrapped without?"""
    cells = _cell_lines(cleaned)
    texts = [
        t
        for t in (_joined(c) for k, c in enumerate(cleaned) if c and k not in cells)
        if not t.startswith("|") and not _RULE.fullmatch(t)
    ]
    if len(texts) >= MIN_LINES:
        lower = sum(1 for t in texts if t[0].isalpha() and t[0].islower() and not _ITEM.match(t))
        if lower <= WRAP_SHARE * len(texts):
            return "lines"
    return "blank" if blank >= BLANK_SHARE * max(1, total - blank) else "wrapped"


def _cell_lines(cleaned) -> set[int]:
    """Indexes of lines in a short run between two lone "|" lines (a cell of a header or table)."""
    bars = [k for k, c in enumerate(cleaned) if _is_bar(c)]
    out: set[int] = set()
    for a, b in zip(bars, bars[1:], strict=False):
        if b - a - 1 <= CELL_RUN:
            out.update(range(a + 1, b))
    return out


def _emit_line(source, lines, cleaned, i: int, out: _Out, mode: str) -> int:
    """Emit line ``i`` (joined with the following lines of its paragraph); return the next index."""
    s, e = lines[i]
    raw = source[s:e]
    pieces = cleaned[i]
    if mode != "blank":
        # keep the line as it is, only without markers; in Word's lines, a cut sentence goes on (3a)
        for piece, at in _clean_pieces(source, s, e):
            out.put(piece, at)
        j = i
        while mode == "lines" and pieces and (k := _goes_on(source, lines, cleaned, i, j)):
            _put_continued(lines, cleaned, k, out)
            j = k
        _newline(source, lines, j, out)
        return j + 1
    if not pieces:
        if not raw.strip() or not _EMPHASIS.fullmatch(raw.strip().replace(" ", "")):
            # a blank line, kept as the paragraph separator
            out.put(raw.strip() and raw, s) if raw.strip() else None
            _newline(source, lines, i, out)
        return i + 1
    for piece, at in pieces:
        out.put(piece, at)
    j = i + 1
    while j < len(lines):
        if _joins(source, lines, cleaned, i, j):
            if cleaned[j]:
                out.sep(" ", lines[j - 1][1] if j - 1 >= 0 else lines[j][0])
                for piece, at in cleaned[j]:
                    out.put(piece, at)
            j += 1
        elif k := _goes_on(source, lines, cleaned, i, j - 1):
            _put_continued(lines, cleaned, k, out)
            j = k + 1
        else:
            break
    _newline(source, lines, j - 1, out)
    return j


def _put_continued(lines, cleaned, k: int, out: _Out) -> None:
    """Append line ``k`` to the paragraph being emitted, after one space."""
    out.sep(" ", lines[k - 1][1])
    for piece, at in cleaned[k]:
        out.put(piece, at)


def _goes_on(source, lines, cleaned, first: int, last: int) -> int:
    """Rule 3a: the line after ``last`` (blank lines skipped) that continues the paragraph, else 0."""
    k = last + 1
    while k < len(lines) and not source[slice(*lines[k])].strip():
        k += 1
    if k >= len(lines) or not cleaned[k] or not cleaned[last]:
        return 0
    text, before = _joined(cleaned[k]), _joined(cleaned[last])
    if _structural(text) or _ITEM.match(text) or before.startswith("|") or _RULE.fullmatch(before):
        return 0
    if first == last and _BARE_MARKER.fullmatch(before):
        return k  # "2.3." | "Công an tỉnh"
    if before.endswith(_CLOSES):
        return 0
    lower = text[0].isalpha() and text[0].islower()
    number = text[0].isdigit() and not text.isdigit()  # "số" | "163/2024/QH15"; not a lone page number
    dangling = before.endswith(",") or before.split()[-1].lower() in _DANGLING
    head = text[0].isupper() and _ends_on_head(before)
    return k if lower or number or dangling or head or _open_emphasis(source, lines, first, last) else 0


def _ends_on_head(text: str) -> bool:
    """Does the line end on a body's head noun, capitalised, that still waits for its name?"""
    words = text.split()
    for n in range(1, min(3, len(words)) + 1):
        tail = words[-n:]
        if tail[0][0].isupper() and fold(" ".join(tail)) in _NAME_HEADS:
            return True
    return False


def _open_emphasis(source, lines, first: int, last: int) -> bool:
    """Does the paragraph from line ``first`` to ``last`` open an emphasis it has not closed?"""
    runs = 0
    for k in range(first, last + 1):
        line = _FOOTNOTE_STARS.sub("", source[slice(*lines[k])])
        stripped = line.lstrip()
        if _STAR_BULLET.match(stripped):
            line = stripped[1:]
        runs += len(_EMPHASIS.findall(line))
    return runs % 2 == 1


def _joins(source, lines, cleaned, first: int, j: int) -> bool:
    """Does line ``j`` continue the paragraph that began at line ``first``?"""
    s, e = lines[j]
    raw = source[s:e].strip()
    if not raw:
        return False
    if not cleaned[j]:
        return True  # a line of markers only ("**") inside a paragraph
    head = _joined(cleaned[first])
    text = _joined(cleaned[j])
    if _structural(head) or _structural(text):
        return False
    return not _starts_item(_joined(cleaned[j - 1]) if cleaned[j - 1] else head, text)


def _starts_item(previous: str, text: str) -> bool:
    """A line opening with an item marker after a closed sentence or a heading starts a new item.

    Word and PDF texts put one paragraph a line; a wrapped line seldom starts with "1." or "a)" right
    after a full stop or an all-capitals heading line."""
    if not _ITEM.match(text):
        return False
    previous = previous.rstrip("*_ ")
    heading = len(previous) <= SHORT_LINE or (
        previous.upper() == previous and any(c.isalpha() for c in previous)
    )
    return previous.endswith(_CLOSES) or heading


def _structural(text: str) -> bool:
    """Table lines, rules and bullets keep their own line."""
    return text.startswith("|") or bool(_RULE.fullmatch(text)) or bool(_BULLET.match(text))


def _newline(source: str, lines, i: int, out: _Out) -> None:
    """Emit the newline that ends source line ``i`` (if the source has one)."""
    end = lines[i][1]
    if end < len(source):
        out.put(source[end] if source[end] == "\n" else "\n", end)
        if source[end] == "\r" and end + 1 < len(source) and source[end + 1] == "\n":
            out.origin[-1] = end + 1


def _is_bar(cleaned_line) -> bool:
    """A lone "|" line."""
    return _joined(cleaned_line) == "|"


def _cell_table(source, lines, cleaned, i: int) -> int:
    """End index (exclusive) of a one-cell-per-line task table starting at ``i``, else 0."""
    if not _is_bar(cleaned[i]):
        return 0
    rows = _cell_rows(source, lines, cleaned, i)
    if not rows or len(rows[0][0]) < 3:
        return 0
    header = [normalize(" ".join(_joined(cleaned[k]) for k in cell)) for cell in rows[0][0]]
    if any(len(h.split()) > HEADER_WORDS for h in header) or not (
        any(w in h for h in header for w in _LEAD_WORDS)
        and any(w in h for h in header for w in _CONTENT_WORDS)
    ):
        return 0
    return rows[-1][1]


def _cell_rows(source, lines, cleaned, i: int) -> list[tuple[list[list[int]], int]]:
    """Rows from the "|" at ``i``: (cells as lists of line indexes, index after the row).

    A "|" followed by another "|" closes a row and opens the next; a "|" followed by a blank line
    or the end closes the last row; a blank line inside a row ends the table there.
    """
    n, rows, cells, current, j = len(lines), [], [], [], i + 1
    while j < n:
        if _is_bar(cleaned[j]):
            cells.append(current)
            current = []
            if j + 1 < n and _is_bar(cleaned[j + 1]):
                rows.append((cells, j + 1))
                cells, j = [], j + 2
                continue
            if j + 1 >= n or not source[slice(*lines[j + 1])].strip():
                rows.append((cells, j + 1))
                return rows
        elif cleaned[j]:
            current.append(j)
        elif not source[slice(*lines[j])].strip():
            return rows
        j += 1
    return rows


def _emit_table(source, lines, cleaned, i: int, end: int, out: _Out) -> int:
    """Emit each row of the table as one ``| a | b |`` line; return ``end``."""
    opening = lines[i][0]
    for cells, stop in _cell_rows(source, lines, cleaned, i):
        if stop > end:
            break
        out.put("|", opening)
        for cell in cells:
            out.sep(" ", opening)
            for n, k in enumerate(cell):
                if n:
                    out.sep(" ", lines[k - 1][1])
                for piece, at in cleaned[k]:
                    out.put(piece, at)
            opening = lines[cell[-1]][1] if cell else opening
            out.sep(" ", opening)
            out.sep("|", opening)
        out.sep("\n", lines[stop - 1][1])
        opening = lines[stop][0] if stop < len(lines) else lines[stop - 1][1]
    return end
