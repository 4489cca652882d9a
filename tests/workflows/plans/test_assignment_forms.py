# ruff: noqa: E501  (plan texts of our own are kept on one line each, as a plan writes them)
"""Addressees and partners as plans write them: collectives, level lists, partner lists (words of our own)."""

from pathlib import Path

import pytest
import yaml

from bench.plan_score import score
from workflows.agencies import names
from workflows.agencies.registry import load_registry
from workflows.plans.parser import parse_plan

REAL = Path(__file__).resolve().parents[3] / "seed_plans" / "real"
HEADER = "ỦY BAN NHÂN DÂN\nTỈNH HƯNG YÊN\n\nSố: 7/KH-UBND\n\nHưng Yên, ngày 5 tháng 3 năm 2026\n\nKẾ HOẠCH\n\nTHỬ\n\n"


def parse(body: str):
    """Parse a small Hưng Yên plan of our own (read with the gazetteer's registry)."""
    return parse_plan(HEADER + body, load_registry())


def leads(parsed) -> list[str]:
    return [t.lead_text or t.lead for t in parsed.tasks]


def duty(ref: str) -> str:
    return ref.split("@")[0]


# -- collectives as addressees ----------------------------------------------------------------------
def test_a_level_list_after_a_local_body_is_one_collective_not_a_stray_ward():
    parsed = parse(
        "I. NHIỆM VỤ\n\n1. Các sở, ngành, Ủy ban nhân dân xã, phường tổ chức tuyên truyền về an toàn giao thông tại khu dân cư.\n"
    )
    assert leads(parsed) == ["Các sở, ngành", "Ủy ban nhân dân xã, phường"]
    assert len({duty(t.ref) for t in parsed.tasks}) == 1  # co-leads of one duty stay one duty
    assert not any(u.reason == "unknown agency" for u in parsed.unresolved)


def test_a_plural_local_body_keeps_all_its_levels():
    (task,) = parse(
        "I. NHIỆM VỤ\n\n1. Ủy ban nhân dân các xã, phường, đặc khu rà soát danh sách hộ nghèo trên địa bàn.\n"
    ).tasks
    assert task.lead == "Ủy ban nhân dân các xã, phường, đặc khu"


def test_a_named_ward_after_a_commune_is_not_a_level_list():
    assert names.kind_of("UBND xã, phường") == "collective"
    assert names.kind_of("UBND cấp xã") == "collective"
    assert names.kind_of("UBND xã Tân Lập") == "body"


def test_a_collective_keeps_its_own_qualifiers_up_to_the_next_name():
    parsed = parse(
        "I. NHIỆM VỤ\n\n1. Các sở, ban, ngành, cơ quan trung ương đóng trên địa bàn, Ủy ban nhân dân cấp xã xây dựng kế hoạch thực hiện.\n"
    )
    assert leads(parsed) == [
        "Các sở, ban, ngành, cơ quan trung ương đóng trên địa bàn",
        "Ủy ban nhân dân cấp xã",
    ]


def test_a_collective_named_by_what_it_was_given_is_a_partner_distinct_from_the_lead():
    (task,) = parse(
        "I. NHIỆM VỤ\n\n1. Các sở, ngành khác phối hợp với các sở, ngành được giao chủ trì tổ chức thực hiện các đề án.\n"
    ).tasks
    assert task.lead == "Các sở, ngành khác"
    assert task.supporting == ("các sở, ngành được giao chủ trì",)


NATIONAL = (
    "VĂN PHÒNG CHÍNH PHỦ\n\nSố: 12/TB-VPCP\n\nHà Nội, ngày 5 tháng 3 năm 2026\n\nTHÔNG BÁO\n\nKẾT LUẬN\n\n"
)


def test_provinces_addressed_by_name_are_their_people_s_committees():
    parsed = parse_plan(
        NATIONAL
        + "I. NHIỆM VỤ\n\n1. Thành phố Hải Phòng và các tỉnh Quảng Ninh, Lạng Sơn khẩn trương hoàn thành giải phóng mặt bằng tuyến cao tốc.\n",
        load_registry(),
    )
    assert [(t.lead, t.lead_text) for t in parsed.tasks] == [
        ("UBND thành phố Hải Phòng", "Thành phố Hải Phòng"),
        ("UBND tỉnh Quảng Ninh", "các tỉnh Quảng Ninh, Lạng Sơn"),
        ("UBND tỉnh Lạng Sơn", "các tỉnh Quảng Ninh, Lạng Sơn"),
    ]
    assert len({duty(t.ref) for t in parsed.tasks}) == 1


def test_a_collective_of_places_that_are_not_provinces_stays_as_written():
    parsed = parse_plan(
        NATIONAL
        + "I. NHIỆM VỤ\n\n1. Các tỉnh biên giới phía Bắc tăng cường kiểm soát hàng hóa qua cửa khẩu.\n",
        load_registry(),
    )
    assert leads(parsed) == ["Các tỉnh biên giới phía Bắc"]


# -- partners ---------------------------------------------------------------------------------------
def test_partners_listed_across_a_soft_line_break():
    (task,) = parse(
        "I. NHIỆM VỤ\n\n1. Sở Tài chính chủ trì, phối hợp với Ban Quản lý\ncác khu công nghiệp tỉnh, Sở Xây dựng, các\nđơn vị liên quan tham mưu bố trí vốn.\n"
    ).tasks
    assert task.supporting == ("Ban Quản lý các khu công nghiệp tỉnh", "Sở Xây dựng", "các đơn vị liên quan")


def test_partners_that_are_collectives_with_qualifiers_and_an_abbreviation():
    (task,) = parse(
        "I. NHIỆM VỤ\n\n1. Sở Công Thương chủ trì, làm việc với UBND tỉnh Thái Bình, EVN và phối hợp với các lực lượng vũ trang đóng quân tại địa bàn, các doanh nghiệp quân đội hỗ trợ thi công đường dây.\n"
    ).tasks
    assert task.supporting == (
        "UBND tỉnh Thái Bình",
        "EVN",
        "các lực lượng vũ trang đóng quân tại địa bàn",
        "các doanh nghiệp quân đội",
    )


def test_a_member_singled_out_of_a_collective_is_named_too():
    parsed = parse(
        "I. NHIỆM VỤ\n\n1. Các doanh nghiệp viễn thông, nhất là VNPT khẩn trương lắp đặt trạm phát sóng.\n"
    )
    assert leads(parsed) == ["Các doanh nghiệp viễn thông", "VNPT"]


def test_a_body_head_with_a_proper_name_in_a_list_is_a_body_not_a_vague_noun():
    (task,) = parse(
        "I. NHIỆM VỤ\n\n1. Sở Y tế chủ trì, phối hợp với Sở Tài chính, Sở Giao thông vận tải và các đơn vị có liên quan kiểm tra.\n"
    ).tasks
    assert task.supporting == ("Sở Tài chính", "Sở Giao thông vận tải", "các đơn vị có liên quan")


def test_a_partner_is_not_cut_before_its_preposition_object():
    (task,) = parse(
        "I. NHIỆM VỤ\n\n1. Sở Y tế chủ trì, phối hợp với lực lượng Công an trong rà soát người nghiện.\n"
    ).tasks
    assert task.supporting == ("lực lượng Công an",)


def test_a_table_cell_missing_its_comma_still_names_both_partners():
    body = (
        "I. NHIỆM VỤ\n\n1. Các sở thực hiện theo phụ lục.\n\nPHỤ LỤC\n\n"
        "| TT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian |\n"
        "| 1 | Rà soát quy hoạch điểm sạc xe điện | Sở Công Thương | Sở Tài chính Sở Xây dựng; UBND các phường, xã | Quý II/2026 |\n"
    )
    row = next(t for t in parse(body).tasks if t.section == "PL")
    assert row.supporting == ("Sở Tài chính", "Sở Xây dựng", "UBND các phường, xã")


def test_a_lead_cell_naming_no_known_body_is_the_lead_as_written():
    body = (
        "I. NHIỆM VỤ\n\n1. Các sở thực hiện theo phụ lục.\n\nPHỤ LỤC\n\n"
        "| TT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian |\n"
        "| 1 | Bố trí vốn đối ứng | Doanh nghiệp, nhà đầu tư hạ tầng | Sở Tài chính | Hằng năm |\n"
    )
    row = next(t for t in parse(body).tasks if t.section == "PL")
    assert row.lead == "Doanh nghiệp, nhà đầu tư hạ tầng"


def test_a_lowercase_list_of_kinds_without_cac_is_a_partner_collective():
    (task,) = parse(
        "I. NHIỆM VỤ\n\n1. Sở Nội vụ chủ trì, phối hợp với sở, ban, ngành, Ủy ban nhân dân xã, phường kiểm tra việc thực hiện.\n"
    ).tasks
    assert task.supporting == ("sở, ban, ngành", "Ủy ban nhân dân xã, phường")


# -- where the lead stands ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "opening",
    ["Căn cứ Kế hoạch này,", "Trong năm 2026,", "Khi Bộ Công Thương có văn bản hướng dẫn,"],
)
def test_a_lead_after_a_fronted_clause_is_still_the_lead(opening):
    (task,) = parse(
        f"I. NHIỆM VỤ\n\n1. {opening} Sở Công Thương tham mưu ban hành quy chế quản lý chợ.\n"
    ).tasks
    assert task.lead == "Sở Công Thương"


def test_a_collective_heading_glued_to_its_paragraph_is_the_addressee():
    parsed = parse(
        "I. TỔ CHỨC THỰC HIỆN\n\n1. Sở Y tế chủ trì theo dõi việc thực hiện Kế hoạch này và báo cáo kết quả định kỳ.\n\n"
        "2. Sở, ban, ngành tỉnh và Ủy ban nhân dân xã, phường\n\nCăn cứ chức năng, nhiệm vụ được giao tổ chức triển khai thực hiện Kế hoạch.\n"
    )
    assert [(t.section, t.lead) for t in parsed.tasks][1:] == [
        ("I.2", "Sở, ban, ngành tỉnh"),
        ("I.2", "Ủy ban nhân dân xã, phường"),
    ]


def test_a_preamble_then_a_clause_asking_the_addressee():
    parsed = parse(
        "I. NHIỆM VỤ\n\n1. Tiến độ giải ngân vốn đầu tư công còn chậm so với kế hoạch đề ra. Với yêu cầu cấp bách đó, yêu cầu các sở, ngành, nhất là Sở Tài chính khẩn trương rà soát các dự án chậm giải ngân.\n"
    )
    assert [t.lead for t in parsed.tasks] == ["các sở, ngành", "Sở Tài chính"]
    assert {t.rule for t in parsed.tasks} == {"after preamble"}


def test_a_preamble_then_a_sentence_opening_with_a_registry_body():
    (task,) = parse(
        "I. NHIỆM VỤ\n\n1. Về khen thưởng: kết quả đạt được là nhờ nỗ lực của các thành viên. Sở Nội vụ với vai trò cơ quan thường trực, chủ động, phối hợp Sở Tài chính đề xuất khen thưởng.\n"
    ).tasks
    assert (task.lead, task.supporting) == ("Sở Nội vụ", ("Sở Tài chính",))


def test_a_preamble_introducing_items_names_no_duty_of_its_own():
    parsed = parse(
        "I. NHIỆM VỤ\n\nThời gian còn lại của năm không nhiều; do vậy, yêu cầu các sở, ngành:\n\n"
        "1. Sở Xây dựng đẩy nhanh tiến độ các công trình giao thông trọng điểm trên địa bàn.\n"
    )
    assert [(t.section, t.lead) for t in parsed.tasks] == [("I.1", "Sở Xây dựng")]


def test_a_later_sentence_keeping_the_reporting_regime_is_its_own_duty_of_the_same_leads():
    parsed = parse(
        "I. TỔ CHỨC THỰC HIỆN\n\n1. Các sở, ngành, Ủy ban nhân dân cấp xã xây dựng kế hoạch triển khai, gửi về Sở Y tế trong tháng 5/2026. Thực hiện chế độ thông tin, báo cáo định kỳ theo quy định.\n"
    )
    assert [(t.ref.split("@")[0], t.lead) for t in parsed.tasks] == [
        ("I.1", "Các sở, ngành"),
        ("I.1", "Ủy ban nhân dân cấp xã"),
        ("I.1-s2", "Các sở, ngành"),
        ("I.1-s2", "Ủy ban nhân dân cấp xã"),
    ]


def test_a_reporting_sentence_is_owed_by_the_subject_of_the_sentence_before_it():
    parsed = parse(
        "I. TỔ CHỨC THỰC HIỆN\n\n1. Người đứng đầu các cơ quan chịu trách nhiệm trước Ủy ban nhân dân tỉnh về kết quả thực hiện. "
        "Sở Y tế và Sở Giáo dục và Đào tạo xây dựng kế hoạch chi tiết của ngành mình. "
        "Hằng năm báo cáo kết quả thực hiện về Sở Nội vụ để tổng hợp.\n"
    )
    reporting = [t.lead for t in parsed.tasks if t.ref.split("@")[0].endswith("-s3")]
    assert reporting == ["Sở Y tế", "Sở Giáo dục và Đào tạo"]


def test_a_field_value_ending_its_sentence_names_the_lead_without_the_full_stop():
    parsed = parse(
        "I. NHIỆM VỤ\n\n1. Nâng cao chất lượng đội ngũ\n\n- Rà soát, bố trí công chức làm công tác pháp chế theo vị trí việc làm.\n\n"
        "Đơn vị thực hiện: Các cơ quan, đơn vị, địa phương.\n\nThời gian thực hiện: Thường xuyên.\n"
    )
    assert [t.lead for t in parsed.tasks] == ["Các cơ quan, đơn vị, địa phương"]


# -- supporting-agency recall on the six real plans ------------------------------------------------
SUPPORT_FLOORS = {  # just below the support_recall bench/parse_quality.py prints
    "01_dongnai_kh182_2025_ma_tuy": 0.98,
    "02_cantho_kh165_2025_dan_so": 0.98,
    "03_hanoi_kh310_2025_5g_iot": 0.98,
    "04_ttg_qd2623_2025_bao_ve_du_lieu_ca_nhan": 0.98,
    "05_vpcp_tb627_2025_ket_luan_giao_thong": 0.98,
    "06_bacninh_kh141_2025_can_bo_xay_dung_phap_luat": 0.95,
}


@pytest.mark.parametrize("stem", sorted(SUPPORT_FLOORS))
def test_support_recall_floor_on_real_plans(stem):
    text = (REAL / f"{stem}.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    gold = yaml.safe_load((REAL / f"{stem}.gold.yaml").read_text(encoding="utf-8"))
    figures = score(parse_plan(text, load_registry()).to_dict(), gold)
    assert figures["support_recall"] >= SUPPORT_FLOORS[stem], figures
