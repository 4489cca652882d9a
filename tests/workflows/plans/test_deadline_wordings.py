# ruff: noqa: E501  (plan texts of our own are kept on one line each, as a plan writes them)
"""Time as plans write it: one small test per wording (words of our own), and "+" stages under a
"Thời gian thực hiện:" label."""

from datetime import date

from workflows.agencies.registry import load_registry
from workflows.plans.parser import parse_plan
from workflows.plans.parsing.deadlines import find_calendar, schedule_for

ISSUED = date(2026, 3, 4)  # a Wednesday
CAL = find_calendar("", 2026, ISSUED)  # quarter ends: 31/3, 30/6, 30/9, 31/12


def sched(words: str):
    return schedule_for(words, CAL)


def test_from_a_day_sets_the_start_and_reports_from_then_on():
    s = sched("Tổ chức kiểm tra liên ngành từ ngày 01/7/2026.")
    assert (s.kind, s.starts_on, s.due_dates) == (
        "continuous",
        date(2026, 7, 1),
        (date(2026, 9, 30), date(2026, 12, 31)),
    )
    assert s.phrase == "từ ngày 01/7/2026"


def test_from_a_bare_date_sets_the_start():
    assert sched("Áp dụng mẫu báo cáo mới từ 15/4/2026.").starts_on == date(2026, 4, 15)


def test_starting_from_a_quarter_sets_its_first_day():
    s = sched("Triển khai thí điểm bắt đầu từ quý III/2026.")
    assert s.starts_on == date(2026, 7, 1) and s.due_dates == (date(2026, 9, 30), date(2026, 12, 31))


def test_from_one_month_to_another_starts_then_and_is_due_at_the_end():
    s = sched("Tổ chức lớp bồi dưỡng từ tháng 5/2026 đến tháng 8/2026.")
    assert (s.kind, s.starts_on, s.due_dates) == ("once", date(2026, 5, 1), (date(2026, 8, 31),))


def test_from_a_day_to_a_day_is_due_on_the_last():
    s = sched("Lấy ý kiến nhân dân từ ngày 10/4/2026 đến ngày 10/5/2026.")
    assert (s.starts_on, s.due_dates) == (date(2026, 4, 10), (date(2026, 5, 10),))


def test_a_start_before_the_plan_is_history_not_a_start():
    s = sched("Đánh giá kết quả thực hiện từ năm 2021 đến nay.")
    assert s.starts_on is None and s.kind == "continuous"


def test_a_completion_verb_with_a_bare_year_is_due_at_its_end():
    assert sched("Xây dựng cơ sở dữ liệu dùng chung, hoàn thành năm 2027.").due_dates == (date(2027, 12, 31),)


def test_within_a_year_is_due_at_its_end():
    assert sched("Ban hành quy chế phối hợp trong năm 2026.").due_dates == (date(2026, 12, 31),)


def test_a_year_naming_a_plan_is_not_a_deadline():
    assert sched("Tổ chức Tháng hành động vì môi trường năm 2026.").kind == "continuous"


def test_an_inline_time_label_reads_its_value_as_a_cell():
    s = sched("Số hóa hồ sơ lưu trữ; thời gian hoàn thành: năm 2027.")
    assert (s.kind, s.due_dates, s.phrase) == ("once", (date(2027, 12, 31),), "năm 2027")
    assert sched("Nâng cấp cổng thông tin. Tiến độ: Quý II/2026.").due_dates == (date(2026, 6, 30),)


def test_a_list_of_quarters_is_due_when_its_last_ends_in_the_year_written():
    assert sched("Khảo sát hiện trạng trong quý II, III/2027.").due_dates == (date(2027, 9, 30),)


def test_a_quarter_with_a_dash_year_and_the_old_spelling():
    assert sched("Hoàn thành Quí III-2026.").due_dates == (date(2026, 9, 30),)


def test_every_month_before_a_day_recurs_from_the_month_of_issue():
    s = sched("Báo cáo tiến độ hằng tháng trước ngày 25.")
    assert (
        s.kind == "recurring"
        and s.due_dates[0] == date(2026, 3, 24)
        and s.due_dates[-1] == date(2026, 12, 24)
    )
    assert len(s.due_dates) == 10


def test_every_month_without_a_day_is_due_at_each_months_end():
    s = sched("Định kỳ hàng tháng tổng hợp số liệu.")
    assert s.due_dates[0] == date(2026, 3, 31) and len(s.due_dates) == 10


def test_days_after_the_plans_issue():
    assert sched("Gửi danh sách đầu mối trong 7 ngày kể từ ngày ban hành Kế hoạch này.").due_dates == (
        date(2026, 3, 11),
    )


def test_working_days_after_signature_skip_the_weekend():
    assert sched("Gửi ý kiến trong 3 ngày làm việc kể từ ngày ký.").due_dates == (date(2026, 3, 9),)


def test_days_after_another_event_stay_untimed():
    assert sched("Trả lời trong 5 ngày kể từ ngày nhận được đề nghị.").kind == "continuous"


def test_every_six_months_and_yearly_still_follow_the_plans_reports():
    assert sched("Định kỳ 6 tháng, hằng năm báo cáo kết quả.").due_dates == (
        date(2026, 6, 30),
        date(2026, 12, 31),
    )


HEADER = "ỦY BAN NHÂN DÂN\nTỈNH HƯNG YÊN\nSố: 5/KH-UBND\nHưng Yên, ngày 4 tháng 3 năm 2026\nKẾ HOẠCH\nTHỬ\n"


def test_stages_under_a_time_label_time_the_duty_or_are_duties_of_their_own():
    body = (
        "I. NHIỆM VỤ\n1. Chuẩn hóa danh mục thủ tục hành chính\n- Cơ quan chủ trì: Sở Tư pháp.\n"
        "- Thời gian thực hiện:\n+ Rà soát danh mục: hoàn thành trong quý II/2026.\n+ Công bố danh mục: trước ngày 01/10/2026.\n"
        "2. Đào tạo kỹ năng số\n- Cơ quan chủ trì: Sở Nội vụ.\n- Thời gian thực hiện:\n"
        "+ Sở Nội vụ biên soạn tài liệu trước ngày 15/5/2026.\n+ Sở Tài chính bố trí kinh phí trong quý II/2026.\n"
    )
    plan = parse_plan(HEADER + body, load_registry())
    staged = next(t for t in plan.tasks if t.section == "I.1")
    assert staged.lead == "Sở Tư pháp" and staged.schedule.kind == "recurring"
    assert staged.schedule.due_dates == (date(2026, 6, 30), date(2026, 9, 30))
    own = {t.lead: t.schedule.due_dates for t in plan.tasks if t.section == "I.2" and t.rule == "subject"}
    assert own == {"Sở Nội vụ": (date(2026, 5, 14),), "Sở Tài chính": (date(2026, 6, 30),)}
