"""Text helpers every domain uses: folding for comparison, excerpts of the plan's own words."""

import re
import unicodedata

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"


def _build_fold_table() -> dict[int, str]:
    """Map every Latin letter with diacritics to its lowercase ASCII base, dashes to '-'."""
    table: dict[int, str] = {}
    for code in range(0x00C0, 0x2000):
        ch = chr(code)
        base = unicodedata.normalize("NFD", ch)[0].lower()
        if base != ch and len(base) == 1 and "a" <= base <= "z":
            table[code] = base
    for ch in "đĐðÐ":
        table[ord(ch)] = "d"
    for ch in _DASHES:
        table[ord(ch)] = "-"
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code).lower()
    return table


_FOLD_TABLE = _build_fold_table()
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lowercase and strip diacritics character by character; the result has the same length."""
    return text.translate(_FOLD_TABLE)


def normalize(text: str) -> str:
    """Comparison key of a name: folded, punctuation dropped, single spaces."""
    folded = fold(unicodedata.normalize("NFC", text))
    return _NON_ALNUM.sub(" ", folded).strip()


def excerpt(value: object, limit: int = 240) -> str:
    """The plan's own words on one line, cut at a word boundary to at most `limit` characters."""
    words = " ".join(str(value or "").split())
    if len(words) <= limit:
        return words
    cut = words[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.–-")
    return cut + " …"


def one_paragraph(value: object) -> str:
    """One paragraph: hard line breaks become spaces; control characters (spreadsheets refuse them) go."""
    return " ".join(_CONTROL.sub(" ", str(value or "")).split())


# What Python's str.split() takes for whitespace, as a PostgreSQL regex class (its \s is ASCII-only
# in the C locale, and Word documents are full of no-break spaces)
_PG_SPACE = r"[\s\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\u001c-\u001f]+"


def excerpt_sql(session, value, limit: int):
    """`excerpt(value, limit)` as a SQL expression, for statements that build mail context in SQL.

    SQLite calls this module's `excerpt` itself (registered on the connection); PostgreSQL gets the
    same steps in SQL. tests/workflows/kernel/test_text.py checks both against `excerpt`.
    """
    from sqlalchemy import case, func, literal

    conn = session.connection()
    if conn.dialect.name == "sqlite":
        sqlite = conn.connection.driver_connection
        sqlite.create_function("plantrack_excerpt", 2, excerpt, deterministic=True)
        return func.plantrack_excerpt(value, limit)
    words = func.btrim(func.regexp_replace(func.coalesce(value, ""), _PG_SPACE, " ", "g"), " ")
    cut = func.rtrim(func.regexp_replace(func.left(words, limit - 1), " [^ ]*$", ""), ",;:.–-")
    return case((func.char_length(words) <= limit, words), else_=cut + literal(" …"))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_chars(text: str) -> bool:
    """True when `text` holds a C0 control character or DEL (tab and line breaks are fine)."""
    return _CONTROL.search(text) is not None
