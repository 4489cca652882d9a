# ruff: noqa: E501  (header lines of our own are kept as a document writes them)
"""The header block: number, issuer and title read from the forms headers take (words of our own)."""

from datetime import date

import pytest

from workflows.agencies.registry import load_registry
from workflows.plans.parser import parse_plan
from workflows.plans.parsing.meta import NO_NUMBER, parse_meta

BODY = "I. NHIỆM VỤ\n1. Sở Y tế\n- Tổ chức tập huấn cho cán bộ y tế cơ sở.\n"


def meta(header: str):
    """PlanMeta and warnings of a header (the body starts right after it)."""
    warnings: list[str] = []
    return parse_meta(header + BODY, len(header), warnings), warnings


WEB = (
    "|\n**ỦY BAN NHÂN DÂN\n**\nTỈNH HƯNG YÊN\n-------\n|\n**CỘNG HÒA XÃ HỘI\nCHỦ NGHĨA VIỆT NAM**\n"
    "Độc lập - Tự do - Hạnh phúc\n---------------\n|\nSố: 7/KH-UBND\n|\n*Hưng Yên, ngày 2\ntháng 3 năm 2026*\n|\n\n"
    "**KẾ HOẠCH**\n\nTẬP HUẤN NGHIỆP VỤ Y TẾ CƠ SỞ NĂM 2026\n\n"
    "Ủy ban nhân dân tỉnh ban hành kế hoạch tập huấn nghiệp vụ y tế cơ sở năm 2026 như sau:\n"
)


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(WEB, id="web page lines"),
        pytest.param(
            "| ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc |\n"
            "| Số: 7/KH-UBND | Hưng Yên, ngày 2 tháng 3 năm 2026 |\nKẾ HOẠCH\nTập huấn nghiệp vụ y tế cơ sở năm 2026\n"
            "Ủy ban nhân dân tỉnh ban hành kế hoạch tập huấn nghiệp vụ y tế cơ sở năm 2026 như sau:\n",
            id="Word header table, subject in all-capitals style",
        ),
        pytest.param(
            "ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH HƯNG YÊN        Độc lập - Tự do - Hạnh phúc\n"
            "Số: 7/KH-UBND\tHưng Yên, ngày 2 tháng 3 năm 2026\nKẾ HOẠCH\nTẬP HUẤN NGHIỆP VỤ Y TẾ CƠ SỞ NĂM 2026\n"
            "Ủy ban nhân dân tỉnh ban hành kế hoạch tập huấn nghiệp vụ y tế cơ sở năm 2026 như sau:\n",
            id="PDF text layer, two columns on one line",
        ),
    ],
)
def test_issuer_and_title_come_from_the_header_block_in_every_rendering(header):
    m, warnings = meta(header)
    assert (m.number, m.issuer, m.issued_on) == ("7/KH-UBND", "UBND tỉnh Hưng Yên", date(2026, 3, 2))
    assert m.title == "Kế hoạch tập huấn nghiệp vụ y tế cơ sở năm 2026"
    assert warnings == []


def test_a_file_comment_above_the_document_is_not_its_issuer():
    plan = parse_plan("# source: some/archive:plans/7.md@abc\n" + WEB + BODY, load_registry())
    assert plan.plan.issuer == "UBND tỉnh Hưng Yên"
    assert plan.plan.title == "Kế hoạch tập huấn nghiệp vụ y tế cơ sở năm 2026"


def test_a_header_without_a_number_is_read_with_a_warning():
    m, warnings = meta(WEB.replace("Số: 7/KH-UBND\n", ""))
    assert (m.number, m.issuer) == ("", "UBND tỉnh Hưng Yên")
    assert warnings == [NO_NUMBER]
    plan = parse_plan(WEB.replace("Số: 7/KH-UBND\n", "Số:      /KH-UBND\n") + BODY, load_registry())
    assert plan.plan.number == "" and plan.warnings == (NO_NUMBER,) and plan.tasks


@pytest.mark.parametrize(
    "issuer_lines, issuer",
    [
        ("BỘ TÀI CHÍNH", "Bộ Tài chính"),
        ("THỦ TƯỚNG\nCHÍNH PHỦ", "Thủ tướng Chính phủ"),
        ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HẢI PHÒNG", "UBND thành phố Hải Phòng"),
        ("UBND TỈNH HƯNG YÊN\nSỞ NỘI VỤ", "Sở Nội vụ tỉnh Hưng Yên"),
        ("ỦY BAN NHÂN DÂN\nXÃ TÂN TIẾN", "UBND xã Tân Tiến"),
    ],
)
def test_issuer_spelling(issuer_lines, issuer):
    m, _ = meta(
        f"{issuer_lines}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 7/KH-UBND\nngày 2 tháng 3 năm 2026\nKẾ HOẠCH\nTẬP HUẤN\n"
    )
    assert m.issuer == issuer


def test_a_decisions_title_stops_at_its_authority_line_and_keeps_the_bodys_capitals():
    header = (
        "THỦ TƯỚNG CHÍNH PHỦ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 9/QĐ-TTg\nHà Nội, ngày 5 tháng 1 năm 2026\n\n"
        "QUYẾT ĐỊNH\n\nBAN HÀNH KẾ HOẠCH TRIỂN KHAI LUẬT DỮ LIỆU\n\nTHỦ TƯỚNG CHÍNH PHỦ\n\n"
        "Căn cứ Luật Dữ liệu ngày 30 tháng 11 năm 2024;\nTheo đề nghị của Bộ trưởng Bộ Công an, ban hành Kế hoạch triển khai Luật Dữ liệu.\n"
    )
    m, _ = meta(header)
    assert m.issuer == "Thủ tướng Chính phủ"
    assert m.title == "Quyết định ban hành Kế hoạch triển khai Luật Dữ liệu"


def test_a_subject_naming_a_date_is_still_the_title():
    header = "ỦY BAN NHÂN DÂN\nTỈNH HƯNG YÊN\nSố: 7/KH-UBND\nHưng Yên, ngày 2 tháng 3 năm 2026\nKẾ HOẠCH\nTHỰC HIỆN CHỈ THỊ SỐ 5/CT-TTG NGÀY 1 THÁNG 2 NĂM 2026\n"
    m, _ = meta(header + "Thực hiện Chỉ thị số 5/CT-TTg ngày 1 tháng 2 năm 2026 của Thủ tướng Chính phủ.\n")
    assert m.issued_on == date(2026, 3, 2)
    assert m.title == "Kế hoạch thực hiện Chỉ thị số 5/CT-TTg ngày 1 tháng 2 năm 2026"
