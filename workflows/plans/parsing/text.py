"""Small text helpers shared by the parsing modules (all offsets refer to the original text)."""

from __future__ import annotations

import re

from workflows.kernel.text import normalize

_WS = re.compile(r"\s+")
_CLAUSE_END = re.compile(r";|:\s|\.\s+(?=\S)|\s\(\d{1,2}\)\s")
TITLE_MAX = 100
TITLE_MIN_WORDS = 3


def collapse(text: str) -> str:
    """Single spaces, no leading/trailing whitespace."""
    return _WS.sub(" ", text).strip()


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) so that it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def short_title(text: str, limit: int = TITLE_MAX) -> str:
    """First clause of ``text`` (up to ';', ': ', sentence end), whitespace-collapsed, at most ``limit``."""
    flat = collapse(text)
    head = flat
    for m in _CLAUSE_END.finditer(flat):
        if m.group().startswith(".") and not flat[m.end()].isupper():
            continue  # "..." or an abbreviation, not a sentence end
        if len(flat[: m.start()].split()) < TITLE_MIN_WORDS:
            continue  # "Định kỳ: …" — too short to stand alone
        head = flat[: m.start()]
        break
    head = head.rstrip(" .,;:")
    if len(head) > limit:
        cut = head.rfind(" ", 0, limit)
        head = head[: cut if cut > limit // 2 else limit].rstrip(" .,;:") + "…"
    return head


def slug(text: str) -> str:
    """ASCII slug of a name (used for refs of agencies the registry does not know)."""
    return normalize(text).replace(" ", "-") or "x"
