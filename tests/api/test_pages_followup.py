"""Pages of indicators and follow-up: forms refuse bad input in Vietnamese and change nothing."""

import io
from datetime import date

from docx import Document
from sqlmodel import Session, select

from models import ExplanationAnswer, IndicatorValue, Reminder
from tests.api.test_pages import count, csrf, sign_in
from workflows.followup.explanations import accept_explanation, answer_explanation
from workflows.kernel.actors import Actor


def test_a_value_that_is_not_a_number_is_refused_with_what_was_typed(client, world, records, engine):
    sign_in(client, "focal_syt")
    url = f"/indicators/{records['indicator_id']}"
    before = count(engine, IndicatorValue)
    r = client.post(
        f"{url}/values",
        data={"csrf_token": csrf(client, url), "period": "2023-1", "value": "sáu xã", "note": "Ghi chú thử"},
    )
    assert r.status_code == 422
    assert "«sáu xã» không phải là số" in r.text and "Ghi chú thử" in r.text
    assert count(engine, IndicatorValue) == before
    ok = client.post(
        f"{url}/values", data={"csrf_token": csrf(client, url), "period": "2023-1", "value": "4"}
    )
    assert ok.status_code == 200 and "Đã gửi số liệu Quý I/2023" in ok.text
    assert count(engine, IndicatorValue) == before + 1


def test_the_secretariat_accepts_a_value_and_the_plan_page_shows_progress(client, world, records):
    sign_in(client, "secretariat")
    url = f"/indicators/{records['indicator_id']}"
    page = client.get(url)
    assert "Chấp nhận" in page.text
    r = client.post(f"/indicator-values/{records['value_id']}/accept", data={"csrf_token": csrf(client, url)})
    assert r.status_code == 200 and "tiến độ chỉ tiêu đã được cập nhật" in r.text
    plan = client.get(f"/plans/{records['plan_id']}").text
    assert "6 xã" in plan and "50%" in plan and "Đúng tiến độ" in plan


def test_an_answer_after_the_request_was_closed_is_refused(client, world, records, engine):
    with Session(engine) as s:
        answer_explanation(
            s,
            Actor.of(world.users["focal_syt"]),
            records["explanation_id"],
            "Lý do",
            None,
            "",
            date(2023, 7, 1),
        )
        accept_explanation(s, Actor.of(world.users["leader"]), records["explanation_id"], date(2023, 7, 1))
        s.commit()
    sign_in(client, "focal_syt")
    url = f"/explanations/{records['explanation_id']}"
    r = client.post(f"{url}/answer", data={"csrf_token": csrf(client, url), "reason": "Trả lời muộn"})
    assert r.status_code == 409 and "Yêu cầu giải trình đã kết thúc, không nhận thêm trả lời." in r.text
    assert count(engine, ExplanationAnswer) == 1


def test_a_second_reminder_the_same_day_is_refused(client, world, records, engine):
    sign_in(client, "secretariat")
    url = f"/agencies/{world.syt.id}/followup"
    page = client.get(url)
    assert page.status_code == 200 and "Gửi văn bản đôn đốc" in page.text
    data = {"checkpoint_ids": [str(world.checkpoints[0].id)], "message": "Đề nghị báo cáo"}
    first = client.post(f"/agencies/{world.syt.id}/remind", data={**data, "csrf_token": csrf(client, url)})
    assert first.status_code == 200 and "Đã gửi văn bản đôn đốc" in first.text
    again = client.post(f"/agencies/{world.syt.id}/remind", data={**data, "csrf_token": csrf(client, url)})
    assert again.status_code == 409 and "Sở Y tế đã được đôn đốc trong ngày 01/07/2023" in again.text
    assert count(engine, Reminder) == 1
    history = client.get(f"/checkpoints/{world.checkpoints[0].id}").text
    assert "Văn bản đôn đốc ngày 01/07/2023" in history and "Yêu cầu giải trình ngày 01/07/2023" in history


def test_the_leader_asks_for_an_explanation_from_the_followup_page(client, world, records, engine):
    sign_in(client, "leader")
    url = f"/agencies/{world.syt.id}/followup"
    bad = client.post(
        f"/agencies/{world.syt.id}/explain",
        data={"csrf_token": csrf(client, url), "answer_due": "30/06/2023", "message": "Giải trình"},
    )
    assert bad.status_code == 422 and "Hạn trả lời 30/06/2023 phải sau ngày hôm nay." in bad.text
    assert "Giải trình" in bad.text  # what was typed is shown again
    ok = client.post(
        f"/agencies/{world.syt.id}/explain",
        data={"csrf_token": csrf(client, url), "answer_due": "2023-07-08", "message": "Giải trình"},
    )
    assert ok.status_code == 200 and "Đã gửi yêu cầu giải trình tới cơ quan." in ok.text
    assert "08/07/2023" in ok.text


def test_a_head_opens_their_own_digest_only(client, world):
    sign_in(client, "head_syt")
    assert client.get(f"/desk/digest/{world.syt.id}").status_code == 200
    assert client.get(f"/desk/digest/{world.cat.id}").status_code == 404


def test_the_word_report_downloads_and_the_dashboard_draws_charts(client, world, records):
    sign_in(client, "leader")
    r = client.get(f"/exports/quarterly.docx?plan_id={records['plan_id']}&quarter=2023-Q2")
    assert r.status_code == 200 and r.headers["content-type"].endswith("wordprocessingml.document")
    doc = Document(io.BytesIO(r.content))
    assert "quý II năm 2023" in "\n".join(p.text for p in doc.paragraphs)
    dashboard = client.get("/dashboard").text
    assert dashboard.count("<svg") >= 2 and 'id="indicators"' in dashboard
    assert "<script" not in dashboard.split("<main", 1)[1]
    exports = client.get("/exports").text
    assert '<option value="2023-Q2" selected>' in exports  # on 01/07 the report is about quarter II
    with Session(client.app.state.engine) as s:
        assert s.exec(select(IndicatorValue)).first() is not None
