"""Turn the plan files offices actually have (.txt, .docx, .pdf) into the plain text the plan parser reads.

The output is one string of "\\n"-separated lines, Unicode NFC, no trailing spaces on lines.

Format is decided by content, not by name: a PDF renamed to .docx (or .txt) is read as a PDF and a
.docx renamed to .txt is read as a .docx, because offices rename files freely. The extension only
matters when the content is not a recognised container: a ".pdf" without "%PDF-" or a ".docx" that
is not a ZIP is refused, since silently reading it as text would feed garbage to the parser.

Word documents: body paragraphs and tables in document order; one line per paragraph (soft line
breaks become spaces); one line per table row, ``| cell | cell | cell |`` (see ``table_row_line``).
Limitations: automatic numbering (w:numPr, e.g. "1.", "a)") is not rendered — only typed numbers
survive; headers, footers, footnotes, comments and text boxes are skipped; tracked insertions are
kept and tracked deletions dropped (the document as it would read with all changes accepted).

PDF: the text layer via pypdf, pages joined by "\\n"; scanned PDFs (no text layer) are refused.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import Path

from workflows.kernel.errors import InvalidInput

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# XML inside a .docx compresses ~10-20x; this bounds what a small "zip bomb" could expand to.
MAX_DOCX_EXPANSION = 10
CONTROL_CHAR_MAX_SHARE = 0.01

_PDF_MAGIC = b"%PDF-"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RTF_MAGIC = b"{\\rtf"
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Zero-width characters are dropped; every Unicode space separator (category Zs) becomes " ".
_SPACES = "\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
_SPACE_FIXES = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff")) | dict.fromkeys(
    map(ord, _SPACES), " "
)
# C0/C1 controls except tab, newline, carriage return, vertical tab and form feed.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Subtrees whose text is not part of the running text: deleted revisions, drawings/text boxes
# (their text would otherwise appear twice via mc:Fallback), properties.
_SKIPPED_TAGS = frozenset(
    {
        _W + "del",
        _W + "moveFrom",
        _W + "drawing",
        _W + "pict",
        _W + "object",
        _MC + "AlternateContent",
        _W + "pPr",
        _W + "rPr",
        _W + "tcPr",
        _W + "tblPr",
        _W + "trPr",
        _W + "sectPr",
    }
)


class PlanDocumentError(InvalidInput):
    """A file that cannot be a plan; its code says precisely why."""


def read_plan_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a plan file from disk and convert it to parser text."""
    path = Path(path)
    size = path.stat().st_size
    _check_size(size, max_bytes)
    return read_plan_document(path.read_bytes(), path.name, max_bytes=max_bytes)


def read_plan_document(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Convert .txt/.docx/.pdf bytes to parser text."""
    _check_size(len(data), max_bytes)
    if not data.strip():
        raise PlanDocumentError("document.empty")
    kind = _sniff(data)
    _check_extension(kind, Path(filename).suffix.lower())
    if kind == "pdf":
        text = _pdf_text(data)
    elif kind == "zip":
        text = _docx_text(data, max_bytes)
    else:
        text = _plain_text(data)
    return _finish(text)


def _check_size(size: int, max_bytes: int) -> None:
    """Refuse files above the size cap."""
    if size > max_bytes:
        raise PlanDocumentError("document.too_large", size=size, max=max_bytes)


def _sniff(data: bytes) -> str:
    """Return 'pdf', 'zip' or 'text' from the leading bytes; refuse known unsupported formats."""
    # The PDF spec lets readers accept junk before the header within the first 1024 bytes.
    if _PDF_MAGIC in data[:1024]:
        return "pdf"
    if data.startswith(_ZIP_MAGICS):
        return "zip"
    if data.startswith(_OLE2_MAGIC):
        raise PlanDocumentError("document.legacy_doc")
    if data.lstrip().startswith(_RTF_MAGIC):
        raise PlanDocumentError("document.rtf")
    return "text"


def _check_extension(kind: str, suffix: str) -> None:
    """Refuse a .pdf/.docx name whose content is not a PDF/ZIP at all."""
    if suffix == ".pdf" and kind == "text":
        raise PlanDocumentError("document.pdf_named")
    if suffix == ".docx" and kind == "text":
        raise PlanDocumentError("document.docx_named")


# --- plain text -------------------------------------------------------------------------------


def _plain_text(data: bytes) -> str:
    """Decode text bytes (UTF-8 with/without BOM, UTF-16/32 with BOM) and refuse binary content."""
    text = _decode(data)
    _refuse_control_chars(text)
    _refuse_markup(text)
    return text


def _decode(data: bytes) -> str:
    """Decode by BOM, else as strict UTF-8."""
    for boms, codec in ((_UTF32_BOMS, "utf-32"), (_UTF16_BOMS, "utf-16")):
        if data.startswith(boms):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise PlanDocumentError("document.bad_bom", codec=codec.upper(), reason=exc.reason) from exc
    data = data.removeprefix(_UTF8_BOM)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise PlanDocumentError("document.nul_byte", at=nul)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start]
        raise PlanDocumentError("document.not_utf8", byte=f"0x{bad:02x}", at=exc.start) from None


def _refuse_control_chars(text: str) -> None:
    """Refuse text where control characters (other than tab/newline/page breaks) are frequent."""
    controls = sum(1 for _ in _CONTROL_CHARS.finditer(text))
    if controls > CONTROL_CHAR_MAX_SHARE * len(text):
        raise PlanDocumentError("document.controls", controls=controls, length=len(text))


def _refuse_markup(text: str) -> None:
    """Refuse HTML/XML saved under a text name (old portals serve 'Word' files that are HTML)."""
    head = text.lstrip("\ufeff \t\r\n")[:200].lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")):
        raise PlanDocumentError("document.markup")


# --- Word .docx -------------------------------------------------------------------------------


def _docx_text(data: bytes, max_bytes: int) -> str:
    """Extract body paragraphs and table rows of a .docx in document order."""
    _check_docx_container(data, max_bytes)
    import docx  # deferred: only needed for Word files

    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except Exception as exc:  # noqa: BLE001 - python-docx raises KeyError/ValueError/lxml errors
        raise PlanDocumentError("document.bad_docx", reason=f"{type(exc).__name__}: {exc}") from None
    return "\n".join(_block_lines(body))


def _check_docx_container(data: bytes, max_bytes: int) -> None:
    """Check the ZIP really is a Word document and not absurdly large once expanded."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise PlanDocumentError("document.bad_zip", reason=str(exc)) from None
    if "word/document.xml" not in names:
        raise _foreign_zip(names, mimetype)
    expanded = sum(info.file_size for info in infos)
    if expanded > MAX_DOCX_EXPANSION * max_bytes:
        raise PlanDocumentError("document.zip_bomb", size=expanded, max=MAX_DOCX_EXPANSION * max_bytes)


def _foreign_zip(names: set[str], mimetype: bytes) -> PlanDocumentError:
    """Say what a ZIP without word/document.xml most likely is."""
    if "xl/workbook.xml" in names:
        return PlanDocumentError("document.xlsx")
    if "ppt/presentation.xml" in names:
        return PlanDocumentError("document.pptx")
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        kind = mimetype.decode("ascii", "replace").rsplit(".", 1)[-1]
        return PlanDocumentError("document.opendocument", kind=kind)
    return PlanDocumentError("document.foreign_zip")


def _block_lines(container) -> list[str]:
    """Lines of the block-level content (paragraphs, tables, content controls) of a body or cell."""
    lines: list[str] = []
    for child in container:
        if child.tag == _W + "p":
            lines.append(_inline_text(child))
        elif child.tag == _W + "tbl":
            lines.extend(_table_lines(child))
        elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins", _W + "moveTo"):
            lines.extend(_block_lines(child))
    return lines


def _inline_text(element) -> str:
    """Visible text of a paragraph (or any inline container), soft line breaks as spaces."""
    parts: list[str] = []
    for child in element:
        tag = child.tag
        if tag == _W + "t":
            parts.append(child.text or "")
        elif tag == _W + "tab":
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            parts.append(" ")
        elif tag == _W + "noBreakHyphen":
            parts.append("-")
        elif tag == _W + "p":
            parts.append(" " + _inline_text(child) + " ")
        elif tag not in _SKIPPED_TAGS:
            parts.append(_inline_text(child))
    return "".join(parts)


def _table_lines(tbl) -> list[str]:
    """One line per non-empty table row; nested tables are flattened into their cell."""
    lines = []
    for tr in tbl.iterchildren(_W + "tr"):
        cells = [_cell_text(tc) for tc in tr.iterchildren(_W + "tc")]
        if any(cells):
            lines.append(table_row_line(cells))
    return lines


def table_row_line(cells: list[str]) -> str:
    """The row form agreed with the parser: ``| a | b | c |``."""
    return "| " + " | ".join(cells) + " |"


def _cell_text(tc) -> str:
    """Cell text on one line; a vertically merged continuation cell is empty, not a copy."""
    v_merge = tc.find(f"{_W}tcPr/{_W}vMerge")
    if v_merge is not None and v_merge.get(_W + "val", "continue") == "continue":
        return ""
    # "|" would break the row form the parser splits on.
    return " ".join(_inline_text(tc).split()).replace("|", "/")


# --- PDF --------------------------------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    """Extract the text layer of a PDF, pages joined by newlines, page-number lines dropped."""
    pages = _pdf_page_texts(data)
    text = "\n".join(_drop_page_number(page, number) for number, page in enumerate(pages, 1))
    if not text.strip():
        raise PlanDocumentError("document.pdf_no_text")
    return text


def _pdf_page_texts(data: bytes) -> list[str]:
    """Raw pypdf text of each page."""
    from pypdf import PdfReader  # deferred: only needed for PDFs
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(io.BytesIO(data))
        _unlock(reader)
        return [page.extract_text() or "" for page in reader.pages]
    except PlanDocumentError:
        raise
    except DependencyError as exc:
        raise PlanDocumentError("document.pdf_crypto", reason=str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - pypdf raises many exception types on malformed files
        raise PlanDocumentError("document.pdf_damaged", reason=f"{type(exc).__name__}: {exc}") from None


def _unlock(reader) -> None:
    """Open PDFs that only carry an owner password (common for 'no copy' government PDFs)."""
    if reader.is_encrypted and not reader.decrypt(""):
        raise PlanDocumentError("document.pdf_password")


_PAGE_NUMBER = re.compile(r"(?:-\s*)?(?:trang\s+)?(\d{1,4})(?:\s*/\s*\d{1,4})?(?:\s*-)?", re.IGNORECASE)


def _drop_page_number(page_text: str, number: int) -> str:
    """Drop the first or last line of a page if it is just that page's own number."""
    lines = page_text.split("\n")
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    if not nonblank:
        return page_text
    # Only the page's own number at its top or bottom: a bare "12" elsewhere may be a table value.
    drop = {i for i in (nonblank[0], nonblank[-1]) if _is_page_number(lines[i], number)}
    return "\n".join(line for i, line in enumerate(lines) if i not in drop)


def _is_page_number(line: str, number: int) -> bool:
    """True for "3", "- 3 -", "Trang 3", "3/12" when 3 is the page's number."""
    match = _PAGE_NUMBER.fullmatch(line.strip())
    return bool(match) and int(match.group(1)) == number


# --- common -----------------------------------------------------------------------------------


def _finish(text: str) -> str:
    """Normalise newlines, spaces and Unicode form; refuse a document with no text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n")
    # Vietnamese files mix NFD and NFC; the parser matches agency names against NFC.
    # Word and PDFs put non-breaking and zero-width spaces inside names ("Sở Y\u00a0tế").
    text = unicodedata.normalize("NFC", text).translate(_SPACE_FIXES)
    lines = [line.rstrip() for line in text.split("\n")]
    if not any(lines):
        raise PlanDocumentError("document.empty")
    return "\n".join(lines).strip("\n") + "\n"
