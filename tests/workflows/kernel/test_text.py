"""Text helpers: folding keeps offsets, excerpts cut at a word boundary."""

from workflows.kernel.text import excerpt, fold, normalize, one_paragraph


def test_fold_keeps_length_and_drops_diacritics():
    text = "Sở Y tế – Đắk Lắk"
    assert fold(text) == "so y te - dak lak" and len(fold(text)) == len(text)


def test_normalize_is_the_comparison_key():
    assert normalize("Sở  Lao động - Thương binh và Xã hội") == normalize("so lao dong thuong binh va xa hoi")


def test_one_paragraph_drops_hard_line_breaks_and_control_characters():
    assert one_paragraph("triển khai, đôn\nđốc thực hiện\r\n  Đề án\x0b;\x00 năm 2023.") == (
        "triển khai, đôn đốc thực hiện Đề án ; năm 2023."
    )
    assert one_paragraph(None) == "" and one_paragraph(" \n ") == ""


def test_excerpt_cuts_at_a_word_and_marks_the_cut():
    words = "Định kỳ 06 tháng, 01 năm đánh giá kết quả chương trình điều trị"
    assert excerpt(words, 500) == words
    cut = excerpt(words, 30)
    assert cut == "Định kỳ 06 tháng, 01 năm …" and len(cut) <= 30
    assert excerpt("  một\n  hai  ") == "một hai"


EXCERPT_CASES = [
    "",
    None,
    "ngắn",
    "  một\n  hai\t ba  ",
    "Định kỳ 06 tháng, 01 năm đánh giá kết quả chương trình điều trị methadone tại cơ sở",
    "Tổ chức\u00a0tuyên truyền,\u2003phổ biến pháp luật về phòng, chống ma túy; kiểm tra, giám sát.",
    "a" * 50 + " " + "b" * 50,
    "x" * 130,
    "Một hai ba bốn năm sáu bảy tám chín mười, mười một; mười hai: mười ba.– hết",
]


def test_excerpt_in_sql_is_the_same_excerpt(session):
    from sqlalchemy import literal, select

    from workflows.kernel.text import excerpt_sql

    for limit in (10, 30, 60, 120):
        for value in EXCERPT_CASES:
            got = session.execute(select(excerpt_sql(session, literal(value), limit))).scalar_one()
            assert got == excerpt(value, limit), (value, limit)
