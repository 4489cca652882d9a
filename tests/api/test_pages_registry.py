"""The /registry page: its filter ignores diacritics and case; the secretariat and the admin rename, merge."""

import pytest
from sqlmodel import Session, select

from models import Agency, AuditEvent, RegistryAuthority
from tests.api.test_pages import TOKEN, sign_in
from tests.builders import add_agency


def listed(client, q: str) -> set[str]:
    """The agency names the registry page lists for the filter `q`."""
    page = client.get("/registry", params={"q": q})
    assert page.status_code == 200
    with Session(client.app.state.engine) as s:
        names = s.exec(select(Agency.name)).all()
    return {n for n in names if f">{n}</a>" in page.text}


def test_the_filter_ignores_diacritics_and_case_and_reads_aliases(client, world, engine):
    with Session(engine) as s:
        add_agency(s, "UBND huyện Điện Biên Đông", code="dbd", kind="district", aliases=["Huyện ĐBĐ"])
        s.commit()
    sign_in(client, "secretariat")
    assert listed(client, "so y te") == {"Sở Y tế"}
    assert listed(client, "SỞ Y TẾ") == {"Sở Y tế"}
    assert listed(client, "dien bien") == {"UBND huyện Điện Biên Đông"}
    assert listed(client, "ĐIỆN BIÊN ĐÔNG") == {"UBND huyện Điện Biên Đông"}
    assert listed(client, "huyen dbd") == {"UBND huyện Điện Biên Đông"}  # an alias
    assert listed(client, "cat") == {"Công an tỉnh"}  # its code
    assert listed(client, "y  te,") == {"Sở Y tế"}  # spaces and punctuation as typed
    assert listed(client, "tu phap") == set()


def test_a_leader_is_offered_no_rename_or_merge_and_is_refused_with_nothing_written(client, world, engine):
    sign_in(client, "leader")
    page = client.get("/registry")
    assert page.status_code == 403  # the registry is the secretariat's
    token = TOKEN.search(client.get("/dashboard").text).group(1)  # the leader's own form token
    syt = world.syt.id
    r = client.post(f"/registry/agencies/{syt}/rename", data={"csrf_token": token, "name": "Sở Y tế mới"})
    assert r.status_code == 403 and "quyền" in r.text
    with Session(engine) as s:
        agency = s.get(Agency, syt)
        assert (agency.name, agency.active, agency.successor_id) == ("Sở Y tế", True, None)
        assert s.exec(select(RegistryAuthority)).all() == []  # the demo registry was not copied either
        assert s.exec(select(AuditEvent).where(AuditEvent.action.like("agency.%"))).all() == []


@pytest.mark.parametrize("who", ["secretariat", "admin"])
def test_the_secretariat_and_the_admin_rename_and_merge_from_the_page(client, world, engine, who):
    sign_in(client, who)
    page = client.get("/registry")
    assert "Đổi tên" in page.text and "Sáp nhập" in page.text
    token = TOKEN.search(page.text).group(1)
    r = client.post(
        f"/registry/agencies/{world.syt.id}/rename", data={"csrf_token": token, "name": "Sở Y tế mới"}
    )
    assert "Đã đổi tên thành «Sở Y tế mới»" in r.text
    r = client.post(
        f"/registry/agencies/{world.cat.id}/merge", data={"csrf_token": token, "successor": "so y te moi"}
    )
    assert "Đã sáp nhập vào «Sở Y tế mới»" in r.text
    with Session(engine) as s:
        assert s.get(Agency, world.cat.id).successor_id == world.syt.id
