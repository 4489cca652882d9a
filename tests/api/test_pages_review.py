"""The review page: corrections through plain forms; bad input is refused in Vietnamese, nothing changes."""

import re
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from models import Agency, AuditEvent, Checkpoint, PlanDraft, TaskOverride
from tests.api.test_pages import TOKEN, sign_in
from tests.builders import add_user

CANTHO = Path(__file__).resolve().parents[2] / "seed_plans" / "real" / "02_cantho_kh165_2025_dan_so.txt"


@pytest.fixture
def staff(engine):
    with Session(engine) as s:
        add_user(s, "secretariat", "secretariat")
        add_user(s, "leader", "leader")
        s.commit()


def _rows(engine, model) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def _draft(client) -> tuple[str, str, str]:
    token = TOKEN.search(client.get("/plans/import").text).group(1)
    r = client.post(
        "/plans/import", data={"csrf_token": token}, files={"file": ("kh165.txt", CANTHO.read_bytes())}
    )
    assert r.url.path.startswith("/plans/drafts/"), r.text[-1500:]
    return r.url.path, token, re.search(r'name="version" value="(\d+)"', r.text).group(1)


def test_a_lead_change_shows_beside_the_task_and_is_recorded(client, staff, engine):
    sign_in(client, "secretariat")
    path, token, version = _draft(client)
    r = client.post(
        path + "/edit",
        data={
            "csrf_token": token,
            "version": version,
            "action": "lead",
            "ref": "II.2.a",
            "lead": "so noi vu",
        },
    )
    assert r.status_code == 200 and "Đã đổi cơ quan chủ trì nhiệm vụ II.2.a." in r.text
    block = r.text[r.text.index('id="t-II.2.a"') :]
    assert '<strong class="lead-name">Sở Nội vụ</strong>' in block[:6000] and "đã sửa" in block[:6000]
    assert _rows(engine, TaskOverride) == 1 and _rows(engine, Checkpoint) == 0


def test_a_start_is_set_beside_the_schedule_and_shown(client, staff, engine):
    sign_in(client, "secretariat")
    path, token, version = _draft(client)
    fields = {"action": "schedule", "ref": "II.2.a", "kind": "recurring", "dates": "30/09/2026 31/12/2026"}
    r = client.post(
        path + "/edit", data={"csrf_token": token, "version": version, **fields, "starts_on": "01/07/2026"}
    )
    assert r.status_code == 200 and "Đã cập nhật thời hạn nhiệm vụ II.2.a." in r.text
    block = r.text[r.text.index('id="t-II.2.a"') :][:8000]
    assert '<span class="starts-on">bắt đầu từ 01/07/2026</span>' in block
    assert 'name="starts_on" value="01/07/2026"' in block  # the form shows the start it would keep
    with Session(engine) as s:
        value = s.exec(select(TaskOverride.value)).one()
    assert value["starts_on"] == "2026-07-01" and value["due_dates"] == ["2026-09-30", "2026-12-31"]


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        (
            {"action": "lead", "ref": "II.2.a", "lead": "Sở Không Tồn Tại"},
            422,
            "Không có cơ quan «Sở Không Tồn Tại»",
        ),
        (
            {"action": "schedule", "ref": "II.2.a", "kind": "once", "dates": "15/03/2041"},
            422,
            "Ngày 15/03/2041 nằm ngoài thời gian thực hiện kế hoạch (2025–2030).",
        ),
        (
            {"action": "schedule", "ref": "II.2.a", "kind": "once", "dates": "32/13/2026"},
            422,
            "«32/13/2026» không phải ngày hợp lệ",
        ),
        (
            {
                "action": "schedule",
                "ref": "II.2.a",
                "kind": "recurring",
                "dates": "30/06/2026, 31/12/2026",
                "starts_on": "01/07/2026",
            },
            422,
            "Ngày hạn 30/06/2026 trước ngày bắt đầu 01/07/2026",
        ),
        (
            {"action": "lead", "ref": "II.2.a", "lead": "Sở Y tế", "version": "0"},
            409,
            "Hồ sơ đã được người khác cập nhật",
        ),
    ],
)
def test_bad_corrections_are_refused_in_vietnamese_and_nothing_changes(
    client, staff, engine, fields, status, message
):
    sign_in(client, "secretariat")
    path, token, version = _draft(client)
    before = (_rows(engine, TaskOverride), _rows(engine, AuditEvent))
    r = client.post(path + "/edit", data={"csrf_token": token, "version": version, **fields})
    assert r.status_code == status and message in r.text, r.text[:3000]
    assert (_rows(engine, TaskOverride), _rows(engine, AuditEvent)) == before
    with Session(engine) as s:
        assert s.exec(select(PlanDraft.version)).one() == int(version)


def test_a_foreign_plan_needs_the_confirmation_box(client, staff, engine):
    sign_in(client, "secretariat")
    path, token, version = _draft(client)
    r = client.post(path + "/publish", data={"csrf_token": token, "version": version})
    assert r.status_code == 409 and "không phải của tỉnh Sơn La" in r.text
    assert _rows(engine, Checkpoint) == 0
    r = client.post(path + "/publish", data={"csrf_token": token, "version": version, "confirm_foreign": "1"})
    assert r.status_code == 200 and "Đã xuất bản kế hoạch 165/KH-UBND" in r.text
    assert _rows(engine, Checkpoint) > 0


def test_only_the_secretariat_and_admins_review(client, staff, engine):
    sign_in(client, "secretariat")
    path, _, _ = _draft(client)
    client.get("/logout")
    sign_in(client, "leader")
    assert client.get(path).status_code == 403


def test_withdraw_from_the_plan_page_waives_open_checkpoints(client, staff, engine):
    sign_in(client, "secretariat")
    path, token, version = _draft(client)
    r = client.post(path + "/publish", data={"csrf_token": token, "version": version, "confirm_foreign": "1"})
    plan_url = r.url.path
    assert 'id="lifecycle"' in r.text
    r = client.post(plan_url + "/end", data={"csrf_token": token, "status": "withdrawn", "reason": " "})
    assert "Vui lòng nêu lý do." in r.text
    with Session(engine) as s:
        assert (
            s.exec(select(func.count()).select_from(Checkpoint).where(Checkpoint.state == "waived")).one()
            == 0
        )
    r = client.post(
        plan_url + "/end", data={"csrf_token": token, "status": "withdrawn", "reason": "Sai tỉnh"}
    )
    assert (
        "Đã rút kế hoạch: miễn" in r.text and "Lý do: Sai tỉnh." in r.text and 'id="lifecycle"' not in r.text
    )
    with Session(engine) as s:
        states = set(s.exec(select(Checkpoint.state)).all())
    assert states == {"waived"}


def test_the_registry_page_adds_agencies_and_aliases(client, staff, engine):
    sign_in(client, "secretariat")
    page = client.get("/registry")
    assert page.status_code == 200 and "Danh mục cơ quan — Sơn La" in page.text
    token = TOKEN.search(page.text).group(1)
    r = client.post("/registry/agencies", data={"csrf_token": token, "name": "Trung tâm Y tế huyện Mường La"})
    assert "Đã thêm «Trung tâm Y tế huyện Mường La» vào danh mục." in r.text
    r = client.post("/registry/agencies", data={"csrf_token": token, "name": "Sở Y tế"})
    assert r.status_code == 409 and "Đã có cơ quan khác mang tên «Sở Y tế»." in r.text
    with Session(engine) as s:
        ttyt = s.exec(select(Agency).where(Agency.name == "Trung tâm Y tế huyện Mường La")).one()
    r = client.post(
        f"/registry/agencies/{ttyt.id}/aliases", data={"csrf_token": token, "aliases": "TTYT Mường La; SYT"}
    )
    assert r.status_code == 409 and "Tên gọi «SYT» đã dùng cho «Sở Y tế»." in r.text
    r = client.post(
        f"/registry/agencies/{ttyt.id}/aliases", data={"csrf_token": token, "aliases": "TTYT Mường La"}
    )
    assert "Đã lưu tên gọi khác" in r.text and 'value="TTYT Mường La"' in r.text
    # the secretariat keeps the registry: it renames too (the old name stays an alias)
    r = client.post(
        f"/registry/agencies/{ttyt.id}/rename", data={"csrf_token": token, "name": "TTYT Mường La 2"}
    )
    assert "Đã đổi tên thành «TTYT Mường La 2»" in r.text
    export = client.get("/registry/export.xlsx")
    assert export.status_code == 200 and export.content[:2] == b"PK"
