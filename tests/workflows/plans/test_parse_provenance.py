# ruff: noqa: E501  (plan texts of our own are kept on one line each, as a plan writes them)
"""Honest output: every task says which rule read its lead, how sure that is, and the text's words;
a document that gives no task is refused with the reason (words of our own)."""

import json

import pytest

from tests.workflows.builders_documents import NO_LEADS, NO_TASKS
from workflows.agencies.registry import load_registry
from workflows.plans.parsed import ParsedPlan, PlanFormatError
from workflows.plans.parser import RULES, parse_plan

HEADER = "ỦY BAN NHÂN DÂN\nTỈNH HƯNG YÊN\nSố: 5/KH-UBND\nHưng Yên, ngày 3 tháng 3 năm 2026\nKẾ HOẠCH\nTHỬ\n"
BODY = (
    "I. NHIỆM VỤ\n"
    "1. Sở Y tế\n"
    "- Tổ chức tập huấn cho cán bộ y tế cơ sở.\n"
    "2. Các nhiệm vụ khác\n"
    "- Sở Tài chính chủ trì bố trí kinh phí thực hiện Kế hoạch.\n"
    "- Giao Sở Nội vụ hướng dẫn việc thi đua, khen thưởng.\n"
    "- Trung tâm Nghiên cứu Phát triển Nông thôn Xanh chủ trì khảo sát mô hình điểm.\n"
    "3. Xây dựng cơ sở dữ liệu\n"
    "- Cơ quan chủ trì: Sở Khoa học và Công nghệ.\n"
    "- Thời gian thực hiện: năm 2026.\n"
)


@pytest.fixture(scope="module")
def plan() -> ParsedPlan:
    return parse_plan(HEADER + BODY, load_registry())


def by_words(plan, words):
    (task,) = [t for t in plan.tasks if words in t.text]
    return task


@pytest.mark.parametrize(
    "words, rule",
    [
        ("Tổ chức tập huấn", "heading"),
        ("bố trí kinh phí", "subject"),
        ("thi đua, khen thưởng", "addressed"),
        ("Xây dựng cơ sở dữ liệu", "labelled fields"),
    ],
)
def test_each_task_names_the_rule_that_read_its_lead(plan, words, rule):
    task = by_words(plan, words)
    assert task.rule == rule and task.confidence == RULES[rule][1]


def test_a_lead_the_registry_does_not_know_is_less_sure_than_a_known_one(plan):
    unknown = by_words(plan, "khảo sát mô hình điểm")
    known = by_words(plan, "bố trí kinh phí")
    assert unknown.rule == known.rule == "subject"
    assert unknown.confidence < 0.8 < known.confidence
    assert unknown.lead_text == "Trung tâm Nghiên cứu Phát triển Nông thôn Xanh"


def test_json_carries_rule_confidence_and_the_texts_own_words_for_every_task(plan):
    data = json.loads(json.dumps(plan.to_dict()))
    assert data["tasks"] and all({"rule", "confidence", "lead_text"} <= t.keys() for t in data["tasks"])
    heading = next(t for t in data["tasks"] if "Tổ chức tập huấn" in t["text"])
    assert heading["lead_text"] == "Sở Y tế" and heading["lead"] == "Sở Y tế"
    assert ParsedPlan.from_dict(data) == plan


@pytest.mark.parametrize(
    "text, code, params",
    [(NO_TASKS, "plan.no_tasks", {"sections": 2}), (NO_LEADS, "plan.no_leads", {"sections": 2, "duties": 2})],
)
def test_a_plan_that_gives_no_task_is_refused_with_the_reason(text, code, params):
    with pytest.raises(PlanFormatError) as info:
        parse_plan(text, load_registry())
    assert info.value.code == code and info.value.params == params
    assert "Không tìm thấy nhiệm vụ nào" in info.value.message("vi")
