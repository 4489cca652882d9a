"""Templates render from the contexts the workflows queue; HTML is escaped and self-contained."""

import re

import pytest

from notifications.render import UnknownTemplate, excerpt, pct, ref, render, template_names, vndate

ESCALATION = {
    "checkpoint_id": 12,
    "rung": "overdue",
    "agency_name": "Sở Lao động - Thương binh và Xã hội",
    "plan_number": "23/KH-UBND",
    "task_ref": "II.4-b3",
    "task_title": "Quản lý sau cai <nghiện>",
    "task_text": "Phối hợp quản lý người sau cai nghiện ma túy tại nơi cư trú.",
    "period_label": "Quý I/2023",
    "due_date": "2023-03-14",
    "due_date_vn": "14/03/2023",
    "days_late": 8,
    "days_left": 0,
}
REVIEW = {
    "checkpoint_id": 12,
    "agency_name": "Sở Y tế",
    "task_ref": "II.3@so-y-te",
    "task_title": "Điều trị",
    "period_label": "Hạn 14/06/2023",
    "due_date": "2023-06-14",
    "original_due_date": "2023-06-14",
    "reviewer": "Nguyễn Thị Hoa",
    "reason": "Thiếu biểu số liệu",
    "round": 1,
    "submission_id": 3,
    "request_id": 4,
    "approved": False,
    "note": "Đề nghị hoàn thành đúng hạn",
    "previous_due": "2023-06-14",
    "requested_due": "2023-07-30",
}
# notices about something other than one checkpoint (an indicator, a request about several items)
OTHER_NOTICES = {"notice_indicator_returned", "explanation_notice", "reminder_notice"}
NOTICES = [n for n in template_names() if not n.endswith("_digest") and n not in OTHER_NOTICES]


def test_every_mail_template_is_complete():
    assert set(NOTICES) == {
        "escalation_reminder",
        "escalation_overdue",
        "escalation_secretariat",
        "escalation_leader",
        "notice_returned",
        "notice_accepted",
        "notice_extension",
    }


@pytest.mark.parametrize("name", NOTICES)
def test_notice_renders_vietnamese_text_and_escaped_html(name):
    mail = render(
        name, {"base_url": "https://x.example/", **(ESCALATION if name.startswith("escalation") else REVIEW)}
    )
    assert mail.subject.startswith("[Sơn La – PCMT] ") and "\n" not in mail.subject
    assert mail.text.endswith("\n") and "<" not in mail.text.replace("<nghiện>", "")
    assert "https://x.example/checkpoints/12" in mail.text
    assert 'href="https://x.example/checkpoints/12"' in mail.html
    assert "<nghiện>" not in mail.html  # autoescaped
    assert not re.search(r"<(script|img|link)\b", mail.html) and "src=" not in mail.html
    assert "II.4-b3" not in mail.subject + mail.text and "II.3@so-y-te" not in mail.subject + mail.text


def test_notice_wording_follows_the_context():
    overdue = render("escalation_overdue", ESCALATION)
    assert overdue.subject == (
        "[Sơn La – PCMT] Quá hạn 8 ngày: Sở Lao động - Thương binh và Xã hội – II.4 Quản lý sau cai <nghiện>"
    )
    refused = render("notice_extension", REVIEW)
    assert refused.subject == "[Sơn La – PCMT] Không chấp thuận gia hạn: Sở Y tế – II.3"
    assert "Hạn báo cáo (giữ nguyên): 14/06/2023" in refused.text and "Kỳ báo cáo" not in refused.text
    approved = render("notice_extension", {**REVIEW, "approved": True})
    assert "Hạn mới: 30/07/2023" in approved.text and "Hạn trước khi gia hạn: 14/06/2023" in approved.text
    reminder = render("escalation_reminder", {**ESCALATION, "days_late": 0, "days_left": 7})
    assert "đến hạn báo cáo ngày 14/03/2023 (còn 7 ngày)" in reminder.text


def test_unknown_template_and_missing_context_are_errors():
    with pytest.raises(UnknownTemplate, match="khong_co"):
        render("khong_co", {})
    with pytest.raises(Exception, match="agency_name"):
        render("notice_returned", {"checkpoint_id": 1})


def test_filters():
    assert vndate("2023-02-14") == "14/02/2023" and vndate(None) == ""
    assert pct(87.5) == "87,5%" and pct(100.0) == "100%" and pct(None) == "—"
    assert excerpt("một hai ba bốn năm", 9) == "một hai …"
    assert ref("II.1.2-b3") == "II.1.2" and ref("III.2@so-y-te") == "III.2" and ref("II.4.2") == "II.4.2"


def test_an_indicator_return_names_the_period_reason_and_link():
    mail = render(
        "notice_indicator_returned",
        {
            "base_url": "https://x.example",
            "indicator_id": 5,
            "indicator_text": "100% xã có <điểm> tư vấn",
            "agency_name": "Sở Y tế",
            "period_label": "Quý II/2023",
            "reason": "Thiếu danh sách xã",
            "reviewer": "Phạm Thu Trang",
        },
    )
    assert mail.subject == "[Sơn La – PCMT] Số liệu chỉ tiêu bị trả lại: Sở Y tế (Quý II/2023)"
    assert "Lý do trả lại: Thiếu danh sách xã" in mail.text and "https://x.example/indicators/5" in mail.text
    assert "&lt;điểm&gt;" in mail.html and 'href="https://x.example/indicators/5"' in mail.html
