"""Plan parser: the reviewed seed form, the acceptance cases read from the plan, and edge cases."""

import difflib
import time
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml

from workflows.agencies.registry import Registry, load_registry
from workflows.plans.parsed import ParsedPlan, PlanFormatError
from workflows.plans.parser import parse_plan
from workflows.plans.parsing.deadlines import find_calendar, schedule_for

SEEDS = Path(__file__).resolve().parents[3] / "seed_plans"
SEED_TEXT = SEEDS / "sonla_23_kh_ubnd_2023.txt"
SEED_YAML = SEEDS / "sonla_23_kh_ubnd_2023.yaml"
QUARTERLY = [date(2023, 3, 14), date(2023, 6, 14), date(2023, 9, 14), date(2023, 12, 14)]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


@pytest.fixture(scope="module")
def text() -> str:
    return SEED_TEXT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def parsed(text, registry) -> ParsedPlan:
    return parse_plan(text, registry)


def tasks_of(parsed, base):
    """Tasks whose ref is ``base`` or ``base@<code>``."""
    return [t for t in parsed.tasks if t.ref == base or t.ref.startswith(base + "@")]


def task_with(parsed, lead, words):
    """The single task of ``lead`` whose text contains ``words`` (whitespace-insensitive)."""
    found = [t for t in parsed.tasks if t.lead == lead and words in " ".join(t.text.split())]
    assert len(found) == 1, [t.ref for t in found]
    return found[0]


def load_yaml(path: Path):
    """Read a YAML file with the C loader when PyYAML has it (the reviewed file is ~300 kB)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _dump(value) -> list[str]:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100).splitlines()


def describe_difference(expected: dict, actual: dict, limit: int = 3) -> str:
    """Readable account of how the parser output differs from the reviewed YAML."""
    out = []
    for key in ("plan", "sections", "indicators", "unresolved"):
        if expected.get(key) != actual.get(key):
            diff = difflib.unified_diff(
                _dump(expected.get(key)),
                _dump(actual.get(key)),
                f"reviewed {key}",
                f"parsed {key}",
                lineterm="",
                n=2,
            )
            out.append("\n".join(list(diff)[:60]))
    exp = {t["ref"]: t for t in expected["tasks"]}
    act = {t["ref"]: t for t in actual["tasks"]}
    missing, extra = [r for r in exp if r not in act], [r for r in act if r not in exp]
    if missing:
        out.append(f"{len(missing)} reviewed tasks missing from the output, first: {missing[:5]}")
    if extra:
        out.append(f"{len(extra)} tasks not in the reviewed YAML, first: {extra[:5]}")
    changed = [r for r in exp if r in act and exp[r] != act[r]]
    for ref in changed[:limit]:
        diff = difflib.unified_diff(
            _dump(exp[ref]), _dump(act[ref]), f"reviewed {ref}", f"parsed {ref}", lineterm="", n=1
        )
        out.append("\n".join(diff))
    if len(changed) > limit:
        out.append(f"… and {len(changed) - limit} more changed tasks")
    if [t["ref"] for t in expected["tasks"]] != [t["ref"] for t in actual["tasks"]] and not (
        missing or extra
    ):
        out.append("same tasks, different order")
    return "\n\n".join(out)


# -- the reviewed seed form ------------------------------------------------------------------------
def test_output_equals_reviewed_yaml(parsed):
    expected = load_yaml(SEED_YAML)
    actual = parsed.to_dict()
    assert actual == expected, "parser output differs from the reviewed YAML:\n" + describe_difference(
        expected, actual
    )


def test_dict_round_trip(parsed):
    assert ParsedPlan.from_dict(parsed.to_dict()) == parsed
    assert ParsedPlan.from_dict(load_yaml(SEED_YAML)) == parsed


def test_parse_is_fast_and_deterministic(text, registry, parsed):
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        again = parse_plan(text, registry)
        best = min(best, time.perf_counter() - t0)
    assert again == parsed
    assert best < 1.0


# -- metadata and sections ------------------------------------------------------------------------
def test_plan_metadata(parsed):
    assert parsed.plan.number == "23/KH-UBND"
    assert parsed.plan.issuer == "UBND tỉnh Sơn La"
    assert parsed.plan.issued_on == date(2023, 1, 30)
    assert parsed.plan.title == "Kế hoạch thực hiện công tác phòng, chống và kiểm soát ma túy năm 2023"


def test_section_tree_joins_wrapped_headings(parsed):
    titles = {s.ref: s.title for s in parsed.sections}
    assert list(titles)[:4] == ["I", "I.1", "I.2", "II"]
    assert titles["I"] == "MỤC TIÊU, YÊU CẦU, CHỈ TIÊU"
    assert titles["II"] == "NHIỆM VỤ, GIẢI PHÁP, PHÂN CÔNG TRÁCH NHIỆM"
    assert titles["II.1"] == "Công tác lãnh đạo, chỉ đạo"
    assert titles["II.1.1"] == "Cấp ủy, chính quyền, ban, ngành, đoàn thể các cấp"
    assert [f"II.{n}" for n in range(1, 10)] == [
        r for r in titles if r.count(".") == 1 and r.startswith("II.")
    ]
    assert {"II.1.2", "II.2.1", "II.2.2", "III", "III.1", "III.2", "III.3"} <= set(titles)
    assert not any(r.startswith("PL") for r in titles)  # lone "|" lines are not tables


def test_wrapped_year_range_is_not_a_bullet(parsed):
    item = task_with(parsed, "Sở Nông nghiệp và Phát triển nông thôn", "tham mưu, triển khai thực hiện")
    assert item.ref == "II.6-b1.1"
    assert item.text.endswith("giai đoạn 2020\n- 2025.")


# -- tasks -----------------------------------------------------------------------------------------
def test_spans_are_exact_and_refs_unique(parsed, text):
    for t in parsed.tasks:
        assert text[t.span[0] : t.span[1]] == t.text, t.ref
        assert t.title and "\n" not in t.title
    for u in parsed.unresolved:
        assert text[u.span[0] : u.span[1]] == u.text
    refs = [t.ref for t in parsed.tasks]
    assert len(refs) == len(set(refs))


def test_every_task_has_exactly_one_lead(parsed, registry):
    for t in parsed.tasks:
        assert t.lead and registry.resolve(t.lead) is not None and registry.resolve(t.lead).name == t.lead
        assert t.lead not in t.supporting


def test_methadone_evaluation_is_recurring_with_the_half_year_and_annual_reports(parsed):
    t = task_with(parsed, "Sở Y tế", "Methadone và Buprenophine. Định kỳ 06 tháng, 01 năm")
    assert t.schedule.kind == "recurring"
    assert list(t.schedule.due_dates) == [date(2023, 6, 14), date(2023, 12, 14)]
    assert t.schedule.phrase == "Định kỳ 06 tháng, 01 năm"


def test_so_tu_phap_numbered_items_are_two_tasks(parsed):
    items = [t for t in parsed.tasks if t.ref.startswith("II.2.2-b1.")]
    assert [t.lead for t in items] == ["Sở Tư pháp", "Sở Tư pháp"]
    assert "biên soạn tài liệu" in items[0].text
    assert items[1].text.startswith("tham mưu với Hội đồng phối hợp phổ biến, giáo dục pháp luật")


def test_cong_an_ii_1_2_six_items(parsed):
    items = [t for t in parsed.tasks if t.ref.startswith("II.1.2-b1.")]
    assert [t.ref for t in items] == [f"II.1.2-b1.{n}" for n in range(1, 7)]
    assert {t.lead for t in items} == {"Công an tỉnh"}
    assert items[5].text.startswith("Tổ chức triển khai, thực hiện có hiệu quả “Tháng hành động")


def test_lead_with_exactly_the_named_supporting_agencies(parsed):
    t = task_with(parsed, "Công an tỉnh", "phối hợp với Sở Công thương, Sở Y tế, Chi cục Hải quan")
    assert t.supporting == ("Sở Công Thương", "Sở Y tế", "Chi cục Hải quan")


def test_items_naming_their_own_leads(parsed):
    items = [t for t in parsed.tasks if t.ref.startswith("II.2.2-b2.")]
    assert [t.lead for t in items] == [
        "Công an tỉnh",
        "Sở Y tế",
        "Sở Lao động - Thương binh và Xã hội",
        "Sở Giáo dục và Đào tạo",
        "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
    ]
    assert all(t.supporting == ("Sở Tư pháp",) for t in items)  # "… phối hợp với Sở Tư pháp …:"


def test_district_group_lead_expands_items_times_units(parsed, registry):
    districts = [a.name for a in registry.group("UBND các huyện, thành phố")]
    tasks = [t for t in parsed.tasks if t.ref.startswith("II.4-b1.")]
    assert len(tasks) == 4 * 12
    for n in range(1, 5):
        assert [t.lead for t in tasks if t.ref.startswith(f"II.4-b1.{n}@")] == districts
    assert tasks[0].ref == "II.4-b1.1@tp-son-la"


def test_front_and_mass_organisations_each_get_the_task(parsed):
    tasks = tasks_of(parsed, "II.2.2-b7")
    assert [t.lead for t in tasks] == [
        "Ủy ban MTTQ Việt Nam tỉnh",
        "Liên đoàn Lao động tỉnh",
        "Hội Liên hiệp Phụ nữ tỉnh",
        "Tỉnh đoàn",
        "Hội Cựu chiến binh tỉnh",
        "Hội Nông dân tỉnh",
    ]
    assert all(t.supporting == ("Công an tỉnh",) for t in tasks)


def test_multi_agency_leads_give_one_task_each(parsed):
    assert [t.lead for t in tasks_of(parsed, "II.6-b2")] == [
        "Công an tỉnh",
        "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
    ]
    assert [t.lead for t in tasks_of(parsed, "II.5-b4")] == [
        "Công an tỉnh",
        "Viện Kiểm sát nhân dân tỉnh",
        "Tòa án nhân dân tỉnh",
    ]
    border = [t.lead for t in tasks_of(parsed, "II.7-b1")]
    assert border[:3] == ["Công an tỉnh", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "Chi cục Hải quan"]
    assert all(lead.startswith("UBND huyện") for lead in border[3:]) and len(border) > 3


def test_later_sentence_with_its_own_lead_is_split_off(parsed):
    joint = tasks_of(parsed, "II.7-b3")
    assert [t.lead for t in joint] == ["Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "Sở Ngoại vụ", "Chi cục Hải quan"]
    assert joint[0].text.endswith("các tỉnh Bắc\nLào.")
    (own,) = tasks_of(parsed, "II.7-b3-s2")
    assert own.lead == "Bộ Chỉ huy Bộ đội Biên phòng tỉnh"
    assert own.text.startswith("Bộ Chỉ huy Bộ đội Biên phòng tỉnh chỉ đạo các Đồn Biên phòng")


def test_bullet_starting_with_an_agency_is_led_by_it(parsed):
    assert task_with(parsed, "Sở Tài chính", "hướng dẫn các đơn vị").supporting == ()
    assert task_with(parsed, "Chi cục Hải quan", "tăng cường kiểm tra, kiểm soát").ref == "II.5-b5"
    assert task_with(parsed, "Tòa án nhân dân tỉnh", "Đề nghị Tòa án").ref == "II.2.2-b6"


def test_vague_partners_are_not_supporting_but_concrete_groups_are(parsed, registry):
    assert (
        task_with(
            parsed, "Sở Lao động - Thương binh và Xã hội", "chủ trì, phối hợp với các sở, ngành"
        ).supporting
        == ()
    )
    methadone = task_with(parsed, "Sở Y tế", "Định kỳ 06")
    assert methadone.supporting == tuple(
        a.name for a in registry.group("các tổ chức đoàn thể chính trị - xã hội")
    )
    nn = task_with(parsed, "Sở Nông nghiệp và Phát triển nông thôn", "phối hợp với UBND các huyện, thành phố")
    assert nn.supporting == tuple(a.name for a in registry.group("UBND các huyện, thành phố"))
    blo = task_with(parsed, "Công an tỉnh", "Văn phòng BLO")
    assert blo.supporting == tuple(a.name for a in registry.group("UBND các huyện biên giới"))


def test_every_reporting_unit_sends_its_own_plan_before_15_02(parsed, registry):
    plans = tasks_of(parsed, "III.1")
    units = [t.lead for t in plans]
    assert len(units) == len(set(units))
    districts = {a.name for a in registry.group("UBND các huyện, thành phố")}
    assert districts <= set(units)
    assert {"Công an tỉnh", "Sở Y tế", "Sở Tư pháp", "Sở Công Thương", "Hội Nông dân tỉnh"} <= set(units)
    # reporting units = every agency the plan assigns (lead or supporting in I–II) + the districts
    assigned = {t.lead for t in parsed.tasks if not t.ref.startswith("III")}
    assigned |= {s for t in parsed.tasks if not t.ref.startswith("III") for s in t.supporting}
    assert set(units) == assigned | districts
    for t in plans:
        assert t.schedule.kind == "once"
        assert t.schedule.due_dates == (date(2023, 2, 14),)
        assert t.schedule.phrase == "trước ngày 15/02/2023"


def test_quarterly_reports_per_reporting_unit(parsed):
    reports = tasks_of(parsed, "III.2")
    assert [t.lead for t in reports] == [t.lead for t in tasks_of(parsed, "III.1")]
    for t in reports:
        assert t.schedule.kind == "recurring"
        assert list(t.schedule.due_dates) == QUARTERLY
        assert t.schedule.phrase.startswith("Định kỳ: Quý I (trước ngày 15/3)")
    (monitor,) = tasks_of(parsed, "III.3")
    assert monitor.lead == "Công an tỉnh" and monitor.schedule.kind == "continuous"


def test_duties_without_timing_are_continuous_on_reporting_dates(parsed):
    kinds = Counter(t.schedule.kind for t in parsed.tasks)
    assert set(kinds) == {"once", "recurring", "continuous"}
    for t in parsed.tasks:
        if t.schedule.kind == "continuous":
            assert list(t.schedule.due_dates) == QUARTERLY
    yearly = tasks_of(parsed, "II.8-b2.p5")
    assert yearly and all(t.schedule.due_dates == (date(2023, 12, 14),) for t in yearly)


# -- indicators ------------------------------------------------------------------------------------
def test_indicators_targets_units_and_quarter_deadline(parsed):
    by_text = {i.text: i for i in parsed.indicators}
    assert len(parsed.indicators) >= 9
    quy_i = [i for i in parsed.indicators if "quý I/2023" in i.text]
    assert len(quy_i) == 2 and all(i.due_date == date(2023, 3, 31) for i in quy_i)
    assert all(i.due_date == date(2023, 12, 31) for i in parsed.indicators if i not in quy_i)
    households = next(i for t, i in by_text.items() if t.startswith("100% hộ gia đình ký cam kết"))
    assert (households.target, households.unit) == ("100%", "%")
    kept = next(i for t, i in by_text.items() if t.startswith("Giữ vững 32 xã"))
    assert (kept.target, kept.unit) == ("32", "xã, phường, thị trấn")
    converted = next(i for t, i in by_text.items() if "chuyển hóa tối thiểu 12 xã" in t)
    assert converted.target == "12"
    assert [(i.target, i.unit) for i in parsed.indicators if "tối thiểu 0" in i.text] == [
        ("02", "bản"),
        ("01", "bản"),
    ]


# -- unresolved --------------------------------------------------------------------------------------
def test_duties_without_lead_are_unresolved_not_dropped(parsed):
    no_lead = [u for u in parsed.unresolved if u.reason == "no lead agency named"]
    starts = [" ".join(u.text.split())[:40] for u in no_lead]
    for opening in (
        "Tổ chức quán triệt, triển khai",
        "Các sở, ngành, đơn vị tiếp tục",
        "Đẩy mạnh hơn nữa công tác",
        "Kinh phí từ ngân sách nhà nước",
        "Nguồn kinh phí hợp pháp",
    ):
        assert any(s.startswith(opening) for s in starts), opening
    assert len([u for u in no_lead if u.span[0] < parsed.tasks[0].span[0]]) == 6  # the II.1.1 bullets
    ubnd = next(u for u in no_lead if u.text.startswith("UBND các cấp"))
    assert ubnd.suggestions == ("UBND các huyện, thành phố",)
    covered = [(t.span, t.ref) for t in parsed.tasks]
    for u in no_lead:  # never both a task and an unresolved duty
        assert not any(s[0] <= u.span[0] < s[1] for s, _ in covered)


def test_unregistered_co_lead_is_reported(parsed):
    (co,) = [u for u in parsed.unresolved if u.reason == "co-lead not in registry"]
    assert (
        " ".join(co.text.split()) == "các trường đại học, cao đẳng, trung học chuyên nghiệp trên địa bàn tỉnh"
    )
    assert task_with(parsed, "Sở Giáo dục và Đào tạo", "ma túy học đường").ref == "II.3-b3"


# -- another province, tables, errors -------------------------------------------------------------
OTHER_REGISTRY = {
    "province": "Điện Biên",
    "agencies": [
        {"code": "so-y-te", "name": "Sở Y tế", "kind": "department"},
        {"code": "so-khcn", "name": "Sở Khoa học và Công nghệ", "kind": "department"},
        {"code": "ca", "name": "Công an tỉnh", "kind": "police", "aliases": ["Công an"]},
        {"code": "h-muong-nhe", "name": "UBND huyện Mường Nhé", "kind": "district", "border": True},
        {"code": "h-tuan-giao", "name": "UBND huyện Tuần Giáo", "kind": "district"},
    ],
    "groups": [{"code": "huyen", "name": "UBND các huyện", "select": {"kind": "district"}}],
}
OTHER_PLAN = """ỦY BAN NHÂN DÂN
TỈNH ĐIỆN BIÊN
|
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
|
Số: 45/KH-UBND
|
Điện Biên, ngày 10
tháng 3 năm 2024
|
KẾ HOẠCH
CHUYỂN ĐỔI SỐ NĂM 2024
I. MỤC ĐÍCH, YÊU CẦU
- Nâng cao hiệu quả quản lý nhà nước.
II. NHIỆM VỤ
1. Nhiệm vụ cụ thể
- Sở Khoa học X chủ trì, phối hợp với Sở Y tế xây dựng nền tảng dữ liệu
dùng chung (xong trong quý II/2024).
- Công an tỉnh chủ trì, phối hợp với UBND các huyện rà soát dữ liệu dân cư
trong 6 tháng đầu năm.
- Ban Quản lý Khu kinh tế tổ chức số hóa hồ sơ trước ngày 30/9/2024.
III. TỔ CHỨC THỰC HIỆN
1. Các sở, ngành, đơn vị, UBND các huyện báo cáo kết quả thực hiện về Sở Khoa học và Công nghệ
trước ngày 15/12/2024 để tổng hợp, báo cáo UBND tỉnh.
Nơi nhận:
- Như trên;
"""


def test_other_province_plan_keeps_unknown_agency_as_written():
    reg = Registry.from_dict(OTHER_REGISTRY)
    plan = parse_plan(OTHER_PLAN, reg)
    assert (plan.plan.number, plan.plan.issuer, plan.plan.issued_on) == (
        "45/KH-UBND",
        "UBND tỉnh Điện Biên",
        date(2024, 3, 10),
    )
    assert plan.plan.title == "Kế hoạch chuyển đổi số năm 2024"
    first, second = tasks_of(plan, "II.1-b1"), tasks_of(plan, "II.1-b2")
    assert [(t.lead, t.supporting) for t in first] == [("Sở Khoa học X", ("Sở Y tế",))]
    assert first[0].schedule.due_dates == (date(2024, 6, 30),)
    assert [(t.lead, t.supporting) for t in second] == [
        ("Công an tỉnh", ("UBND huyện Mường Nhé", "UBND huyện Tuần Giáo"))
    ]
    assert (
        second[0].schedule.due_dates == (date(2024, 6, 30),)
        and second[0].schedule.phrase == "6 tháng đầu năm"
    )
    (third,) = tasks_of(plan, "II.1-b3")
    assert third.lead == "Ban Quản lý Khu kinh tế" and third.schedule.due_dates == (date(2024, 9, 29),)
    unknown = {u.text: u for u in plan.unresolved if u.reason == "unknown agency"}
    assert set(unknown) == {"Sở Khoa học X", "Ban Quản lý Khu kinh tế"}
    assert unknown["Sở Khoa học X"].suggestions[0] == "Sở Khoa học và Công nghệ"
    assert OTHER_PLAN[slice(*unknown["Sở Khoa học X"].span)] == "Sở Khoa học X"
    reports = tasks_of(plan, "III.1")
    assert {t.lead for t in reports} == {
        "Sở Khoa học X",
        "Sở Y tế",
        "Công an tỉnh",
        "Ban Quản lý Khu kinh tế",
        "UBND huyện Mường Nhé",
        "UBND huyện Tuần Giáo",
    }
    assert all(t.schedule.due_dates == (date(2024, 12, 14),) for t in reports)


def test_registry_name_running_on_is_an_unknown_agency(text, registry):
    plan = parse_plan(text.replace("- Sở Nội vụ: (1)", "- Sở Khoa học và Công nghệ X: (1)"), registry)
    items = [t for t in plan.tasks if t.ref.startswith("II.2.2-b5.")]
    assert [t.lead for t in items] == ["Sở Khoa học và Công nghệ X"] * 2
    assert any(
        u.reason == "unknown agency" and u.text == "Sở Khoa học và Công nghệ X" for u in plan.unresolved
    )


APPENDIX_ROWS = [
    ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"],
    ["1", "Xây dựng cơ sở dữ liệu người nghiện ma túy", "Công an tỉnh", "Sở Y tế, Sở LĐTBXH", "Quý II/2023"],
    [
        "2",
        "Tập huấn cán bộ y tế xã về xác định tình trạng nghiện",
        "Sở Y tế",
        "UBND các huyện, thành phố",
        "trước ngày 15/6/2023",
    ],
    [
        "3",
        "Tuyên truyền phòng, chống ma túy trong trường học",
        "Sở Giáo dục và Đào tạo; Trung tâm Kiểm soát bệnh tật tỉnh",
        "các đơn vị liên quan",
        "Thường xuyên",
    ],
    ["4", "Rà soát địa bàn biên giới", "UBND các huyện biên giới", "Bộ Chỉ huy BĐBP tỉnh", "31/12/2023"],
    ["5", "Hàng thiếu ô", "Sở Y tế"],
]
# As the document converter renders a table: one line per row, cells joined by " | ".
APPENDIX = "\n|\nTM. ỦY BAN NHÂN DÂN\nPHỤ LỤC: DANH MỤC NHIỆM VỤ\n" + "".join(
    "| " + " | ".join(row) + " |\n" for row in APPENDIX_ROWS
)


def test_appendix_table_rows_become_tasks(text, registry):
    plan = parse_plan(text + APPENDIX, registry)
    assert ("PL", "PHỤ LỤC: DANH MỤC NHIỆM VỤ") in [(s.ref, s.title) for s in plan.sections]
    rows = [t for t in plan.tasks if t.section == "PL"]
    one = tasks_of(plan, "PL.1")[0]
    assert (one.text, one.lead, one.supporting) == (
        "Xây dựng cơ sở dữ liệu người nghiện ma túy",
        "Công an tỉnh",
        ("Sở Y tế", "Sở Lao động - Thương binh và Xã hội"),
    )
    assert one.schedule.due_dates == (date(2023, 6, 30),)
    (two,) = tasks_of(plan, "PL.2")
    assert two.schedule.due_dates == (date(2023, 6, 14),) and len(two.supporting) == 12
    three = tasks_of(plan, "PL.3")
    assert [t.lead for t in three] == ["Sở Giáo dục và Đào tạo", "Trung tâm Kiểm soát bệnh tật tỉnh"]
    assert three[0].supporting == () and three[0].schedule.kind == "continuous"
    four = tasks_of(plan, "PL.4")
    assert {t.lead for t in four} == {a.name for a in registry.group("UBND các huyện biên giới")}
    assert all(
        t.schedule.due_dates == (date(2023, 12, 31),)
        and t.supporting == ("Bộ Chỉ huy Bộ đội Biên phòng tỉnh",)
        for t in four
    )
    assert len(rows) == 1 + 1 + 2 + len(four)
    full = text + APPENDIX
    assert all(full[t.span[0] : t.span[1]] == t.text for t in rows)
    reasons = Counter(u.reason for u in plan.unresolved if u.span[0] >= len(text))
    assert reasons == {"unknown agency": 1, "table row has a different number of cells than its header": 1}
    assert len(plan.tasks) == len(parse_plan(text, registry).tasks) + len(rows)


@pytest.mark.parametrize(
    "bad, message",
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("Lorem ipsum dolor sit amet.\n- a\n- b", "no date of issue"),
        ("Số: 12/KH-UBND\nmột văn bản không có ngày", "no date of issue"),
        ("Số: 12/KH-UBND\nHà Nội, ngày 1 tháng 2 năm 2023\nchỉ có lời văn, không có mục nào", "no sections"),
        ("Số: 12/KH-UBND\nngày 31 tháng 2 năm 2023\nI. MỤC TIÊU", "invalid date"),
    ],
)
def test_not_a_plan_raises_plan_format_error(registry, bad, message):
    with pytest.raises(PlanFormatError, match=message):
        parse_plan(bad, registry)


# -- deadline rules ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "phrase, kind, dates",
    [
        ("gửi về Công an tỉnh trước ngày 15/02/2023.", "once", [date(2023, 2, 14)]),
        ("hoàn thành trước ngày 15/3", "once", [date(2023, 3, 14)]),
        ("trước ngày 01 tháng 7 năm 2023", "once", [date(2023, 6, 30)]),
        ("(xong trong quý I/2023)", "once", [date(2023, 3, 31)]),
        ("xong trong quý III năm 2023", "once", [date(2023, 9, 30)]),
        ("chậm nhất ngày 20/10/2023", "once", [date(2023, 10, 20)]),
        ("trong 6 tháng đầu năm", "once", [date(2023, 6, 30)]),
        ("tổng kết cuối năm", "once", [date(2023, 12, 31)]),
        ("Định kỳ 06 tháng, 01 năm đánh giá", "recurring", [date(2023, 6, 14), date(2023, 12, 14)]),
        ("Định kỳ hằng quý báo cáo", "recurring", QUARTERLY),
        ("Hằng năm tổ chức ký kết", "recurring", [date(2023, 12, 14)]),
        ("thường xuyên kiểm tra", "continuous", QUARTERLY),
        ("tổ chức xét xử nghiêm minh", "continuous", QUARTERLY),
    ],
)
def test_deadline_rules(text, phrase, kind, dates):
    cal = find_calendar(text, 2023)
    sched = schedule_for(phrase, cal)
    assert (sched.kind, list(sched.due_dates)) == (kind, dates)


def test_calendar_comes_from_the_plan_text(text):
    cal = find_calendar(text, 2023)
    assert list(cal.dates()) == QUARTERLY
    assert [label for label, _ in cal.reports] == ["Quý I", "06 tháng", "Quý III", "01 năm"]
    assert (cal.half_year(), cal.annual()) == (date(2023, 6, 14), date(2023, 12, 14))
    fallback = find_calendar("không có lịch báo cáo", 2024)
    assert list(fallback.dates()) == [
        date(2024, 3, 31),
        date(2024, 6, 30),
        date(2024, 9, 30),
        date(2024, 12, 31),
    ]


def test_windows_line_endings_and_nfd_text_parse_the_same(text, registry, parsed):
    crlf = text.replace("\n", "\r\n")
    again = parse_plan(crlf, registry)
    assert [(t.ref, t.lead, t.supporting, t.schedule) for t in again.tasks] == [
        (t.ref, t.lead, t.supporting, t.schedule) for t in parsed.tasks
    ]
    assert all(crlf[t.span[0] : t.span[1]] == t.text for t in again.tasks)
    assert parse_plan(unicodedata.normalize("NFD", text), registry) == parsed  # spans refer to the NFC text
