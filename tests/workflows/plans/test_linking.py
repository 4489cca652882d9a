# ruff: noqa: E501  (plan texts of our own are kept on one line each, as a plan writes them)
"""One work item, one obligation: repeats of a duty in the body, a partner's section and an appendix row."""

from datetime import date

from workflows.agencies.registry import load_registry
from workflows.plans.parsed import ParsedPlan
from workflows.plans.parser import parse_plan
from workflows.plans.parsing.linking import tracked

HEADER = "ỦY BAN NHÂN DÂN\nTỈNH HƯNG YÊN\n\nSố: 9/KH-UBND\n\nHưng Yên, ngày 5 tháng 3 năm 2026\n\nKẾ HOẠCH\n\nTHỬ\n\n"
BODY = (
    "I. NHIỆM VỤ\n\n1. Sở Công Thương\n\n"
    "a) Chủ trì rà soát mạng lưới chợ đầu mối nông sản trên địa bàn tỉnh, đề xuất phương án nâng cấp hạ tầng chợ và kho lạnh bảo quản.\n\n"
    "b) Chủ trì rà soát mạng lưới chợ đầu mối thủy sản trên địa bàn tỉnh, đề xuất phương án nâng cấp hạ tầng chợ và bến cá.\n\n"
    "2. Sở Tài chính\n\n"
    "a) Phối hợp với Sở Công Thương rà soát mạng lưới chợ đầu mối nông sản, đề xuất phương án nâng cấp hạ tầng chợ và kho lạnh bảo quản.\n\n"
    "b) Bố trí kinh phí thường xuyên hằng năm cho các nhiệm vụ của Kế hoạch theo phân cấp ngân sách hiện hành.\n\n"
    "II. TỔ CHỨC THỰC HIỆN\n\nCác sở, ngành triển khai Kế hoạch này theo phụ lục.\n\nPHỤ LỤC\n\n"
    "| TT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian |\n"
    "| 1 | Rà soát mạng lưới chợ đầu mối nông sản trên địa bàn tỉnh, phương án nâng cấp hạ tầng chợ và kho lạnh bảo quản | Sở Công Thương | Sở Xây dựng | Quý III/2026 |\n"
)
TEXT = HEADER + BODY


def by_ref(parsed):
    return {t.ref: t for t in parsed.tasks}


def test_the_body_item_carries_the_partners_and_time_of_its_repeats():
    tasks = by_ref(parse_plan(TEXT, load_registry()))
    carrier = tasks["I.1.a"]
    assert carrier.same_as == ("I.2.a", "PL.1") and carrier.repeats == ""
    assert carrier.supporting == ("Sở Tài chính", "Sở Xây dựng")  # the partner's view and the row's partner
    assert carrier.schedule.due_dates == (date(2026, 9, 30),)  # the row's "Quý III/2026"


def test_a_partners_view_and_an_appendix_row_name_the_carrier():
    tasks = by_ref(parse_plan(TEXT, load_registry()))
    assert (tasks["I.2.a"].repeats, tasks["PL.1"].repeats) == ("I.1.a", "I.1.a")
    assert tasks["I.2.a"].lead == "Sở Tài chính"  # each place stays a task of the parse
    assert tasks["I.2.a"].schedule.due_dates == (date(2026, 9, 30),)  # same work, same time


def test_a_similar_sibling_under_the_same_heading_is_a_duty_of_its_own():
    tasks = by_ref(parse_plan(TEXT, load_registry()))
    assert tasks["I.1.b"].same_as == () and tasks["I.2.b"].same_as == ()


def test_links_survive_the_json_contract_and_the_tracker_follows_carriers_only():
    parsed = parse_plan(TEXT, load_registry())
    again = ParsedPlan.from_dict(parsed.to_dict())
    assert again.tasks == parsed.tasks
    row = next(t for t in parsed.to_dict()["tasks"] if t["ref"] == "PL.1")
    assert (row["same_as"], row["repeats"]) == (["I.1.a", "I.2.a"], "I.1.a")
    assert "same_as" not in next(t for t in parsed.to_dict()["tasks"] if t["ref"] == "I.1.b")
    assert [t.ref for t in tracked(parsed.tasks)] == ["I.1.a", "I.1.b", "I.2.b", "II"]
