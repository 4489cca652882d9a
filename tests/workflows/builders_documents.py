"""Builders of real .docx/.pdf/.xlsx files for the document-reader tests."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from fpdf import FPDF

SEED_PLAN = Path(__file__).resolve().parents[2] / "seed_plans" / "sonla_23_kh_ubnd_2023.txt"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

APPENDIX_TITLE = "Phụ lục: Danh mục nhiệm vụ"
APPENDIX_HEADER = ["Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
APPENDIX_ROWS = [
    [
        "Xây dựng kế hoạch phòng, chống ma túy năm 2023",
        "Công an tỉnh",
        "Các sở, ban, ngành",
        "Trước ngày 15/02/2023",
    ],
    [
        "Đánh giá kết quả chương trình điều trị Methadone",
        "Sở Y tế",
        "Sở Lao động - Thương binh và Xã hội",
        "Định kỳ 06 tháng, 01 năm",
    ],
    [
        "Hộ gia đình ký cam kết không trồng cây thuốc phiện",
        "UBND các huyện, thành phố",
        "Công an tỉnh",
        "Xong trong quý I/2023",
    ],
]


def seed_lines() -> list[str]:
    """Lines of the seed plan text."""
    return SEED_PLAN.read_text(encoding="utf-8").split("\n")


def docx_bytes(document: docx.document.Document) -> bytes:
    """Serialise a python-docx document."""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def seed_plan_docx(table_at: int) -> bytes:
    """The seed plan, one paragraph per line, with the appendix table inserted before line `table_at`."""
    document = docx.Document()
    lines = seed_lines()
    for line in lines[:table_at]:
        document.add_paragraph(line)
    document.add_paragraph(APPENDIX_TITLE)
    add_table(document, [APPENDIX_HEADER, *APPENDIX_ROWS])
    for line in lines[table_at:]:
        document.add_paragraph(line)
    return docx_bytes(document)


def add_table(document, rows: list[list[str]]):
    """Append a table with the given cell texts."""
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    return table


def numbered_paragraph(document, text: str) -> None:
    """A paragraph carrying automatic numbering (w:numPr), as Word's list buttons make."""
    paragraph = document.add_paragraph(text, style="List Number")
    num_pr = OxmlElement("w:numPr")
    for tag, value in (("w:ilvl", "0"), ("w:numId", "1")):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        num_pr.append(element)
    paragraph._p.get_or_add_pPr().append(num_pr)


def tracked_insertion(paragraph, text: str) -> None:
    """Append `text` to the paragraph as a tracked insertion (w:ins around a run)."""
    ins = OxmlElement("w:ins")
    ins.set(qn("w:id"), "1")
    ins.set(qn("w:author"), "test")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    ins.append(run)
    paragraph._p.append(ins)


def tracked_deletion(paragraph, text: str) -> None:
    """Append `text` to the paragraph as a tracked deletion (w:del around w:delText)."""
    deletion = OxmlElement("w:del")
    deletion.set(qn("w:id"), "2")
    deletion.set(qn("w:author"), "test")
    run = OxmlElement("w:r")
    t = OxmlElement("w:delText")
    t.text = text
    run.append(t)
    deletion.append(run)
    paragraph._p.append(deletion)


class _NumberedPDF(FPDF):
    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("DejaVu", size=9)
        self.cell(0, 10, str(self.page_no()), align="C")


def text_pdf(
    lines: list[str], *, page_numbers: bool = False, lines_per_page: int = 40, **encryption
) -> bytes:
    """A PDF with a real text layer (DejaVuSans, full Vietnamese diacritics)."""
    pdf = _NumberedPDF() if page_numbers else FPDF()
    pdf.add_font("DejaVu", fname=str(DEJAVU))
    if encryption:
        pdf.set_encryption(**encryption)
    for i, line in enumerate(lines):
        if i % lines_per_page == 0:
            pdf.add_page()
            pdf.set_font("DejaVu", size=10)
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def image_only_pdf() -> bytes:
    """A 'scanned' PDF: one page holding a picture and no text."""
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(picture, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(picture, x=10, y=10, w=100)
    return bytes(pdf.output())


def xlsx_bytes() -> bytes:
    """A real Excel workbook."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Nội dung"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def plain_zip_bytes() -> bytes:
    """A ZIP archive holding a text file."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("kehoach.txt", "Kế hoạch")
    return out.getvalue()


# Plan texts with sections that give no task: refused with the reason.
PLAN_HEAD = "ỦY BAN NHÂN DÂN\nTỈNH SƠN LA\nSố: 5/KH-UBND\nSơn La, ngày 3 tháng 3 năm 2026\nKẾ HOẠCH\nTHỬ\n"
# sections, but only objectives: nothing to assign
NO_TASKS = PLAN_HEAD + "I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\n- Nâng cao nhận thức của người dân.\n"
# duties, but none names who carries it out
NO_LEADS = (
    PLAN_HEAD
    + "I. NHIỆM VỤ\n1. Tuyên truyền\n- Tổ chức tuyên truyền rộng rãi.\n- Tiếp tục rà soát các văn bản.\n"
)


def seed_paragraphs() -> list[str]:
    """The seed plan retyped as Word keeps it: one line per paragraph (heading, item, preamble).

    A paragraph starts where the seed's own reading starts a heading or an item (and at every header
    line and table line); the other lines are the wrapped rest of the paragraph above.
    """
    from workflows.plans.parsing.structure import parse_structure

    text = SEED_PLAN.read_text(encoding="utf-8")
    doc = parse_structure(text)
    starts = {text.rfind("\n", 0, s.span[0]) + 1 for s in doc.sections}
    pending = list(doc.blocks)
    while pending:
        block = pending.pop()
        starts.add(text.rfind("\n", 0, block.start) + 1)
        pending.extend(block.children)
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip() in ("|", "-------", "---------------"):  # the web page's header-table residue
            pos += len(line) + 1
            continue
        header = pos < doc.body_start and not line[:1].isupper() and out and not out[-1].startswith("|")
        joins = (pos not in starts and doc.body_start <= pos < doc.body_end) or header
        if line.startswith("|") or not out or not joins:
            out.append(line)
        else:
            out[-1] += " " + line
        pos += len(line) + 1
    return out
