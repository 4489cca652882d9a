# ruff: noqa: E501  (plan texts of our own are kept on one line each, as a plan writes them)
"""The layout normaliser decides per document how its lines make paragraphs: the Sơn La seed retyped
as Word keeps it (one paragraph a line, with or without blank lines) and re-wrapped as a PDF text
layer gives the seed's own tasks."""

import re
import textwrap

import pytest

from tests.workflows.builders_documents import SEED_PLAN, seed_paragraphs
from workflows.agencies.registry import load_registry
from workflows.plans.parser import parse_plan
from workflows.plans.parsing.layout import normalise


@pytest.fixture(scope="module")
def seed():
    return parse_plan(SEED_PLAN.read_text(encoding="utf-8"), load_registry())


def readings(plan):
    return {(t.ref, t.lead, t.schedule.due_dates) for t in plan.tasks}


def rewrapped(paragraphs: list[str], width: int) -> str:
    return "\n".join(line for p in paragraphs for line in (textwrap.wrap(p, width) or [p]))


@pytest.mark.parametrize(
    "render, mode",
    [
        pytest.param(lambda ps: "\n".join(ps), "lines", id="Word: one paragraph a line"),
        pytest.param(lambda ps: "\n\n".join(ps), "lines", id="Word paste: blank line after every paragraph"),
        pytest.param(lambda ps: rewrapped(ps, 70), "wrapped", id="PDF text layer: wrapped at 70, no gaps"),
        pytest.param(
            lambda ps: "\n\n".join(textwrap.fill(p, 64) for p in ps),
            "blank",
            id="web page: wrapped at 64, blank-line gaps",
        ),
    ],
)
def test_the_seed_in_every_rendering_gives_the_seeds_tasks(seed, render, mode):
    text = render(seed_paragraphs())
    assert normalise(text).mode == mode
    plan = parse_plan(text, load_registry())
    assert plan.plan == seed.plan
    assert readings(plan) == readings(seed)
    assert len(plan.unresolved) == len(seed.unresolved)
    assert all(text[t.span[0] : t.span[1]] == t.text for t in plan.tasks)


def test_the_seed_as_typed_is_a_wrapped_text_and_stays_unchanged():
    assert normalise(SEED_PLAN.read_text(encoding="utf-8")).mode == "wrapped"


HEADER = (
    "ỦY BAN NHÂN DÂN\nTỈNH HƯNG YÊN\nSố: 5/KH-UBND\nHưng Yên, ngày 4 tháng 3 năm 2026\nKẾ HOẠCH\nTHỬ NGHIỆM\n"
)
WORD_BODY = (
    "Ủy ban nhân dân tỉnh ban hành kế hoạch thử nghiệm như sau:\n"
    "I. MỤC ĐÍCH, YÊU CẦU\n"
    "Bảo đảm triển khai đồng bộ, hiệu quả.\n"
    "II. NHIỆM VỤ\n"
    "1. Sở Y tế\n"
    "Chủ trì tổ chức tập huấn cho cán bộ y tế cơ sở.\n"
    "Hướng dẫn các trạm y tế cập nhật số liệu.\n"
    "2. Sở Tài chính\n"
    "Bố trí kinh phí thực hiện Kế hoạch.\n"
    "III. TỔ CHỨC THỰC HIỆN\n"
    "1. Các sở, ngành xây dựng kế hoạch của đơn vị trước ngày 30/3/2026.\n"
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị báo cáo Ủy ban nhân dân tỉnh (qua Sở Y tế) để xem xét, giải quyết.\n"
)


def test_unmarked_paragraphs_of_a_word_text_stay_paragraphs():
    """Under a heading, an unmarked line is a paragraph of its own words, not the heading's tail."""
    text = HEADER + WORD_BODY
    assert normalise(text).mode == "lines"
    plan = parse_plan(text, load_registry())
    ii1 = [t for t in plan.tasks if t.section == "II.1"]
    assert [t.lead for t in ii1] == ["Sở Y tế"]
    assert "Hướng dẫn các trạm y tế" in ii1[0].text
    closing = [t for t in plan.tasks if "Trong quá trình thực hiện" in t.text]
    assert closing and all(t.section == "III" for t in closing)


def test_a_short_text_says_nothing_about_wrapping():
    assert normalise("I. MỤC TIÊU\nmột dòng\ndòng tiếp\n").mode == "wrapped"


# -- rule 3a: a sentence cut by a paragraph gap is joined again --------------------------------------
def logical(text: str) -> list[str]:
    return [line for line in normalise(text).text.splitlines() if line.strip()]


WEB = "I. NHIỆM VỤ\n\n1. Sở Y tế\n\n{body}\n\n2. Sở Tài chính\n\nBố trí kinh phí thực hiện.\n"


@pytest.mark.parametrize(
    "body, paragraph",
    [
        pytest.param(
            "Chủ trì tổ chức tập huấn cho\n\ncán bộ y tế cơ sở.",
            "Chủ trì tổ chức tập huấn cho cán bộ y tế cơ sở.",
            id="the next line opens in lower case",
        ),
        pytest.param(
            "Rà soát hồ sơ theo Quyết định số\n\n15/2026/QĐ-UBND của tỉnh.",
            "Rà soát hồ sơ theo Quyết định số 15/2026/QĐ-UBND của tỉnh.",
            id="the next line opens with a number that is not a page number",
        ),
        pytest.param(
            "Phối hợp với Công an tỉnh và\n\nỦy ban nhân dân các xã kiểm tra.",
            "Phối hợp với Công an tỉnh và Ủy ban nhân dân các xã kiểm tra.",
            id="the line ends on a word no sentence ends on",
        ),
        pytest.param(
            "Phối hợp với Sở Nội vụ, Sở Tư pháp,\n\nSở Xây dựng rà soát quy chế.",
            "Phối hợp với Sở Nội vụ, Sở Tư pháp, Sở Xây dựng rà soát quy chế.",
            id="the line ends on a comma",
        ),
        pytest.param(
            "Phối hợp với Ban\n\nQuản lý dự án đầu tư xây dựng tỉnh.",
            "Phối hợp với Ban Quản lý dự án đầu tư xây dựng tỉnh.",
            id="the line ends on a body's head noun before its name",
        ),
        pytest.param(
            "- Hướng dẫn các trạm y tế\n\ncập nhật số liệu hằng tháng.",
            "- Hướng dẫn các trạm y tế cập nhật số liệu hằng tháng.",
            id="a bullet goes on",
        ),
    ],
)
def test_a_sentence_cut_by_a_blank_line_is_one_paragraph(body, paragraph):
    text = WEB.format(body=body)
    lay = normalise(text)
    assert lay.mode == "blank" and paragraph in logical(text)
    at = lay.text.index(paragraph)
    s, e = lay.source_span(at, at + len(paragraph))
    assert text[s:e] == body  # offsets still point into the source


def test_a_heading_cut_inside_its_emphasis_or_after_its_number_is_one_heading():
    text = "**I. NHIỆM\n\nVỤ**\n\n*2.1. Sở\n\nTài chính*\n\n- Bố trí kinh phí.\n\n2.2.\n\nSở Nội vụ\n\n- Hướng dẫn.\n"
    assert logical(text) == [
        "I. NHIỆM VỤ",
        "2.1. Sở Tài chính",
        "- Bố trí kinh phí.",
        "2.2. Sở Nội vụ",
        "- Hướng dẫn.",
    ]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("Chủ trì tổ chức tập huấn.\n\nđồng thời báo cáo kết quả.", id="a closed sentence"),
        pytest.param("Các nội dung sau đây gồm\n\na) Tập huấn cán bộ.", id="an item follows"),
        pytest.param("Chủ trì tổ chức tập huấn\n\n12\n\nHướng dẫn các trạm.", id="a page number"),
        pytest.param("Báo cáo hằng năm\n\nSở Y tế tổng hợp số liệu.", id="a heading that ends on a word"),
        pytest.param("Phối hợp với UBND tỉnh Hưng Yên\n\nChủ trì rà soát.", id="a full name"),
    ],
)
def test_a_gap_after_a_finished_line_still_separates(body):
    first, second = body.split("\n\n")[0], body.split("\n\n")[-1]
    assert {first, second} <= set(logical(WEB.format(body=body)))


def test_a_soft_break_inside_a_sentence_of_a_word_text_is_joined(seed):
    """Word's soft breaks cut a few sentences ("… các cơ quan," | "đơn vị …"): each is one paragraph again."""
    paragraphs = seed_paragraphs()
    cut = [p for p in paragraphs if len(p) > 200 and not p.startswith("|")][:3]
    softened = []
    for p in paragraphs:
        if p in cut:
            at = next(m.start() for m in re.finditer(r"(?<=\w) (?=[a-zà-ỹđ])", p) if m.start() > 80)
            p = p[:at] + "\n" + p[at + 1 :]
        softened.append(p)
    text = "\n".join(softened)
    lay = normalise(text)
    assert lay.mode == "lines" and all(p in lay.text.splitlines() for p in cut)
    plan = parse_plan(text, load_registry())
    assert readings(plan) == readings(seed)
    assert all(text[t.span[0] : t.span[1]] == t.text for t in plan.tasks)


def test_wrapped_cells_of_a_header_table_say_nothing_about_the_body():
    """A Word text whose header table cells wrap ('ỦY BAN NHÂN' | 'dân tỉnh') is still one paragraph a line."""
    cells = "|\nỦY BAN NHÂN DÂN\ntỉnh hưng yên\n|\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nđộc lập - tự do - hạnh phúc\n|\n"
    table = (
        "|\nTT\n|\nNội dung\n|\nCơ quan chủ trì\n|\n|\n1\n|\nTập huấn cán bộ\ncơ sở về y tế\n|\nSở Y tế\n|\n"
    )
    text = (
        cells + "Số: 5/KH-UBND\nHưng Yên, ngày 4 tháng 3 năm 2026\nKẾ HOẠCH\nTHỬ NGHIỆM\n" + WORD_BODY + table
    )
    assert normalise(text).mode == "lines"


def test_a_plan_whose_site_doubled_its_line_breaks_reads_as_the_plan():
    wrapped = "\n\n".join(textwrap.fill(p, 64) for p in seed_paragraphs())
    doubled = "\n\n".join(
        block.replace("\n", "\n\n", 1) for block in wrapped.split("\n\n")
    )  # the break after each paragraph's first line doubled
    assert doubled.count("\n\n") > wrapped.count("\n\n")
    seed_plan = parse_plan(wrapped, load_registry())
    plan = parse_plan(doubled, load_registry())
    assert readings(plan) == readings(seed_plan)
    assert all(doubled[t.span[0] : t.span[1]] == t.text for t in plan.tasks)


def test_a_closing_paragraph_of_a_wrapped_text_without_gaps_starts_after_a_full_stop():
    """A PDF text layer: 'Ủy ban nhân dân tỉnh yêu cầu …' after a finished item is the part's closing."""
    body = (
        "I. NHIỆM VỤ\n1. Sở Y tế\n- Tổ chức tập huấn cho cán bộ y tế cơ sở về phòng, chống dịch bệnh\n"
        "truyền nhiễm trên địa bàn tỉnh trong quý II/2026.\n2. Sở Tài chính\n"
        "- Bố trí kinh phí thực hiện các nhiệm vụ của Kế hoạch theo quy định hiện\nhành của pháp luật.\n"
        "Ủy ban nhân dân tỉnh yêu cầu Sở Nội vụ và các đơn vị liên quan nghiêm túc\n"
        "triển khai thực hiện; định kỳ báo cáo kết quả trước ngày 15/12/2026.\n"
    )
    text = HEADER + body
    assert normalise(text).mode == "wrapped"
    plan = parse_plan(text, load_registry())
    finance = [t for t in plan.tasks if t.section == "II.2" or t.section.startswith("I.2")]
    assert finance and all("yêu cầu" not in t.text for t in finance)
    closing = [t for t in plan.tasks if "nghiêm túc" in t.text]
    assert closing and all(t.section == "I" for t in closing)
    assert "Sở Nội vụ" in {t.lead for t in closing}
