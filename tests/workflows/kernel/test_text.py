"""Text helpers: folding keeps offsets, excerpts cut at a word boundary."""

from workflows.kernel.text import excerpt, fold, normalize


def test_fold_keeps_length_and_drops_diacritics():
    text = "Sở Y tế – Đắk Lắk"
    assert fold(text) == "so y te - dak lak" and len(fold(text)) == len(text)


def test_normalize_is_the_comparison_key():
    assert normalize("Sở  Lao động - Thương binh và Xã hội") == normalize("so lao dong thuong binh va xa hoi")


def test_excerpt_cuts_at_a_word_and_marks_the_cut():
    words = "Định kỳ 06 tháng, 01 năm đánh giá kết quả chương trình điều trị"
    assert excerpt(words, 500) == words
    cut = excerpt(words, 30)
    assert cut == "Định kỳ 06 tháng, 01 năm …" and len(cut) <= 30
    assert excerpt("  một\n  hai  ") == "một hai"
