# ruff: noqa: E501  (plan texts of our own are kept on one line each, as a plan writes them)
"""The general parser: layout normaliser, names grammar, gazetteer, assignment forms, time wordings,
and the quality floors on the six real plans of seed_plans/real (words of our own elsewhere)."""

from datetime import date
from pathlib import Path

import pytest
import yaml

from bench.plan_score import score
from workflows.agencies import names
from workflows.agencies.gazetteer import communes, ministries, province, provinces, registry_for
from workflows.agencies.registry import load_registry
from workflows.plans.parser import parse_plan
from workflows.plans.parsing.deadlines import date_of_cell, find_calendar, schedule_for
from workflows.plans.parsing.layout import normalise

REAL = Path(__file__).resolve().parents[3] / "seed_plans" / "real"
HEADER = "ỦY BAN NHÂN DÂN\nTỈNH HƯNG YÊN\n\nSố: 5/KH-UBND\n\nHưng Yên, ngày 3 tháng 3 năm 2026\n\nKẾ HOẠCH\n\nTHỬ\n\n"


def parse(body: str, header: str = HEADER):
    """Parse a small plan of our own (a Hưng Yên plan: the gazetteer's registry is used)."""
    return parse_plan(header + body, load_registry())


# -- layout ------------------------------------------------------------------------------------------
def test_layout_drops_emphasis_and_joins_paragraph_lines_keeping_offsets():
    src = "**I. NHIỆM\nVỤ**\n\n*1. *Sở Y\ntế chủ trì[1].\n\nkhác\n"
    lay = normalise(src)
    assert lay.text.splitlines()[:3] == ["I. NHIỆM VỤ", "", "1. Sở Y tế chủ trì."]
    at = lay.text.index("Sở Y tế")
    s, e = lay.source_span(at, at + len("Sở Y tế"))
    assert src[s:e] == "Sở Y\ntế"


def test_layout_leaves_a_hard_wrapped_text_alone():
    src = "I. MỤC TIÊU\nmột dòng\ndòng tiếp\n"
    assert normalise(src).identity


def test_layout_renders_a_one_cell_per_line_table_as_rows():
    src = "|\nTT\n|\nNội dung\n|\nCơ quan chủ trì\n|\n|\n1\n|\nViệc một\ndài\n|\nSở Y tế\n|\n\nsau\n"
    rows = [ln for ln in normalise(src).text.splitlines() if ln.startswith("|")]
    assert rows == ["| TT | Nội dung | Cơ quan chủ trì |", "| 1 | Việc một dài | Sở Y tế |"]


# -- names grammar -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "phrase, kind",
    [
        ("Ban Quản lý Khu kinh tế tỉnh", "body"),
        ("Các sở, ban, ngành", "collective"),
        ("Ủy ban nhân dân các xã, phường", "collective"),
        ("đồng chí Bộ trưởng Bộ Xây dựng", "position"),
        ("Giám đốc Sở Tài chính", "position"),
        ("bản, tiểu khu", None),
        ("Tổ chức tập huấn", None),
    ],
)
def test_kind_of_a_phrase(phrase, kind):
    assert names.kind_of(phrase) == kind


def test_va_inside_a_name_and_between_names():
    text = "Sở Nông nghiệp và Môi trường, Sở Văn hóa, Thể thao và Du lịch và các địa phương"
    assert [text[s:e] for s, e in names.split_names(text)] == [
        "Sở Nông nghiệp và Môi trường",
        "Sở Văn hóa, Thể thao và Du lịch",
        "các địa phương",
    ]


def test_abbreviations_a_document_defines():
    found = names.defined_abbreviations("giao Sở Khoa học và Công nghệ (Sở KH&CN) chủ trì")
    assert found == {"Sở KH&CN": "Sở Khoa học và Công nghệ"}


# -- gazetteer ---------------------------------------------------------------------------------------
def test_gazetteer_has_the_34_provinces_and_their_communes():
    assert len(provinces()) == 34
    assert province("tỉnh Hưng Yên").short == "Hưng Yên"
    assert province("TP Cần Thơ").level == "thành phố"
    assert len(communes("Hưng Yên")) > 50
    assert ("bo-cong-an", "Bộ Công an") in ministries()
    reg = registry_for("Hưng Yên")
    assert reg.lookup("Công an tỉnh Hưng Yên").name == "Công an tỉnh"
    assert reg.lookup("UBND tỉnh Ninh Bình") is not None


# -- assignment forms --------------------------------------------------------------------------------
def _tasks(parsed):
    return [(t.section, t.lead_text or t.lead, tuple(t.supporting)) for t in parsed.tasks]


def test_agency_heading_is_inherited_by_its_letter_items_and_phoi_hop_items_support():
    body = (
        "I. NHIỆM VỤ\n\n1. Sở Y tế\n\na) Tổ chức tuyên truyền cho người dân về phòng bệnh, vệ sinh an toàn thực phẩm và nước sạch ở các xã.\n\n"
        "b) Phối hợp với Sở Tài chính bố trí kinh phí cho các chương trình y tế dự phòng của tỉnh theo quy định.\n"
    )
    assert _tasks(parse(body)) == [("I.1.a", "Sở Y tế", ()), ("I.1.b", "Sở Y tế", ("Sở Tài chính",))]


def test_a_collective_addressee_is_a_lead_as_written():
    parsed = parse(
        "I. NHIỆM VỤ\n\n1. Các sở, ban, ngành xây dựng kế hoạch thực hiện của đơn vị mình, gửi về Sở Nội vụ trong tháng 6/2026.\n"
    )
    (task,) = parsed.tasks
    assert task.lead == "Các sở, ban, ngành"
    assert task.schedule.due_dates == (date(2026, 6, 30),)


def test_bullets_under_a_chu_tri_phoi_hop_heading_name_partners():
    body = (
        "I. NHIỆM VỤ\n\n1. Sở Y tế\n\na) Chủ trì, phối hợp:\n\n"
        "- Sở Tài chính và các đơn vị có liên quan tham mưu bố trí kinh phí cho các trạm y tế.\n"
    )
    (task,) = parse(body).tasks
    assert (task.lead, task.supporting) == ("Sở Y tế", ("Sở Tài chính", "các đơn vị có liên quan"))


def test_items_naming_projects_leave_their_heading_the_duty():
    body = (
        "I. NHIỆM VỤ\n\n1. Công an tỉnh\n\na) Triển khai các dự án do Bộ Công an chủ trì:\n\n"
        "- Dự án 1: “Phòng ngừa tội phạm”.\n\n- Dự án 2: “Ứng dụng công nghệ”.\n"
    )
    (task,) = parse(body).tasks
    assert (task.ref, task.lead) == ("I.1.a", "Công an tỉnh")


def test_a_later_reporting_sentence_is_its_own_duty_of_the_same_lead():
    body = (
        "I. TỔ CHỨC THỰC HIỆN\n\n1. Sở Nội vụ xây dựng kế hoạch của đơn vị xong trong tháng 12/2026. "
        "Định kỳ báo cáo UBND tỉnh kết quả thực hiện hằng năm (trước ngày 15 tháng 11).\n"
    )
    first, second = parse(body).tasks
    assert (first.lead, second.lead) == ("Sở Nội vụ", "Sở Nội vụ")
    assert first.schedule.due_dates == (date(2026, 12, 31),)
    assert second.ref.endswith("-s2") and second.schedule.kind == "once"


def test_a_later_sentence_addressed_to_another_body_is_split_off():
    body = (
        "I. NHIỆM VỤ\n\n1. Giao Sở Xây dựng kiểm tra tiến độ các dự án giao thông trọng điểm. "
        "Yêu cầu Nhà đầu tư (Công ty ABC) rà soát kế hoạch thi công; phối hợp với các doanh nghiệp địa phương hỗ trợ.\n"
    )
    first, second = parse(body).tasks
    assert first.lead == "Sở Xây dựng"
    assert second.lead == "Nhà đầu tư (Công ty ABC)"
    assert second.supporting == ("các doanh nghiệp địa phương",)


def test_a_body_the_registry_does_not_know_is_a_partner_as_written():
    (task,) = parse(
        "I. NHIỆM VỤ\n\n1. Sở Tài chính chủ trì, phối hợp với Ban Quản lý các khu kinh tế và khu công nghiệp, Sở Y tế tham mưu bố trí vốn.\n"
    ).tasks
    assert sorted(task.supporting) == ["Ban Quản lý các khu kinh tế và khu công nghiệp", "Sở Y tế"]


def test_the_texts_own_words_travel_as_lead_text():
    (task,) = parse(
        "I. NHIỆM VỤ\n\n1. Ủy ban nhân dân tỉnh Hưng Yên khẩn trương rà soát quy hoạch các khu công nghiệp trên địa bàn và báo cáo kết quả.\n"
    ).tasks
    assert task.lead_text == "Ủy ban nhân dân tỉnh Hưng Yên" and task.lead != task.lead_text


def test_a_target_clause_before_the_subject():
    (task,) = parse(
        "I. KINH PHÍ\n\n1. Đối với các nhiệm vụ trong năm 2026, các sở, ngành chủ động bố trí kinh phí được giao.\n"
    ).tasks
    assert task.lead == "các sở, ngành"


def test_a_section_reporting_past_results_assigns_nothing():
    body = (
        "I. ĐÁNH GIÁ CHUNG\n\n1. Sở Xây dựng đã chủ trì kiểm tra hiện trường các dự án giao thông trọng điểm trên địa bàn tỉnh.\n\n"
        "II. NHIỆM VỤ\n\n1. Sở Xây dựng kiểm tra chất lượng các công trình giao thông trọng điểm trên địa bàn tỉnh.\n"
    )
    assert [t.section for t in parse(body).tasks] == ["II.1"]


def test_no_reporting_unit_expansion_for_a_collective_with_the_gazetteer():
    body = (
        "I. NHIỆM VỤ\n\n1. Sở Y tế kiểm tra, giám sát việc bảo đảm an toàn thực phẩm trên địa bàn tỉnh.\n\n"
        "2. Sở Tư pháp tổ chức phổ biến, giáo dục pháp luật về an toàn thực phẩm cho người dân.\n\n"
        "II. TỔ CHỨC THỰC HIỆN\n\n1. Các sở, ngành, địa phương xây dựng kế hoạch thực hiện của đơn vị mình trong tháng 3/2026.\n"
    )
    last = parse(body).tasks[-1]
    assert last.lead == "Các sở, ngành, địa phương" and "@" not in last.ref


def test_a_closing_paragraph_belongs_to_its_part_and_names_its_addressee():
    body = (
        "I. TỔ CHỨC THỰC HIỆN\n\n**1. Sở Y tế**\n\n- Chủ trì theo dõi, đôn đốc việc thực hiện kế hoạch của các đơn vị.\n\n"
        "Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành nghiêm túc triển khai thực hiện. "
        "Trong quá trình thực hiện, nếu có vướng mắc, kịp thời phản ánh về Sở Y tế để tổng hợp.\n"
    )
    tasks = parse(body).tasks
    assert [(t.section, t.lead) for t in tasks] == [
        ("I.1", "Sở Y tế"),
        ("I", "các sở, ban, ngành"),
        ("I", "các sở, ban, ngành"),
    ]


def test_closing_formulas_assign_nothing():
    body = (
        "I. TỔ CHỨC THỰC HIỆN\n\n**1. Sở Y tế** chủ trì theo dõi, đôn đốc việc thực hiện kế hoạch của các đơn vị trên địa bàn tỉnh.\n\n"
        "Trên đây là Kế hoạch thực hiện của tỉnh. Trong quá trình thực hiện, nếu có khó khăn, các cơ quan, đơn vị phản ánh về Sở Y tế.\n"
    )
    tasks = parse(body).tasks
    assert [(t.section, t.lead) for t in tasks] == [("I.1", "Sở Y tế"), ("I", "các cơ quan, đơn vị")]


def test_a_verb_after_the_fronted_clause_means_the_heading_leads():
    body = (
        "I. NHIỆM VỤ\n\n1. Sở Giáo dục và Đào tạo\n\n"
        "a) Căn cứ chức năng nhiệm vụ, chỉ đạo các cơ sở giáo dục lồng ghép nội dung giáo dục dân số vào chương trình.\n"
    )
    assert [t.lead for t in parse(body).tasks] == ["Sở Giáo dục và Đào tạo"]


def test_a_one_word_head_needs_a_name_after_it():
    assert names.kind_of("Bảo đảm cơ sở vật chất") is None
    assert names.kind_of("Phương án phân bổ vốn") is None
    assert names.kind_of("Báo Bắc Ninh") == "body"


def test_lead_after_a_fronted_clause():
    parsed = parse("I. NHIỆM VỤ\n\n1. Căn cứ Kế hoạch này, Sở Nội vụ hướng dẫn các đơn vị thực hiện.\n")
    assert [t.lead for t in parsed.tasks] == ["Sở Nội vụ"]


def test_trailer_fields_govern_the_bullets_before_them():
    body = (
        "I. NHIỆM VỤ\n\n1. Đào tạo cán bộ\n\n- Mở lớp bồi dưỡng kỹ năng.\n\n"
        "Đơn vị chủ trì: Sở Nội vụ.\n\nĐơn vị phối hợp: Sở Tư pháp.\n\nThời gian thực hiện: Quý III/2026.\n"
    )
    (task,) = parse(body).tasks
    assert (task.section, task.lead, task.supporting) == ("I.1", "Sở Nội vụ", ("Sở Tư pháp",))
    assert task.schedule.due_dates == (date(2026, 9, 30),)


def test_fields_with_no_item_make_their_heading_the_duty():
    body = (
        "I. NỘI DUNG\n\n1. Xây dựng cổng thông tin\n\n- Cơ quan chủ trì: Bộ Công an.\n\n"
        "- Cơ quan phối hợp: Bộ Tư pháp.\n\n- Thời gian thực hiện: năm 2026 - 2027.\n"
    )
    (task,) = parse(body, HEADER.replace("ỦY BAN NHÂN DÂN\nTỈNH HƯNG YÊN", "THỦ TƯỚNG CHÍNH PHỦ")).tasks
    assert (task.ref, task.lead, task.supporting) == ("I.1", "Bộ Công an", ("Bộ Tư pháp",))
    assert date(2027, 12, 31) in task.schedule.due_dates
    assert task.text.startswith("Xây dựng cổng thông tin")


def test_a_document_without_a_number_is_read_with_a_warning():
    parsed = parse(
        "I. NHIỆM VỤ\n\n1. Sở Y tế kiểm tra, giám sát việc thực hiện các quy định về an toàn thực phẩm trên địa bàn tỉnh.\n",
        HEADER.replace("Số: 5/KH-UBND\n", ""),
    )
    assert parsed.plan.number == ""
    assert parsed.warnings and "Số" in parsed.warnings[0]
    assert [t.lead for t in parsed.tasks] == ["Sở Y tế"]


def test_spans_point_into_the_source_after_normalising():
    src = (
        HEADER
        + "**I. NHIỆM VỤ**\n\n**1. **Sở Y tế kiểm\ntra định kỳ việc thực hiện các quy định về an toàn thực phẩm trên địa bàn tỉnh.\n"
    )
    parsed = parse_plan(src, load_registry())
    assert all(src[t.span[0] : t.span[1]] == t.text for t in parsed.tasks)
    assert parsed.tasks[0].text.startswith("Sở Y tế kiểm\ntra định kỳ")


# -- time wordings -----------------------------------------------------------------------------------
CAL = find_calendar("", 2025)


@pytest.mark.parametrize(
    "phrase, kind, dates",
    [
        ("hoàn thành trong tháng 11/2025", "once", (date(2025, 11, 30),)),
        ("khởi công vào ngày 19 tháng 12 năm 2025", "once", (date(2025, 12, 19),)),
        ("hoàn thành trong năm 2026", "once", (date(2026, 12, 31),)),
        ("năm 2025 và các năm tiếp theo", "recurring", (date(2025, 12, 31),)),
        ("trước ngày 15 tháng 12 năm 2025", "once", (date(2025, 12, 14),)),
        ("tổ chức lễ khởi công dịp 19 tháng 12 năm 2025", "once", (date(2025, 12, 19),)),
        ("đạt mục tiêu 50% số xã vào năm 2030", "once", (date(2030, 12, 31),)),
        ("bảo đảm hoàn thành tuyến đường đến hết năm 2026", "once", (date(2026, 12, 31),)),
        (
            "đạt 20% ngay trong năm 2025; đến năm 2030 đạt 100%",
            "recurring",
            (date(2025, 12, 31), date(2030, 12, 31)),
        ),
    ],
)
def test_deadline_wordings(phrase, kind, dates):
    sched = schedule_for(phrase, CAL)
    assert (sched.kind, sched.due_dates) == (kind, dates)


def test_a_programme_horizon_is_not_a_deadline():
    assert (
        schedule_for("triển khai Chương trình mục tiêu quốc gia giảm nghèo đến năm 2030", CAL).kind
        == "continuous"
    )
    assert schedule_for("bổ sung quy hoạch hạ tầng các khu kinh tế đến năm 2030", CAL).kind == "continuous"


def test_a_quarter_range_cell_is_due_when_the_range_ends():
    assert date_of_cell("Quý IV/2025- Quý II/2026", CAL).due_dates == (date(2026, 6, 30),)
    assert date_of_cell("Quý III Năm 2026", CAL).due_dates == (date(2026, 9, 30),)


def test_a_cited_documents_date_is_not_a_deadline():
    text = "thực hiện theo Công văn số 12/UBND-KT ngày 04 tháng 9 năm 2025 và Nghị quyết số 5/2024/NQ-HĐND ngày 12/5/2024"
    assert schedule_for(text, CAL).kind == "continuous"
    assert schedule_for(
        "theo Quyết định số 7/QĐ-UBND ngày 3/3/2025, hoàn thành trong tháng 6/2026", CAL
    ).due_dates == (date(2026, 6, 30),)


# -- quality on the six real plans -------------------------------------------------------------------
FLOORS = {  # just below the figures bench/parse_quality.py prints (README: "Plans: from a document …")
    "01_dongnai_kh182_2025_ma_tuy": 0.98,  # III.2's opening duty of "các Sở, ban, ngành, …" is not in the gold
    "02_cantho_kh165_2025_dan_so": 0.99,
    "03_hanoi_kh310_2025_5g_iot": 0.97,
    "04_ttg_qd2623_2025_bao_ve_du_lieu_ca_nhan": 0.99,
    "05_vpcp_tb627_2025_ket_luan_giao_thong": 0.99,
    "06_bacninh_kh141_2025_can_bo_xay_dung_phap_luat": 0.93,
}


@pytest.mark.parametrize("stem", sorted(FLOORS))
def test_quality_floor_on_real_plans(stem):
    text = (REAL / f"{stem}.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    parsed = parse_plan(text, load_registry())
    assert all(text[t.span[0] : t.span[1]] == t.text for t in parsed.tasks)
    figures = score(
        parsed.to_dict(), yaml.safe_load((REAL / f"{stem}.gold.yaml").read_text(encoding="utf-8"))
    )
    assert figures["f1"] >= FLOORS[stem], figures


def test_item_markers_after_a_heading_or_a_full_stop_start_new_paragraphs():
    """One paragraph a line (Word, PDF) inside a text that also has blank lines: items stay apart."""
    from workflows.plans.parsing.layout import normalise

    text = (
        "KẾ HOẠCH\n\nI. NHIỆM VỤ\n1. Sở Y tế\na) Tổ chức đánh giá định kỳ 6 tháng.\n"
        "b) Rà soát, báo cáo hằng quý.\n\nThực hiện theo quy định tại khoản 2 Điều 5 của Nghị định số 30/2020/NĐ-CP và\n"
        "1. nội dung khác của văn bản này được giữ trong một câu dài hơn sáu mươi ký tự\n"
    )
    lines = normalise(text).text.splitlines()
    assert "I. NHIỆM VỤ" in lines and "1. Sở Y tế" in lines
    assert "a) Tổ chức đánh giá định kỳ 6 tháng." in lines and "b) Rà soát, báo cáo hằng quý." in lines
    # a wrapped sentence that happens to continue with "1." stays one paragraph
    assert any(line.startswith("Thực hiện theo") and "1. nội dung" in line for line in lines)


def test_a_topic_heading_then_a_paragraph_naming_its_lead():
    """'2. Công tác kiểm tra', a blank line, then 'Công an tỉnh chủ trì …': the paragraph's subject leads."""
    body = (
        "I. NHIỆM VỤ\n\n1. Công tác truyền thông\n\nSở Y tế tổ chức tập huấn cho cán bộ y tế cơ sở về phòng, chống dịch bệnh.\n\n"
        "2. Công tác kiểm tra\n\nCông an tỉnh chủ trì, phối hợp với Sở Y tế kiểm tra các cơ sở kinh doanh, hoàn thành trước ngày 30/6/2026.\n\n"
        "3. Sở Tư pháp\n\nChủ trì biên soạn tài liệu phổ biến pháp luật về phòng, chống dịch bệnh.\n"
    )
    parsed = parse(body)
    leads = {t.ref: (t.lead, t.supporting) for t in parsed.tasks}
    assert leads["I.2"][0] == "Công an tỉnh" and "Sở Y tế" in leads["I.2"][1]
    assert leads["I.1"][0] == "Sở Y tế" and leads["I.3"][0] == "Sở Tư pháp"  # agency heading still leads
    due = next(t for t in parsed.tasks if t.ref == "I.2").schedule
    assert due.due_dates == (date(2026, 6, 29),)  # "trước ngày 30/6": the day before
    assert not parsed.unresolved


def test_a_short_lettered_item_that_is_a_sentence_is_a_duty_not_a_heading():
    """'a) Sở Y tế tổ chức tập huấn cho cán bộ.' holds nothing below it: it is read, never dropped."""
    body = (
        "I. NHIỆM VỤ\n1. Công tác truyền thông\na) Sở Y tế tổ chức tập huấn cho cán bộ y tế.\n"
        "b) Sở Tư pháp biên soạn tài liệu phổ biến pháp luật.\n2. Kinh phí\na) Kinh phí thường xuyên\n"
        "- Sở Tài chính bố trí kinh phí thực hiện kế hoạch hằng năm.\n"
    )
    leads = {t.ref: t.lead for t in parse(body).tasks}
    assert leads["I.1.a"] == "Sở Y tế" and leads["I.1.b"] == "Sở Tư pháp"
    # a heading with a bullet below it stays a heading
    assert "I.2.a" not in leads and any(r.startswith("I.2.a-") for r in leads)
