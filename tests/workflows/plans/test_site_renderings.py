# ruff: noqa: E501  (plan texts of our own are kept as the sites render them)
"""Plans copied from legal-document web sites (words of our own): the header read from the document's
own header, never from the site's banner, attribute block, summary or footer; the body as the plan."""

import textwrap
from datetime import date

import pytest

from workflows.agencies.registry import load_registry
from workflows.plans.parser import parse_plan
from workflows.plans.parsing.site import ends_document, is_furniture

CELLS = "|\nỦY BAN NHÂN DÂN\nTỈNH HƯNG YÊN\n-------\n|\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n---------------\n|\n|\nSố: 45/KH-UBND\n|\nHưng Yên, ngày 12 tháng 3 năm 2026\n|\n"
TITLE = "KẾ HOẠCH\nTRIỂN KHAI CHUYỂN ĐỔI SỐ TRONG CÁC CƠ QUAN NHÀ NƯỚC NĂM 2026\n"
PARAGRAPHS = [
    "Thực hiện Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ phê duyệt Chương trình chuyển đổi số quốc gia, Ủy ban nhân dân tỉnh ban hành Kế hoạch triển khai chuyển đổi số trong các cơ quan nhà nước năm 2026 như sau:",
    "I. NHIỆM VỤ",
    "1. Sở Khoa học và Công nghệ",
    "a) Chủ trì, phối hợp với các sở, ngành xây dựng kho dữ liệu dùng chung của tỉnh, hoàn thành trong quý III/2026.",
    "b) Hướng dẫn các cơ quan, đơn vị kết nối nền tảng tích hợp, chia sẻ dữ liệu của tỉnh trước ngày 30/6/2026.",
    "2. Sở Nội vụ",
    "Chủ trì tổ chức bồi dưỡng kỹ năng số cho cán bộ, công chức, viên chức các cấp trước ngày 30/9/2026.",
    "II. TỔ CHỨC THỰC HIỆN",
    "Sở Tài chính tham mưu Ủy ban nhân dân tỉnh bố trí kinh phí thực hiện Kế hoạch trong năm 2026.",
]
SIGNATURE = "|\nNơi nhận:\n- Bộ Khoa học và Công nghệ;\n- Lưu: VT, KGVX.\n|\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn An\n|\n"
BANNER = "Hệ thống pháp luật\nĐang tải nội dung, vui lòng chờ giây lát...\nĐang tải nội dung, vui lòng chờ giây lát...\n\n"
FOOTER = "\nHỆ THỐNG PHÁP LUẬT VIỆT NAM\nHotline: 0900 000 000\nEmail: lienhe@phapluat.example\n© 2026 Hệ thống pháp luật Việt Nam\nBạn Chưa Đăng Nhập Thành Viên!\n"
SUMMARY = "Kế hoạch 45/KH-UBND năm 2026 triển khai chuyển đổi số trong các cơ quan nhà nước do tỉnh Hưng Yên ban hành\n\nNội dung toàn văn Kế hoạch 45/KH-UBND năm 2026 triển khai chuyển đổi số trong các cơ quan nhà nước do tỉnh Hưng Yên ban hành\n\n"
WEB_DOCUMENT = CELLS + "\n" + TITLE + "\n" + "\n\n".join(PARAGRAPHS) + "\n\n" + SIGNATURE

READING = {
    ("I.1.a", "Sở Khoa học và Công nghệ", (date(2026, 9, 30),)),
    ("I.1.b", "Sở Khoa học và Công nghệ", (date(2026, 6, 29),)),
    ("I.2", "Sở Nội vụ", (date(2026, 9, 29),)),
}


def hard_wrapped(width: int) -> str:
    """A site that keeps the header cells between lone '|' lines and breaks every line at ``width``."""
    body = "\n".join(line for p in PARAGRAPHS for line in textwrap.wrap(p, width))
    return CELLS + TITLE + body + "\n" + SIGNATURE


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            hard_wrapped(64), id="header cells between '|' lines, hard breaks at 64, no blank lines"
        ),
        pytest.param(hard_wrapped(80), id="the same at 80 columns"),
        pytest.param(BANNER + WEB_DOCUMENT + FOOTER, id="banner above, site footer below"),
        pytest.param(SUMMARY + WEB_DOCUMENT, id="a summary of the document above its header"),
        pytest.param(
            SUMMARY.replace("Kế hoạch 45/KH-UBND năm 2026", "Kế hoạch 45/KH-UBND ngày 5 tháng 1 năm 2026", 1)
            + WEB_DOCUMENT,
            id="a summary naming another date",
        ),
        pytest.param(SUMMARY.upper() + WEB_DOCUMENT, id="a summary in capitals"),
        pytest.param(
            "HỆ THỐNG PHÁP LUẬT VIỆT NAM\n" + WEB_DOCUMENT.replace("|\n", ""),
            id="the site's name in capitals over the issuer",
        ),
        pytest.param(
            BANNER
            + "Số hiệu: 45/KH-UBND\nLoại văn bản: Kế hoạch\nNơi ban hành: Tỉnh Hưng Yên\nNgười ký: Nguyễn Văn An\nNgày ban hành: 12/03/2026\nTình trạng: Đã biết\n\n"
            + WEB_DOCUMENT,
            id="an attribute block above the header",
        ),
    ],
)
def test_a_plan_copied_from_a_site_reads_as_the_plan(text):
    plan = parse_plan(text, load_registry())
    assert (plan.plan.number, plan.plan.issuer, plan.plan.issued_on) == (
        "45/KH-UBND",
        "UBND tỉnh Hưng Yên",
        date(2026, 3, 12),
    )
    assert plan.plan.title == "Kế hoạch triển khai chuyển đổi số trong các cơ quan nhà nước năm 2026"
    assert READING <= {(t.ref, t.lead, t.schedule.due_dates) for t in plan.tasks}
    assert "Sở Tài chính" in {t.lead for t in plan.tasks if t.section == "II"}
    assert not plan.warnings and not plan.unresolved
    assert all(text[t.span[0] : t.span[1]] == t.text for t in plan.tasks)


def test_a_site_footer_ends_the_body_even_without_a_recipients_block():
    text = BANNER + WEB_DOCUMENT.replace(SIGNATURE, "") + FOOTER
    plan = parse_plan(text, load_registry())
    last = max(plan.tasks, key=lambda t: t.span[1])
    assert last.text.endswith("trong năm 2026.") and "Hotline" not in last.text
    assert not plan.unresolved


@pytest.mark.parametrize(
    "line",
    [
        "Hệ thống pháp luật",
        "**THƯ VIỆN PHÁP LUẬT**",
        "Đang tải nội dung, vui lòng chờ giây lát...",
        "Số hiệu: 45/KH-UBND",
        "Ngày ban hành: 12/03/2026",
        "Nội dung toàn văn Kế hoạch 45/KH-UBND năm 2026",
        "Tải văn bản gốc",
        "© 2026 Thư viện pháp luật",
        "Vì chưa Đăng Nhập nên Bạn chỉ xem được Thuộc tính của văn bản.",
    ],
)
def test_the_sites_own_lines_are_furniture(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "ỦY BAN NHÂN DÂN",
        "Số: 45/KH-UBND",
        "Hưng Yên, ngày 12 tháng 3 năm 2026",
        "Nội dung",
        "Tăng cường phổ biến, giáo dục pháp luật cho người dân.",
        "Kế hoạch 45/KH-UBND năm 2026 triển khai chuyển đổi số",  # a summary: left out by where the header starts
    ],
)
def test_the_documents_own_lines_are_not(line):
    assert not is_furniture(line)


def test_one_contact_line_in_a_plan_is_the_plans_own():
    assert not ends_document("Email: vanthu@hungyen.example", lambda: "III. KINH PHÍ")
    assert ends_document("Hotline: 0900 000 000", lambda: "Email: lienhe@phapluat.example")
    assert ends_document("Hệ thống pháp luật Việt Nam")
    assert not ends_document("hệ thống pháp luật.")  # the last line of a wrapped sentence
