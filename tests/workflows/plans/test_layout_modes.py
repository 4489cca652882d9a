# ruff: noqa: E501  (plan texts of our own are kept on one line each, as a plan writes them)
"""The layout normaliser decides per document how its lines make paragraphs: the Sơn La seed retyped
as Word keeps it (one paragraph a line, with or without blank lines) and re-wrapped as a PDF text
layer gives the seed's own tasks."""

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
