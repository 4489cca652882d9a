"""Plan import pages: upload → preview (nothing stored) → publish; bad files refused precisely."""

import re
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from models import Agency, Checkpoint, Plan, Task
from tests.api.test_pages import TOKEN, sign_in
from tests.builders import add_user
from tests.workflows.builders_documents import NO_LEADS, NO_TASKS

SEED = Path(__file__).resolve().parents[2] / "seed_plans" / "sonla_23_kh_ubnd_2023.txt"


@pytest.fixture
def staff(engine):
    """Accounts only: the registry and the plan come from the import itself."""
    with Session(engine) as s:
        for name, role in (("secretariat", "secretariat"), ("admin", "admin"), ("leader", "leader")):
            add_user(s, name, role)
        s.commit()


def _rows(engine, model) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def _upload(client, name: str, data: bytes):
    token = TOKEN.search(client.get("/plans/import").text).group(1)
    return client.post("/plans/import", data={"csrf_token": token}, files={"file": (name, data)})


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "ke-hoach.pdf",
            b"just text, renamed",
            "Không đọc được tệp «ke-hoach.pdf»: Tệp có đuôi .pdf nhưng nội dung không phải PDF.",
        ),
        (
            "ke-hoach.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
            "Không đọc được tệp «ke-hoach.doc»: Tệp Word 97-2003 (.doc) không được hỗ trợ",
        ),
        ("ke-hoach.txt", b"K\xea\xd2 ho\xb9ch n\xe8m 2023", "Tệp văn bản không ở mã UTF-8"),
        ("ke-hoach.txt", b"", "Không đọc được tệp «ke-hoach.txt»: Tệp kế hoạch rỗng, không có nội dung."),
        ("", b"", "Vui lòng chọn tệp kế hoạch (.txt, .docx hoặc .pdf) để tải lên."),
        (
            "ghi-chu.txt",
            "Chỉ là một ghi chú, không phải kế hoạch.".encode(),
            "Không đọc được kế hoạch: Không tìm thấy ngày ban hành",
        ),
        (
            "muc-tieu.txt",
            NO_TASKS.encode(),
            "Không đọc được kế hoạch: Không tìm thấy nhiệm vụ nào: "
            "đã đọc 2 mục nhưng không mục nào có nội dung công việc",
        ),
        (
            "khong-co-quan.txt",
            NO_LEADS.encode(),
            "Không đọc được kế hoạch: Không tìm thấy nhiệm vụ nào: "
            "đã đọc 2 mục và 2 nội dung công việc nhưng không nội dung nào nêu cơ quan thực hiện",
        ),
    ],
)
def test_bad_plan_files_are_refused_and_nothing_is_stored(client, staff, engine, name, data, message):
    sign_in(client, "secretariat")
    before = (_rows(engine, Plan), _rows(engine, Agency))
    r = _upload(client, name, data)
    assert r.status_code == 422 and message in r.text, r.text[-1500:]
    assert (_rows(engine, Plan), _rows(engine, Agency)) == before


def test_upload_makes_a_draft_then_publish_tracks_it(client, staff, engine):
    sign_in(client, "secretariat")
    plans_before = _rows(engine, Plan)
    r = _upload(client, "23-KH-UBND.txt", SEED.read_bytes())
    assert r.status_code == 200 and r.url.path.startswith("/plans/drafts/"), r.text[-2000:]
    html = r.text
    assert "Xem xét: Kế hoạch 23/KH-UBND" in html and "UBND tỉnh Sơn La" in html
    assert "Chưa cơ quan nào nhận được nhiệm vụ" in html
    assert 'id="unresolved"' in html and "Đoạn chưa xác định được" in html
    assert "Methadone" in html and "«Định kỳ 06 tháng, 01 năm»" in html and "14/06/2023" in html
    assert "Lý do: không nêu cơ quan chủ trì" in html and 'id="foreign"' not in html
    tasks = int(re.search(r'<span class="big" id="n-tasks">(\d+)</span>', html).group(1))
    assert tasks > 250
    assert _rows(engine, Plan) == plans_before and _rows(engine, Checkpoint) == 0  # a draft tracks nothing
    token = TOKEN.search(html).group(1)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    publish = r.url.path + "/publish"
    r = client.post(publish, data={"csrf_token": token, "version": version}, follow_redirects=False)
    assert r.status_code == 303
    with Session(engine) as s:
        plan = s.exec(select(Plan).where(Plan.number == "23/KH-UBND")).one()
        assert s.exec(select(func.count()).select_from(Task).where(Task.plan_id == plan.id)).one() == tasks
        assert plan.source_text.rstrip() == SEED.read_bytes().decode().rstrip()
        assert s.exec(select(func.count()).select_from(Checkpoint)).one() > 1000
    assert r.headers["location"] == f"/plans/{plan.id}"
    page = client.get(r.headers["location"]).text
    assert f"Đã xuất bản kế hoạch 23/KH-UBND: {tasks} nhiệm vụ" in page and "II.1" in page
    # publishing the same draft again is refused in Vietnamese and changes nothing
    again = client.post(publish, data={"csrf_token": token, "version": version})
    assert again.status_code == 409 and "Bản nháp này đã được xuất bản" in again.text
    assert _rows(engine, Plan) == plans_before + 1


def test_only_the_secretariat_and_admins_import(client, world, engine):
    for who in ("focal_syt", "leader"):
        sign_in(client, who)
        assert client.get("/plans/import").status_code == 403
        token = TOKEN.search(client.get("/inbox" if who == "focal_syt" else "/dashboard").text).group(1)
        r = client.post(
            "/plans/import", data={"csrf_token": token}, files={"file": ("a.txt", SEED.read_bytes())}
        )
        assert r.status_code == 403
    sign_in(client, "admin")
    assert client.get("/plans/import").status_code == 200
