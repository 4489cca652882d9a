"""workflows.plans.documents: real .txt/.docx/.pdf files in, parser text out."""

from __future__ import annotations

import random
import unicodedata

import docx
import pytest

from tests.workflows.builders_documents import (
    APPENDIX_HEADER,
    APPENDIX_ROWS,
    APPENDIX_TITLE,
    add_table,
    docx_bytes,
    image_only_pdf,
    numbered_paragraph,
    plain_zip_bytes,
    seed_lines,
    seed_plan_docx,
    text_pdf,
    tracked_deletion,
    tracked_insertion,
    xlsx_bytes,
)
from workflows.plans.documents import PlanDocumentError, read_plan_document, read_plan_file, table_row_line


def squash(text: str) -> str:
    """NFC and single spaces, so PDF re-wrapping does not matter."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def refused(data: bytes, filename: str, **kwargs) -> str:
    """The PlanDocumentError message for a file that must be refused."""
    with pytest.raises(PlanDocumentError) as info:
        read_plan_document(data, filename, **kwargs)
    return str(info.value)


# --- Word ---------------------------------------------------------------------------------------


def test_seed_plan_docx_gives_paragraph_lines_with_the_table_rows_in_place(tmp_path):
    lines = seed_lines()
    at = lines.index("Nơi nhận:")
    path = tmp_path / "23-KH-UBND.docx"
    path.write_bytes(seed_plan_docx(table_at=at))

    text = read_plan_file(path)

    rows = [table_row_line(row) for row in [APPENDIX_HEADER, *APPENDIX_ROWS]]
    expected = [*lines[:at], APPENDIX_TITLE, *rows, *lines[at:]]
    assert text.split("\n")[:-1] == [line.rstrip() for line in expected]
    assert (
        "| Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |\n"
        "| Xây dựng kế hoạch phòng, chống ma túy năm 2023 | Công an tỉnh | Các sở, ban, ngành "
        "| Trước ngày 15/02/2023 |\n"
    ) in text


def test_docx_merged_cells_are_not_duplicated_and_cells_are_one_line():
    document = docx.Document()
    document.add_paragraph("Danh mục nhiệm vụ")
    table = add_table(
        document,
        [
            ["Nội dung", "Cơ quan chủ trì", "Thời gian hoàn thành"],
            ["Nhiệm vụ A", "", "Quý I/2023"],
            ["Nhiệm vụ B", "", "Quý II/2023"],
            ["", "", ""],
            ["", "", ""],
        ],
    )
    table.cell(1, 1).merge(table.cell(2, 1)).text = "Sở Y tế"
    table.cell(3, 0).merge(table.cell(3, 2)).text = "Nhóm 2: Tuyên truyền"
    lead = table.cell(4, 1)
    lead.text = "Công an tỉnh\n(Phòng   Tham mưu)"
    lead.add_paragraph("Sở Tư pháp | Sở Nội vụ")
    document.add_paragraph("Sau bảng")

    text = read_plan_document(docx_bytes(document), "bang.docx")

    assert text == (
        "Danh mục nhiệm vụ\n"
        "| Nội dung | Cơ quan chủ trì | Thời gian hoàn thành |\n"
        "| Nhiệm vụ A | Sở Y tế | Quý I/2023 |\n"
        "| Nhiệm vụ B |  | Quý II/2023 |\n"
        "| Nhóm 2: Tuyên truyền |\n"
        "|  | Công an tỉnh (Phòng Tham mưu) Sở Tư pháp / Sở Nội vụ |  |\n"
        "Sau bảng\n"
    )


def test_docx_paragraph_details():
    document = docx.Document()
    numbered_paragraph(document, "Công an tỉnh chủ trì")  # auto number "1." is not rendered
    paragraph = document.add_paragraph("Sở Y\u00a0tế chủ trì")
    tracked_insertion(paragraph, ", phối hợp Sở Tài chính")
    tracked_deletion(paragraph, " (đã xóa)")
    document.add_paragraph().add_run("ỦY BAN NHÂN DÂN").add_break()
    document.paragraphs[-1].add_run("TỈNH SƠN LA")
    document.add_paragraph("")
    document.add_paragraph("Nơi nhận:")

    text = read_plan_document(docx_bytes(document), "p.docx")

    assert text == (
        "Công an tỉnh chủ trì\n"
        "Sở Y tế chủ trì, phối hợp Sở Tài chính\n"
        "ỦY BAN NHÂN DÂN TỈNH SƠN LA\n"
        "\n"
        "Nơi nhận:\n"
    )


def test_docx_without_text_is_empty():
    document = docx.Document()
    document.add_paragraph("   ")
    assert refused(docx_bytes(document), "trong.docx") == "empty document"


def test_docx_expanding_beyond_the_cap_is_refused():
    document = docx.Document()
    document.add_paragraph("ma túy " * 300_000)
    data = docx_bytes(document)
    assert len(data) < 100_000
    assert "expands to" in refused(data, "bom.docx", max_bytes=100_000)


def test_docx_content_wins_over_a_txt_name():
    document = docx.Document()
    document.add_paragraph("Kế hoạch số 23/KH-UBND")
    assert read_plan_document(docx_bytes(document), "kehoach.txt") == "Kế hoạch số 23/KH-UBND\n"


def test_docx_named_pdf_is_read_by_content():
    document = docx.Document()
    document.add_paragraph("Sở Y tế chủ trì")
    assert read_plan_document(docx_bytes(document), "kehoach.pdf") == "Sở Y tế chủ trì\n"


def test_xlsx_named_docx_is_refused():
    message = refused(xlsx_bytes(), "kehoach.docx")
    assert "Excel workbook" in message and "word/document.xml" in message


def test_other_zip_named_docx_is_refused():
    assert "not a Word .docx document (no word/document.xml)" in refused(plain_zip_bytes(), "kehoach.docx")


def test_text_named_docx_is_refused():
    assert "named .docx but is not a ZIP archive" in refused("Kế hoạch".encode(), "kehoach.docx")


def test_damaged_zip_is_refused():
    assert refused(b"PK\x03\x04" + b"\x00garbage" * 50, "kehoach.docx").startswith("damaged ZIP archive")


def test_legacy_doc_and_rtf_are_refused():
    assert "save it as .docx" in refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "kehoach.doc")
    assert "RTF" in refused(b"{\\rtf1\\ansi Ke hoach}", "kehoach.rtf")


# --- PDF ----------------------------------------------------------------------------------------

SEED_PDF_SLICE = slice(176, 196)  # the Sở LĐTBXH / Sở Y tế / Sở Tài chính duties


def test_pdf_text_layer_keeps_vietnamese_diacritics():
    lines = seed_lines()[SEED_PDF_SLICE]
    text = read_plan_document(text_pdf(lines), "23-KH-UBND.pdf")
    assert unicodedata.is_normalized("NFC", text)
    assert squash("\n".join(lines)) in squash(text)
    assert "Sở Y tế chủ trì" in text
    assert "Định kỳ 06 tháng, 01 năm" in squash(text)
    assert "Sở Lao động - Thương binh và Xã hội chủ trì" in squash(text)


def test_pdf_page_number_lines_are_dropped_but_other_numbers_stay():
    lines = ["Chỉ tiêu cụ thể", "12", *seed_lines()[SEED_PDF_SLICE]]
    text = read_plan_document(text_pdf(lines, page_numbers=True, lines_per_page=6), "kh.pdf")
    out = text.split("\n")
    assert "12" in out
    assert not {"1", "2", "3", "4"} & set(out)
    assert squash(" ".join(lines)) == squash(text)


def test_pdf_with_nfd_text_comes_out_nfc():
    nfd = unicodedata.normalize("NFD", "Đề nghị Tòa án nhân dân tỉnh")
    assert read_plan_document(text_pdf([nfd]), "kh.pdf") == "Đề nghị Tòa án nhân dân tỉnh\n"


def test_scanned_pdf_is_refused():
    message = "PDF has no text layer (scanned?); OCR is not supported"
    assert refused(image_only_pdf(), "scan.pdf") == message


def test_pdf_with_owner_password_only_is_read():
    pdf = text_pdf(["Sở Y tế chủ trì"], owner_password="khoa")
    assert read_plan_document(pdf, "kh.pdf") == "Sở Y tế chủ trì\n"


def test_pdf_with_user_password_is_refused():
    pdf = text_pdf(["Sở Y tế chủ trì"], owner_password="khoa", user_password="mo")
    assert "password-protected" in refused(pdf, "kh.pdf")


def test_damaged_pdf_is_refused():
    assert refused(b"%PDF-1.7\n1 0 obj << /Type /Catalog", "kh.pdf").startswith("damaged PDF")


def test_pdf_named_docx_is_read_by_content():
    assert read_plan_document(text_pdf(["Công an tỉnh chủ trì"]), "kehoach.docx") == "Công an tỉnh chủ trì\n"


def test_text_named_pdf_is_refused():
    assert "does not start with %PDF-" in refused("Kế hoạch".encode(), "kehoach.pdf")


# --- plain text ---------------------------------------------------------------------------------


def test_seed_plan_text_round_trips():
    text = read_plan_document(seed_lines_bytes(), "23-KH-UBND.txt")
    assert text == "\n".join(line.rstrip() for line in seed_lines()) + "\n"


def seed_lines_bytes() -> bytes:
    return "\n".join(seed_lines()).encode("utf-8")


@pytest.mark.parametrize(
    "data",
    [
        "Sở Y tế chủ trì\r\nĐịnh kỳ 06 tháng\r\n".encode(),
        b"\xef\xbb\xbf" + "Sở Y tế chủ trì\nĐịnh kỳ 06 tháng\n".encode(),
        "\ufeffSở Y tế chủ trì\r\nĐịnh kỳ 06 tháng".encode("utf-16-le"),
        "\ufeffSở Y tế chủ trì\nĐịnh kỳ 06 tháng".encode("utf-16-be"),
        "\ufeffSở Y tế chủ trì\nĐịnh kỳ 06 tháng".encode("utf-32-le"),
        unicodedata.normalize("NFD", "Sở Y tế chủ trì\nĐịnh kỳ 06 tháng").encode("utf-8"),
        "Sở\u00a0Y tế\u200b chủ trì\nĐịnh kỳ 06 tháng\u3000".encode("utf-8"),
    ],
    ids=["utf8-crlf", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf32le-bom", "nfd", "odd-spaces"],
)
def test_text_encodings_and_forms_normalise(data):
    assert read_plan_document(data, "kh.txt") == "Sở Y tế chủ trì\nĐịnh kỳ 06 tháng\n"


@pytest.mark.parametrize("data", [b"", b"   \r\n\t\n", "\ufeff".encode("utf-8")])
def test_empty_is_refused(data):
    assert refused(data, "kh.txt") == "empty document"


def test_random_binary_named_txt_is_refused():
    message = refused(random.Random(23).randbytes(4096), "kh.txt")
    assert message.startswith(("binary content", "not UTF-8 text"))


def test_control_characters_are_refused():
    assert refused(b"Ke hoach\x01\x02\x03\x04\x05", "kh.txt").startswith(
        "binary content: 5 control characters"
    )


def test_cp1258_is_refused_with_a_utf8_hint():
    data = "S\u01a1\u0309 Y t\u00ea\u0301 chu\u0309 tri\u0300".encode("cp1258")
    message = refused(data, "kh.txt")
    assert message.startswith("not UTF-8 text: invalid byte 0xf5 at offset 1;")
    assert "save it as UTF-8" in message


def test_latin1_is_refused_with_a_utf8_hint():
    message = refused("De nghi Tòa án".encode("latin-1"), "kh.txt")
    assert "invalid byte 0xf2 at offset 9" in message and "UTF-8" in message


def test_html_named_doc_is_refused():
    assert "HTML/XML markup" in refused(b"<html><body>K\xe1\xba\xbf ho\xe1\xba\xa1ch</body></html>", "kh.doc")


def test_over_max_bytes_is_refused(tmp_path):
    data = seed_lines_bytes()
    assert (
        refused(data, "kh.txt", max_bytes=1000)
        == f"file too large: {len(data)} bytes, the limit is 1000 bytes"
    )
    path = tmp_path / "kh.txt"
    path.write_bytes(data)
    with pytest.raises(PlanDocumentError, match="file too large"):
        read_plan_file(path, max_bytes=1000)
