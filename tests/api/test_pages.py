"""HTML pages through TestClient: roles, Vietnamese content, CSRF, stale forms, uploads, exports."""

import io
import re
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import event
from sqlmodel import Session, func, select
from starlette.requests import Request
from starlette.responses import Response

from api.security import SESSION_COOKIE, start_session
from models import Checkpoint, Evidence, Submission, TaskSupport, User
from tests.api.conftest import TODAY
from tests.builders import PASSWORD, add_task
from workflows.checkpoints import review, submissions
from workflows.checkpoints.evidence import EvidenceStore
from workflows.kernel.actors import Actor

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
STALE = "Hồ sơ đã được người khác cập nhật, vui lòng tải lại trang"
TOKEN = re.compile(r'name="csrf_token" value="([^"]*)"')


@dataclass
class Ids:
    q1: int  # accepted on time
    six_months: int  # overdue since 14/06
    q3: int
    soon: int  # another task, due 10/07
    task_text: str


@pytest.fixture
def ids(world, engine, settings) -> Ids:
    """The API world plus: Công an tỉnh supports the task, Q1 done, one item due within 14 days."""
    store = EvidenceStore.from_settings(settings)
    with Session(engine, expire_on_commit=False) as s:
        s.add(TaskSupport(task_id=world.task.id, agency_id=world.cat.id))
        soon = add_task(
            s,
            world.syt,
            [date(2023, 7, 10)],
            text="Tổ chức tập huấn xác định tình trạng nghiện cho cán bộ y tế cấp xã, phường, thị trấn.",
        )
        q1 = world.checkpoints[0]
        sub = submissions.submit_report(
            s,
            Actor.of(world.users["focal_syt"]),
            q1.id,
            "Báo cáo quý I",
            [("quy1.pdf", PDF)],
            [],
            date(2023, 3, 10),
            store,
        )
        review.accept_submission(s, Actor.of(world.users["secretariat"]), sub.id, date(2023, 3, 15))
        soon_cp = s.exec(select(Checkpoint).where(Checkpoint.task_id == soon.id)).one()
        s.commit()
    return Ids(q1.id, world.checkpoints[1].id, world.checkpoints[2].id, soon_cp.id, world.task.text)


def sign_in(client, username: str) -> None:
    """The session cookie the sign-in form would set (skips argon2, which costs ~0.4 s a login here)."""
    with Session(client.app.state.engine) as s:
        user = s.exec(select(User).where(User.username == username)).one()
    request = Request(
        {
            "type": "http",
            "app": client.app,
            "scheme": "http",
            "path": "/",
            "headers": [],
            "query_string": b"",
            "server": ("testserver", 80),
        }
    )
    response = Response()
    with Session(client.app.state.engine) as s:
        start_session(request, response, s, s.merge(user))
        s.commit()
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, response.headers["set-cookie"].split(";")[0].split("=", 1)[1])


def login(client, username: str, password: str = PASSWORD):
    """Sign in through the form, as a person would."""
    client.cookies.clear()
    page = client.get("/login")
    token = TOKEN.search(page.text).group(1)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def csrf(client, path: str) -> str:
    return TOKEN.search(client.get(path).text).group(1)


def count(engine, model) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_login_page_is_vietnamese_and_each_role_lands_on_its_page(client, world):
    page = client.get("/login")
    assert page.status_code == 200 and '<html lang="vi">' in page.text and "Đăng nhập" in page.text
    assert page.headers["content-type"].startswith("text/html; charset=utf-8")
    landing = {
        "focal_syt": "/inbox",
        "head_syt": "/inbox",
        "secretariat": "/desk",
        "admin": "/desk",
        "leader": "/dashboard",
    }
    for username, target in landing.items():
        r = login(client, username)
        assert r.status_code == 303 and r.headers["location"] == target, username
        assert client.get("/", follow_redirects=False).headers["location"] == target
    client.cookies.clear()
    r = client.get("/inbox", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Finbox"


def test_login_refuses_bad_password_and_missing_csrf(client, world):
    r = login(client, "focal_syt", "sai-mat-khau")
    assert r.status_code == 400 and "Sai tên đăng nhập hoặc mật khẩu." in r.text  # the API's wording too
    client.cookies.clear()
    r = client.post("/login", data={"username": "focal_syt", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403 and "Biểu mẫu đăng nhập đã hết hạn" in r.text
    assert "plantrack_session" not in r.cookies
    # a "next" pointing off-site is ignored
    client.cookies.clear()
    token = TOKEN.search(client.get("/login").text).group(1)
    r = client.post(
        "/login",
        data={
            "username": "focal_syt",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "https://evil.example/",
        },
        follow_redirects=False,
    )
    assert r.headers["location"] == "/inbox"


def test_inbox_lists_overdue_first_with_the_plan_words(client, world, ids):
    login(client, "focal_syt")
    page = client.get("/inbox")
    assert page.status_code == 200
    html = page.text
    assert "Việc cần làm của Sở Y tế" in html and "Xin chào focal_syt." in html  # the login flash
    overdue = html.index('id="overdue"')
    soon = html.index('id="due-soon"')
    assert overdue < html.index(f'data-checkpoint-id="{ids.six_months}"') < soon
    assert "quá hạn 17 ngày" in html and "14/06/2023" in html
    assert overdue < soon < html.index(f'data-checkpoint-id="{ids.soon}"') < html.index('id="later"')
    assert "còn 9 ngày" in html and "10/07/2023" in html
    assert f'data-checkpoint-id="{ids.q1}"' not in html  # done: not owed any more
    assert ids.task_text[:30] in html
    # the supporting agency sees the task apart, under "phối hợp"
    sign_in(client, "focal_cat")
    html = client.get("/inbox").text
    assert "Nhiệm vụ đơn vị phối hợp thực hiện" in html
    assert html.index('id="supported"') < html.index(f'data-checkpoint-id="{ids.six_months}"')


def test_inbox_shows_supported_work_needing_attention_and_links_the_full_list(client, world, ids, engine):
    with Session(engine) as s:  # Công an tỉnh supports a second task of Sở Y tế, due in months
        later = add_task(s, world.syt, [date(2023, 11, 30)], text="Tổng kết năm.")
        s.add(TaskSupport(task_id=later.id, agency_id=world.cat.id))
        s.commit()
        later_cp = s.exec(select(Checkpoint).where(Checkpoint.task_id == later.id)).one().id
    sign_in(client, "focal_cat")
    html = client.get("/inbox").text
    supported = html[html.index('id="supported"') :]
    assert 'Nhiệm vụ đơn vị phối hợp thực hiện <span class="n">(2)</span>' in supported
    assert "1 mốc quá hạn hoặc đến hạn trong 14 ngày" in supported
    assert f'data-checkpoint-id="{ids.six_months}"' in supported  # overdue since 14/06
    assert f'data-checkpoint-id="{later_cp}"' not in supported  # not yet: in the full list only
    assert 'href="/inbox/supported">Xem tất cả 2 nhiệm vụ phối hợp' in supported
    page = client.get("/inbox/supported")
    assert page.status_code == 200 and "Nhiệm vụ Công an tỉnh phối hợp thực hiện" in page.text
    listed = page.text
    assert listed.index(f'data-checkpoint-id="{ids.six_months}"') < listed.index(
        f'data-checkpoint-id="{later_cp}"'
    )
    assert "1–2 trong 2 nhiệm vụ" in listed and 'rel="next"' not in listed


def test_the_full_supported_list_pages_and_stays_within_the_agency(client, world, ids, engine):
    with Session(engine) as s:
        for n in range(55):  # one more page than SUPPORTED_PAGE (50)
            task = add_task(s, world.syt, [date(2023, 8, 1)], text=f"Nhiệm vụ phối hợp số {n}.")
            s.add(TaskSupport(task_id=task.id, agency_id=world.cat.id))
        s.commit()
    sign_in(client, "focal_cat")
    first = client.get("/inbox/supported").text
    assert "1–50 trong 56 nhiệm vụ" in first and first.count('class="item ') == 50
    assert 'rel="next" href="/inbox/supported?offset=50"' in first
    second = client.get("/inbox/supported?offset=50").text
    assert "51–56 trong 56 nhiệm vụ" in second and second.count('class="item ') == 6
    assert 'rel="prev" href="/inbox/supported?offset=0"' in second
    # another agency's list answers like a missing one; the secretariat names the agency
    assert client.get(f"/inbox/supported?agency_id={world.syt.id}").status_code == 404
    sign_in(client, "secretariat")
    assert client.get("/inbox/supported", follow_redirects=False).status_code == 303
    html = client.get(f"/inbox/supported?agency_id={world.cat.id}").text
    assert "1–50 trong 56 nhiệm vụ" in html and f'href="/inbox?agency_id={world.cat.id}"' in html


def test_checkpoint_page_by_role(client, world, ids):
    sign_in(client, "focal_syt")
    html = client.get(f"/checkpoints/{ids.six_months}").text
    assert ids.task_text in html and "Cơ quan chủ trì" in html and "Công an tỉnh" in html  # supporter
    assert f'action="/checkpoints/{ids.six_months}/submit"' in html
    assert 'name="expected_version" value="1"' in html and 'name="csrf_token" value="' in html
    assert "Quá hạn" in html and "Đề nghị gia hạn" in html
    sign_in(client, "head_syt")
    html = client.get(f"/checkpoints/{ids.six_months}").text
    assert "/submit" not in html and ids.task_text in html
    sign_in(client, "focal_cat")  # supporting agency: contribution form, no report form
    html = client.get(f"/checkpoints/{ids.six_months}").text
    assert "/contribute" in html and "/submit" not in html
    sign_in(client, "secretariat")
    html = client.get(f"/checkpoints/{ids.q1}").text
    assert "Hoàn thành đúng hạn" in html and "quy1.pdf" in html and "Chấp nhận ngày 15/03/2023" in html


def test_other_agency_gets_a_vietnamese_404(client, world, ids, engine):
    with Session(engine) as s:
        from tests.builders import add_agency, add_user

        stp = add_agency(s, "Sở Tư pháp", code="stp")
        add_user(s, "focal_stp", "focal", stp)
        s.commit()
    sign_in(client, "focal_stp")
    r = client.get(f"/checkpoints/{ids.six_months}")
    assert r.status_code == 404 and "Không tìm thấy" in r.text and '<html lang="vi">' in r.text
    q1_pdf = client.get(f"/checkpoints/{ids.q1}")
    assert q1_pdf.status_code == 404
    assert client.get("/khong-co-trang-nay").status_code == 404


def test_submit_report_with_files_and_links_then_download(client, world, ids, engine):
    sign_in(client, "focal_syt")
    token = csrf(client, f"/checkpoints/{ids.six_months}")
    r = client.post(
        f"/checkpoints/{ids.six_months}/submit",
        data={
            "csrf_token": token,
            "expected_version": "1",
            "note": "Đánh giá 6 tháng chương trình",
            "links": "https://soyte.sonla.gov.vn/bao-cao\n\n",
        },
        files=[
            ("files", ("đánh giá 6 tháng.pdf", PDF, "application/pdf")),
            ("files", ("phu-luc.pdf", PDF + b"%2", "application/pdf")),
        ],
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/checkpoints/{ids.six_months}"
    html = client.get(r.headers["location"]).text
    assert "Đã gửi báo cáo (3 minh chứng)" in html and "Chờ thẩm định" in html
    assert "đánh giá 6 tháng.pdf" in html and "https://soyte.sonla.gov.vn/bao-cao" in html
    assert "/submit" not in html  # submitted: no second report while under review
    with Session(engine) as s:
        ev = s.exec(select(Evidence).where(Evidence.filename == "đánh giá 6 tháng.pdf")).one()
    got = client.get(f"/evidence/{ev.id}")
    assert got.status_code == 200 and got.content == PDF and got.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''%C4%91%C3%A1nh" in got.headers["content-disposition"]
    sign_in(client, "secretariat")
    assert client.get(f"/evidence/{ev.id}").content == PDF
    sign_in(client, "leader")
    assert client.get(f"/evidence/{ev.id}").status_code == 200
    from tests.builders import add_agency, add_user

    with Session(engine) as s:
        add_user(s, "focal_other", "focal", add_agency(s, "Sở Tư pháp", code="stp"))
        s.commit()
    sign_in(client, "focal_other")
    assert client.get(f"/evidence/{ev.id}").status_code == 404


def test_forms_need_the_csrf_token(client, world, ids, engine):
    sign_in(client, "focal_syt")
    before = count(engine, Submission)
    r = client.post(f"/checkpoints/{ids.six_months}/submit", data={"note": "không có mã"})
    assert r.status_code == 403 and "mã bảo mật" in r.text
    r = client.post(f"/checkpoints/{ids.six_months}/submit", data={"note": "mã sai", "csrf_token": "x" * 64})
    assert r.status_code == 403 and "không khớp" in r.text
    assert count(engine, Submission) == before
    sign_in(client, "secretariat")
    with Session(engine) as s:
        sub = s.exec(select(Submission)).first()
    assert client.post(f"/submissions/{sub.id}/return", data={"reason": "x"}).status_code == 403
    assert client.post("/logout", follow_redirects=False).status_code == 403


def test_stale_form_keeps_what_was_typed(client, world, ids, engine, settings):
    sign_in(client, "focal_syt")
    html = client.get(f"/checkpoints/{ids.six_months}").text
    token = TOKEN.search(html).group(1)
    version = re.search(r'name="expected_version" value="(\d+)"', html).group(1)
    # meanwhile a colleague submits from another browser; the secretariat returns it
    store = EvidenceStore.from_settings(settings)
    with Session(engine) as s:
        sub = submissions.submit_report(
            s,
            Actor.of(world.users["focal_syt"]),
            ids.six_months,
            "bản của đồng nghiệp",
            [],
            ["https://example.vn/a"],
            date(2023, 7, 1),
            store,
        )
        review.return_submission(
            s, Actor.of(world.users["secretariat"]), sub.id, "Thiếu số liệu", date(2023, 7, 1)
        )
        s.commit()
    before = count(engine, Submission)
    note = "Nội dung rất dài mà tôi đã gõ cả buổi sáng"
    r = client.post(
        f"/checkpoints/{ids.six_months}/submit",
        data={
            "csrf_token": token,
            "expected_version": version,
            "note": note,
            "links": "https://example.vn/b",
        },
        files=[("files", ("bao-cao.pdf", PDF, "application/pdf"))],
    )
    assert r.status_code == 409
    assert STALE in r.text and note in r.text and "https://example.vn/b" in r.text
    assert "Vui lòng chọn lại tệp đính kèm" in r.text
    assert count(engine, Submission) == before
    # the re-shown form carries the current version: sending it again works
    version = re.search(r'name="expected_version" value="(\d+)"', r.text).group(1)
    r = client.post(
        f"/checkpoints/{ids.six_months}/submit",
        data={"csrf_token": token, "expected_version": version, "note": note},
        follow_redirects=False,
    )
    assert r.status_code == 303 and count(engine, Submission) == before + 1


@pytest.mark.parametrize(
    ("files", "links", "note", "message"),
    [
        (
            [("files", ("setup.pdf", b"MZ\x90\x00program", "application/pdf"))],
            "",
            "x",
            "Tệp «setup.pdf» là chương trình máy tính, không phải văn bản.",
        ),
        (
            [("files", ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "application/msword"))],
            "",
            "x",
            "Tệp «cu.doc» là tệp Word/Excel cũ (.doc/.xls); vui lòng lưu lại dưới dạng DOCX, XLSX hoặc PDF.",
        ),
        ([("files", ("rong.pdf", b"", "application/pdf"))], "", "x", "Tệp «rong.pdf» rỗng (0 byte)."),
        (
            [],
            "ftp://files.example/a",
            "x",
            "Chỉ chấp nhận đường dẫn http:// hoặc https://, không nhận «ftp://files.example/a».",
        ),
        ([], "", "   ", "Vui lòng nhập nội dung báo cáo hoặc đính kèm ít nhất một tệp hay một đường dẫn."),
    ],
)
def test_bad_uploads_get_precise_vietnamese_messages(
    client, world, ids, engine, settings, files, links, note, message
):
    sign_in(client, "focal_syt")
    token = csrf(client, f"/checkpoints/{ids.six_months}")
    r = client.post(
        f"/checkpoints/{ids.six_months}/submit",
        data={"csrf_token": token, "expected_version": "1", "note": note, "links": links},
        files=files or None,
    )
    assert r.status_code == 422 and message in r.text
    assert count(engine, Submission) == 1  # only the fixture's Q1 report
    with Session(engine) as s:
        assert s.get(Checkpoint, ids.six_months).version == 1
    stored = [p for p in settings.evidence_dir.rglob("*") if p.is_file()]
    assert len(stored) == 1  # the Q1 PDF only


def _submit(client, checkpoint_id: int, note: str = "Báo cáo"):
    token = csrf(client, f"/checkpoints/{checkpoint_id}")
    return client.post(
        f"/checkpoints/{checkpoint_id}/submit",
        data={"csrf_token": token, "expected_version": "1", "note": note},
        files=[("files", ("bc.pdf", PDF, "application/pdf"))],
        follow_redirects=False,
    )


def test_secretariat_reviews_from_the_desk(client, world, ids, engine):
    sign_in(client, "focal_syt")
    assert _submit(client, ids.six_months).status_code == 303
    sign_in(client, "secretariat")
    desk = client.get("/desk").text
    queue = desk[desk.index('id="review-queue"') : desk.index('id="overdue"')]
    assert f'data-checkpoint-id="{ids.six_months}"' in queue and "Sở Y tế" in queue
    page = client.get(f"/checkpoints/{ids.six_months}").text
    token = TOKEN.search(page).group(1)
    sub_id = int(re.search(r'action="/submissions/(\d+)/return"', page).group(1))
    r = client.post(
        f"/submissions/{sub_id}/return", data={"csrf_token": token, "reason": "  ", "expected_version": "2"}
    )
    assert r.status_code == 422 and "Vui lòng nêu lý do trả lại" in r.text
    r = client.post(
        f"/submissions/{sub_id}/return",
        data={"csrf_token": token, "expected_version": "2", "reason": "Thiếu số liệu theo huyện"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    html = client.get(r.headers["location"]).text
    assert "Đã trả lại báo cáo" in html and "Thiếu số liệu theo huyện" in html
    # a second decision on the same round is refused precisely, nothing changes
    r = client.post(f"/submissions/{sub_id}/accept", data={"csrf_token": token, "expected_version": "3"})
    assert r.status_code == 409 and "Báo cáo này đã bị trả lại; chỉ báo cáo đang chờ thẩm định" in r.text
    sign_in(client, "focal_syt")
    assert _submit(client, ids.six_months, "Bổ sung số liệu").status_code == 409  # stale version 1
    token = csrf(client, f"/checkpoints/{ids.six_months}")
    r = client.post(
        f"/checkpoints/{ids.six_months}/submit",
        data={"csrf_token": token, "expected_version": "3", "note": "Bổ sung số liệu"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    sign_in(client, "secretariat")
    page = client.get(f"/checkpoints/{ids.six_months}").text
    sub_id = int(re.search(r'action="/submissions/(\d+)/accept"', page).group(1))
    r = client.post(
        f"/submissions/{sub_id}/accept",
        data={"csrf_token": TOKEN.search(page).group(1), "expected_version": "4", "next": "/desk"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/desk"
    assert "Hoàn thành quá hạn" in client.get(f"/checkpoints/{ids.six_months}").text


def test_extension_request_and_decision(client, world, ids, engine):
    sign_in(client, "focal_syt")
    token = csrf(client, f"/checkpoints/{ids.q3}")
    r = client.post(
        f"/checkpoints/{ids.q3}/extension",
        data={"csrf_token": token, "requested_due": "31/13/2023", "reason": "Chờ số liệu"},
    )
    assert (
        r.status_code == 422 and "«31/13/2023» không phải ngày hợp lệ" in r.text and "Chờ số liệu" in r.text
    )
    r = client.post(
        f"/checkpoints/{ids.q3}/extension",
        data={"csrf_token": token, "requested_due": "2023-09-01", "reason": "Chờ số liệu"},
    )
    assert r.status_code == 422 and "Hạn mới 01/09/2023 phải sau hạn hiện tại (14/09/2023)." in r.text
    r = client.post(
        f"/checkpoints/{ids.q3}/extension",
        data={"csrf_token": token, "requested_due": "30/09/2023", "reason": "Chờ số liệu"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    sign_in(client, "secretariat")
    desk = client.get("/desk").text
    assert "Đề nghị gia hạn chờ quyết định" in desk and "30/09/2023" in desk
    ext_id = int(re.search(r'action="/extensions/(\d+)/decide"', desk).group(1))
    r = client.post(
        f"/extensions/{ext_id}/decide",
        data={"csrf_token": TOKEN.search(desk).group(1), "decision": "approve", "next": "/desk#extensions"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/desk#extensions"
    with Session(engine) as s:
        cp = s.get(Checkpoint, ids.q3)
        assert cp.due_date == date(2023, 9, 30) and cp.original_due_date == date(2023, 9, 14)
    html = client.get(f"/checkpoints/{ids.q3}").text
    assert "hạn gốc 14/09/2023, đã gia hạn" in html and "Đã đồng ý" in html


def test_desk_and_dashboard_by_role(client, world, ids):
    sign_in(client, "secretariat")
    html = client.get("/desk").text
    assert "Bàn làm việc của Thường trực" in html and 'id="matrix"' in html
    row = re.search(rf'<tr data-agency-id="{world.syt.id}">(.*?)</tr>', html, re.S).group(1)
    assert f"/agencies/{world.syt.id}" in row and "1/2" in row and "50%" in row and "cell-fair" in row
    assert "1–7 ngày" in html and "8–30 ngày" in html
    assert "Thường trực Ban Chỉ đạo" in html  # role in the header
    sign_in(client, "leader")
    assert client.get("/desk").status_code == 403
    dash = client.get("/dashboard")
    assert dash.status_code == 200 and "Xếp hạng cơ quan" in dash.text and 'id="matrix"' in dash.text
    sign_in(client, "focal_syt")
    r = client.get("/desk")
    assert r.status_code == 403 and "Không có quyền truy cập" in r.text
    assert client.get("/dashboard").status_code == 403


def test_agency_plan_and_digest_pages(client, world, ids):
    sign_in(client, "focal_syt")
    html = client.get(f"/agencies/{world.syt.id}").text
    assert "Sở Y tế" in html and "Tình hình thực hiện" in html and "1/2 mốc đến hạn" in html
    assert client.get(f"/agencies/{world.cat.id}").status_code == 404
    plan = client.get(f"/plans/{world.task.plan_id}").text
    assert "Kế hoạch 1/KH-TEST" in plan and "II.1" in plan and "badge-sm" in plan  # its own task's counts
    assert 'class="progress"' not in plan and 'id="figures-own"' in plan  # mixed figures: the desk's
    sign_in(client, "secretariat")
    plan = client.get(f"/plans/{world.task.plan_id}").text
    assert 'class="progress"' in plan and 'id="figures-own"' not in plan
    digest = client.get(f"/desk/digest/{world.syt.id}")
    assert digest.status_code == 200 and "Xem trước thư tổng hợp gửi thủ trưởng Sở Y tế" in digest.text
    assert "head@syt.test" in digest.text and 'class="mail-preview"' in digest.text
    assert "srcdoc=" in digest.text
    sign_in(client, "focal_syt")
    assert client.get(f"/desk/digest/{world.syt.id}").status_code == 403


def test_quarterly_xlsx_and_csv(client, world, ids):
    sign_in(client, "secretariat")
    plan_id = world.task.plan_id
    r = client.get(f"/exports/quarterly.xlsx?plan_id={plan_id}&quarter=2023-Q1")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws["A1"].value == "UBND TỈNH THỬ"  # the chosen plan's issuer
    assert ws["A4"].value == "BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ QUÝ I/2023"
    header = [c.value for c in ws[8]]
    assert (
        header[:5] == ["STT", "Cơ quan chủ trì", "Cơ quan phối hợp", "Mục", "Nhiệm vụ"] and ws["A8"].font.bold
    )
    assert ws.freeze_panes == "A9" and ws.page_setup.orientation == "landscape"
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=9, max_row=9)]
    assert ws["H10"].value == 1  # the totals row counts the one row
    assert rows[0][1] == "Sở Y tế" and rows[0][7] == "Hoàn thành đúng hạn" and rows[0][12] == 1
    assert rows[0][6] == datetime(2023, 3, 14) and ws.cell(9, 7).number_format == "DD/MM/YYYY"
    assert rows[0][9] == datetime(2023, 3, 10) and rows[0][10] == datetime(2023, 3, 15)
    q3 = load_workbook(
        io.BytesIO(client.get(f"/exports/quarterly.xlsx?plan_id={plan_id}&quarter=3").content)
    ).active
    assert [c.value for c in q3[9]][7] == "Đang thực hiện trong hạn"
    csv = client.get(f"/exports/quarterly.csv?plan_id={plan_id}&quarter=Q2/2023")
    assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("STT,Cơ quan chủ trì") and len(lines) == 2  # the 14/06 checkpoint only
    assert "14/06/2023" in lines[1] and "Quá hạn" in lines[1]
    bad = client.get(f"/exports/quarterly.csv?plan_id={plan_id}&quarter=Q5")
    assert bad.status_code == 422 and "Quý «Q5» không hợp lệ" in bad.text
    sign_in(client, "leader")
    assert client.get(f"/exports/quarterly.csv?plan_id={plan_id}&quarter=2").status_code == 200
    sign_in(client, "focal_syt")
    assert client.get(f"/exports/quarterly.csv?plan_id={plan_id}&quarter=2").status_code == 403


def test_oversized_evidence_is_refused_in_vietnamese(world, ids, engine, settings):
    from fastapi.testclient import TestClient

    from api.app import create_app

    small = settings.model_copy(update={"max_upload_mb": 1})
    with TestClient(create_app(small, engine, today=date(2023, 7, 1))) as client:
        sign_in(client, "focal_syt")
        token = csrf(client, f"/checkpoints/{ids.six_months}")
        big = PDF + b"0" * (1024 * 1024 + 512 * 1024)
        r = client.post(
            f"/checkpoints/{ids.six_months}/submit",
            data={"csrf_token": token, "expected_version": "1", "note": "Báo cáo kèm tệp lớn"},
            files=[("files", ("bao-cao-lon.pdf", big, "application/pdf"))],
        )
    assert r.status_code == 422
    assert "Tệp «bao-cao-lon.pdf» có dung lượng 1.5 MB, vượt giới hạn 1 MB." in r.text
    assert "Báo cáo kèm tệp lớn" in r.text and 'data-max-bytes="1048576"' in r.text
    assert count(engine, Submission) == 1


def test_ids_beyond_the_integer_range_are_not_found(client, world, ids):
    sign_in(client, "secretariat")
    for path in (
        "/checkpoints/99999999999",
        "/agencies/99999999999",
        "/plans/99999999999",
        "/evidence/99999999999",
        "/desk?plan_id=99999999999",
        "/desk/digest/99999999999",
    ):
        r = client.get(path)
        assert r.status_code == 404 and "Không tìm thấy" in r.text, path
    assert client.get("/checkpoints/0").status_code == 404


def test_pages_without_any_plan(client, engine):
    with Session(engine) as s:
        from tests.builders import add_user

        add_user(s, "secretariat", "secretariat")
        add_user(s, "leader", "leader")
        s.commit()
    sign_in(client, "secretariat")
    for path in ("/desk", "/plans", "/exports", "/plans/import"):
        r = client.get(path)
        assert r.status_code == 200, path
    assert "Chưa có kế hoạch nào" in client.get("/desk").text
    sign_in(client, "leader")
    assert "Chưa có kế hoạch nào" in client.get("/dashboard").text


def test_the_desk_is_read_once_for_all_who_ask_within_seconds_and_again_after_a_write(
    client, world, ids, engine
):
    snapshots = client.app.state.snapshots
    now = [1000.0]
    snapshots.clock = lambda: now[0]  # the cache's clock, moved by hand: no sleeping
    sign_in(client, "secretariat")

    def review_total() -> int:
        html = client.get("/desk").text
        return int(re.search(r'id="review-queue">\s*<h2>[^(]*\((\d+)\)', html).group(1))

    statements = []
    listen = lambda *a: statements.append(a[2])  # noqa: E731
    first = review_total()
    event.listen(engine, "before_cursor_execute", listen)
    try:
        assert review_total() == first  # kept: the desk's own queries did not run again
        kept = len(statements)
        # another process (the CLI, another worker) submits: this one shows it within view_cache_s
        with Session(engine, expire_on_commit=False) as s:
            submissions.submit_report(
                s,
                Actor.of(world.users["focal_syt"]),
                ids.six_months,
                "Báo cáo",
                [],
                [],
                TODAY,
                EvidenceStore.from_settings(client.app.state.settings),
            )
            s.commit()
        now[0] += snapshots.ttl - 1
        assert review_total() == first
        now[0] += 2
        assert review_total() == first + 1  # the snapshot aged out: read again
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert kept < 12 and not any("escalation" in st for st in statements[:kept])
    # a write through this process drops the snapshot at once: the return shows on the next desk
    page = client.get(f"/checkpoints/{ids.six_months}").text
    sub_id = int(re.search(r'action="/submissions/(\d+)/return"', page).group(1))
    r = client.post(
        f"/submissions/{sub_id}/return",
        data={"csrf_token": TOKEN.search(page).group(1), "expected_version": "2", "reason": "Thiếu số liệu"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert review_total() == first
    assert "Số liệu lúc" in client.get("/desk").text
