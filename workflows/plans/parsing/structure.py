"""Hard-wrapped plan text → section tree and blocks (bullets, sub-bullets, paragraphs).

A line starts a new element only when it begins with a marker that fits the numbering so far:
"I." (next Roman numeral), "1." / "1.1." (first child or next sibling of the current numbering),
"a)" (next letter), "-" bullet, "+" sub-bullet. Every other line continues the element above, so a
wrapped "2023 - 2025, tầm nhìn …" or "- 2025. (2) …" inside a sentence is not a new item (a "-" line
whose text starts with a digit or a lowercase letter, "- xã hội", continues the previous line when
that line ends mid-sentence).
Lines starting with "|" are table rows or layout residue, never prose. "Nơi nhận:" ends the body, and
so does the footer of a site the text was copied from (site.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workflows.kernel.text import fold
from workflows.plans.parsing.site import ends_document
from workflows.plans.parsing.text import collapse, short_title, trim

_ROMAN = {
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "VI": 6,
    "VII": 7,
    "VIII": 8,
    "IX": 9,
    "X": 10,
    "XI": 11,
    "XII": 12,
}
_LETTERS = "abcdđeghiklmnopqrstuvxy"
ROMAN_RE = re.compile(r"(?P<num>[IVX]{1,5})\.\s+(?P<rest>\S.*)")
NUM_RE = re.compile(
    r"(?P<num>\d{1,2}(?:\.\d{1,2})*)[.)]\s+(?P<rest>\S.*)|(?P<num2>\d{1,2}(?:\.\d{1,2})+)\s+(?P<rest2>\S.*)"
)
LETTER_RE = re.compile(r"(?P<l>[a-zđ])\)\s+(?P<rest>\S.*)")
BULLET_RE = re.compile(r"(?P<m>[-–—•])\s*(?P<rest>[^-–—\s].*)")
PLUS_RE = re.compile(r"\+\s*(?P<rest>\S.*)")
STOP_RE = re.compile(r"(?i)n[ơo]i\s+nh[ậa]n\s*:")
# A labelled field ("Cơ quan chủ trì: X.", "Đơn vị phối hợp: Y.", "Thời gian thực hiện: Z.") over folded text.
FIELD_RE = re.compile(
    r"(?P<label>(?:co\s+quan|don\s+vi)(?:\s*,\s*don\s+vi)?\s+(?P<who>chu\s+tri|thuc\s+hien|phoi\s+hop)[^:\n]{0,30}"
    r"|thoi\s+(?:gian|han)[^:\n]{0,25}|tien\s+do[^:\n]{0,15}|noi\s+dung|san\s+pham[^:\n]{0,20})\s*:"
)
CLOSING_RE = re.compile(
    r"(?:tren\s+day\s+la|trong\s+qua\s+trinh(?:\s+to\s+chuc)?\s+(?:trien\s+khai\s+)?thuc\s+hien"
    r"|(?:uy\s+ban\s+nhan\s+dan|ubnd)\s+(?:tinh|thanh\s+pho)(?:\s+[a-z]+){0,3}?\s+(?:yeu\s+cau|de\s+nghi))(?![a-z])"
)
TERMINAL = tuple('.;:!?)”"…')
PARAGRAPH_WORDS = 14
SENTENCE_ITEM_WORDS = 5  # "a) Sở Y tế tập huấn." is a duty; "a) Kinh phí." is a heading
SENTENCE_END = re.compile(r"[.;](?:/\.)?\Z")
WRAPPED_LINE = 60  # a line at least this long that ends on a word was wrapped by the width


@dataclass
class Section:
    """A heading of the document: ref ("II.1.2"), title as written, and its own heading span."""

    ref: str
    title: str
    span: tuple[int, int]
    depth: int


@dataclass
class Block:
    """A run of prose: a bullet ("-"), a sub-bullet ("+"), a paragraph, or a note."""

    kind: str
    section: Section
    start: int
    end: int
    index: int = 0
    parent: Block | None = None
    children: list[Block] = field(default_factory=list)
    field: str = ""  # "lead" | "support" | "due" | "content" for a labelled field line
    value: int = 0  # where a field's value starts


@dataclass
class Document:
    """Sections and blocks of the body, plus where the header and body end."""

    sections: list[Section]
    blocks: list[Block]
    body_start: int
    body_end: int


def _lines(text: str):
    """Yield (start, end) of every line, without the newline."""
    pos = 0
    for line in text.splitlines(keepends=True):
        yield pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)


class _Builder:
    """State machine over the lines of the text."""

    def __init__(self, text: str, paragraphs: bool = False, lines: bool = False) -> None:
        self.text = text
        self.paragraphs = paragraphs  # a blank line ends a paragraph (text from the layout normaliser)
        self.lines = lines  # every line is a paragraph (a Word text): each line counts as after a blank
        self.blank = False
        self.sections: list[Section] = []
        self.blocks: list[Block] = []
        self.roman = 0
        self.roman_label = ""
        self.nums: list[int] = []
        self.letter: str | None = None
        self.current: Block | None = None  # block receiving continuation lines
        self.heading: Section | None = None  # heading still receiving continuation lines
        self.heading_upper = False
        self.last_bullet: Block | None = None
        self.counters: dict[str, int] = {}
        self.body_start = -1
        self.body_end = len(text)

    def run(self) -> Document:
        """Feed every line, then close what is open."""
        for start, end in _lines(self.text):
            if self.feed(start, end):
                break
        self.close()
        self._keep_sentence_items()
        return Document(self.sections, self.blocks, max(self.body_start, 0), self.body_end)

    def _keep_sentence_items(self) -> None:
        """A short item that is a whole sentence and holds nothing ("a) Sở Y tế tổ chức tập huấn.")
        was taken for a heading; it is a duty, never lost between heading and paragraph."""
        filled = {b.section.ref for b in self.blocks}
        parents = {sec.ref.rpartition(".")[0] for sec in self.sections}
        for sec in self.sections:
            s, e = sec.span
            body = collapse(self.text[s:e])
            if sec.depth < 2 or sec.ref in filled or sec.ref in parents or not SENTENCE_END.search(body):
                continue
            if len(body.split()) < SENTENCE_ITEM_WORDS:
                continue
            key = f"{sec.ref}/para"
            self.counters[key] = self.counters.get(key, 0) + 1
            self.blocks.append(Block("para", sec, s, e, self.counters[key]))
        self.blocks.sort(key=lambda b: b.start)

    def feed(self, start: int, end: int) -> bool:
        """Handle one line; True when the body has ended."""
        s, e = trim(self.text, start, end)
        line = self.text[s:e]
        if not line:
            self.blank = True
            return False
        blank, self.blank = self.blank or self.lines, False
        closing = self._closing(line, blank)
        if closing:
            self.close()  # the closing paragraph of a part, not a continuation of its last item
        if self.body_start >= 0 and (STOP_RE.match(line) or ends_document(line, lambda: self._next_line(e))):
            self.body_end = s  # "Nơi nhận:", or the footer of the site the text was copied from
            return True
        if line.startswith("|"):
            self.close()
            return False
        if self.try_heading(line, s, e):
            return False
        if self.body_start < 0:
            return False
        if self.try_bullet(line, s, e):
            return False
        self.continuation(line, s, e, closing)
        return False

    def _closing(self, line: str, blank: bool) -> bool:
        """Does the line open a part's closing paragraph? After a gap; in a wrapped text without
        gaps (a PDF layer), after a finished sentence."""
        if not CLOSING_RE.match(fold(line[:80])):
            return False
        if self.paragraphs:
            return blank
        above = self.text[self.current.start : self.current.end] if self.current is not None else ""
        return bool(SENTENCE_END.search(above.rstrip()))

    def _next_line(self, end: int) -> str:
        """The next non-blank line after offset ``end``."""
        for line in self.text[end:].splitlines():
            if line.strip():
                return line
        return ""

    # -- headings ---------------------------------------------------------------------------
    def try_heading(self, line: str, s: int, e: int) -> bool:
        """Start a Roman, numbered or lettered heading if the line has a fitting marker."""
        m = ROMAN_RE.match(line)
        if m and _ROMAN.get(m.group("num")) == self.roman + 1:
            self.close()
            self.roman += 1
            self.roman_label = m.group("num")
            self.nums, self.letter = [], None
            self.open_heading(self.roman_label, s + m.start("rest"), e, depth=1, upper=True, line=s)
            return True
        m = NUM_RE.match(line)
        if m:
            num = m.group("num") or m.group("num2")
            parts = [int(p) for p in num.split(".")]
            if self.fits(parts):
                self.close()
                self.nums, self.letter = parts, None
                ref = ".".join([self.roman_label] * bool(self.roman_label) + [str(p) for p in parts])
                rest = m.start("rest") if m.group("rest") else m.start("rest2")
                self.open_heading(ref, s + rest, e, depth=1 + len(parts), upper=False, line=s)
                return True
        m = LETTER_RE.match(line)
        if m and self.nums and self.body_start >= 0 and self.fits_letter(m.group("l")):
            self.close()
            self.letter = m.group("l")
            base = ".".join([self.roman_label] * bool(self.roman_label) + [str(p) for p in self.nums])
            self.open_heading(
                f"{base}.{self.letter}", s + m.start("rest"), e, depth=2 + len(self.nums), upper=False, line=s
            )
            return True
        return False

    def fits(self, parts: list[int]) -> bool:
        """Is ``parts`` the first child or the next sibling of the current numbering?"""
        if self.body_start < 0 and not (parts == [1] and self.roman == 0):
            return False
        n = len(parts)
        if n > len(self.nums) + 1 or parts[:-1] != self.nums[: n - 1]:
            return False
        if n == len(self.nums) + 1:
            return parts[-1] == 1
        return parts[-1] == self.nums[n - 1] + 1

    def fits_letter(self, letter: str) -> bool:
        """Is ``letter`` the next lettered item?"""
        if self.letter is None:
            return letter == "a"
        i = _LETTERS.find(self.letter)
        return 0 <= i < len(_LETTERS) - 1 and _LETTERS[i + 1] == letter

    def open_heading(self, ref: str, s: int, e: int, depth: int, upper: bool, line: int) -> None:
        """Register a heading; continuation lines extend it until the next marker."""
        if self.body_start < 0:
            self.body_start = line
        section = Section(ref, "", (s, e), depth)
        self.sections.append(section)
        self.heading, self.heading_upper = section, upper
        self.last_bullet = None

    # -- bullets ------------------------------------------------------------------------------
    def try_bullet(self, line: str, s: int, e: int) -> bool:
        """Start a "-" bullet or a "+" sub-bullet."""
        m = BULLET_RE.match(line)
        plus = None if m else PLUS_RE.match(line)
        if not (m or plus):
            return False
        rest_at = s + (m or plus).start("rest")
        if self.current is not None and self.heading is None and self._wraps_into_dash(rest_at):
            return False
        self.close()
        section = self.sections[-1]
        if plus and self.last_bullet is not None and self.last_bullet.section is section:
            parent = self.last_bullet
            block = Block("sub", section, rest_at, e, len(parent.children) + 1, parent)
            parent.children.append(block)
        else:
            key = f"{section.ref}/bullet"
            self.counters[key] = self.counters.get(key, 0) + 1
            block = Block("bullet", section, rest_at, e, self.counters[key])
            self.last_bullet = block
        self.blocks.append(block)
        self.current = block
        _mark_field(self.text, block)
        return True

    def _wraps_into_dash(self, rest_at: int) -> bool:
        """Is a "-" line the wrapped rest of the sentence above rather than a new bullet?

        "… giai đoạn 2020\n- 2025.", "… chính trị\n- xã hội (…)": the text after the dash starts with a
        digit or in lower case after an unfinished sentence. "… Lao động\n- Thương binh và Xã hội …":
        in a wrapped text, a full-width line that ends on a word runs on into the dash (a bullet's last
        line seldom fills the width and ends without a stop)."""
        if self.lines:
            return False
        above = self.text[self.current.start : self.current.end].rstrip()
        if above.endswith(TERMINAL):
            return False
        first = self.text[rest_at]
        last_line = above[above.rfind("\n") + 1 :]
        full = not self.paragraphs and len(last_line) >= WRAPPED_LINE and above[-1:].isalnum()
        return first.isdigit() or first.islower() or full

    def continuation(self, line: str, s: int, e: int, closing: bool = False) -> None:
        """Extend the open heading or block, or start a paragraph/note."""
        if self.heading is not None:
            if not self.heading_upper or _is_upper(line):
                self.heading.span = (self.heading.span[0], e)
                return
            self.close()
        if self.current is not None:
            if (self.current.kind != "note" and self._starts_note(line)) or _field_at(self.text, s):
                self.close()
            else:
                self.current.end = e
                return
        kind = "note" if line.startswith("(") else "para"
        section = self.sections[-1]
        if closing:
            # "Trong quá trình thực hiện, nếu có khó khăn …", "Trên đây là Kế hoạch …": the closing
            # words of a whole part, not of its last numbered item.
            section = next((x for x in reversed(self.sections) if x.depth == 1), section)
        key = f"{section.ref}/para"
        self.counters[key] = self.counters.get(key, 0) + 1
        block = Block(kind, section, s, e, self.counters[key])
        self.blocks.append(block)
        self.current = block
        _mark_field(self.text, block)

    def _starts_note(self, line: str) -> bool:
        """A "(…)" line after a finished sentence is a note ("(Có biểu … kèm theo)")."""
        if not line.startswith("(") or re.match(r"\(\d{1,2}\)", line):
            return False
        return self.text[self.current.start : self.current.end].rstrip().endswith((".", ":"))

    def close(self) -> None:
        """Finish the open heading (deciding heading vs paragraph) and the open block."""
        if self.heading is not None:
            self.finish_heading(self.heading)
            self.heading = None
        self.current = None

    def finish_heading(self, section: Section) -> None:
        """Set the title; a numbered "heading" that is really a paragraph also becomes a block."""
        s, e = section.span
        body = self.text[s:e]
        if section.depth > 1 and _is_paragraph(body):
            section.title = short_title(body)
            key = f"{section.ref}/para"
            self.counters[key] = self.counters.get(key, 0) + 1
            self.blocks.append(Block("para", section, s, e, self.counters[key]))
        else:
            section.title = collapse(body)


def _field_at(text: str, pos: int) -> re.Match | None:
    """The labelled field starting at ``pos``, if any."""
    return FIELD_RE.match(fold(text[pos : pos + 80]))


def _mark_field(text: str, block: Block) -> None:
    """Mark a block that is a labelled field with its role and where its value starts."""
    m = _field_at(text, block.start)
    if not m:
        return
    label = m.group("label")
    who = m.group("who") or ""
    role = "support" if "phoi" in who else "lead" if who else "content" if label.startswith("noi") else "due"
    if label.startswith("san"):
        role = "product"
    block.field, block.value = role, block.start + m.end()


def _is_upper(line: str) -> bool:
    """All letters uppercase (a wrapped Roman heading)."""
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _is_paragraph(body: str) -> bool:
    """A long numbered item with sentence punctuation is prose, not a heading."""
    flat = collapse(body)
    words = len(flat.split())
    return words > PARAGRAPH_WORDS and (flat.endswith((".", ";", "./.")) or "; " in flat or ". " in flat)


def parse_structure(text: str, paragraphs: bool = False, lines: bool = False) -> Document:
    """Sections and blocks of a plan text (``paragraphs``: blank lines separate logical paragraphs;
    ``lines``: every line is one)."""
    return _Builder(text, paragraphs or lines, lines).run()
