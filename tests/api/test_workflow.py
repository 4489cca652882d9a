"""Submitting with evidence, downloading it, reviewing and extensions — through the API."""

from datetime import date

from fastapi.testclient import TestClient
from fpdf import FPDF
from sqlmodel import Session, func, select

from api.app import create_app
from models import Checkpoint, Submission
from tests.api.conftest import TODAY
from tests.builders import PASSWORD


def pdf_bytes(text: str = "Bao cao quy II") -> bytes:
    doc = FPDF()
    doc.add_page()
    doc.set_font("helvetica", size=12)
    doc.cell(text=text)
    return bytes(doc.output())


def submit(client, world, who="focal_syt", index=1, files=None, **form):
    cp = world.checkpoints[index]
    return client.post(
        f"/api/v1/checkpoints/{cp.id}/submissions",
        headers=world.headers(who),
        data={"note": "Đã triển khai", **form},
        files=files or [],
    )


def test_report_with_real_pdf_and_link(client, world):
    pdf = pdf_bytes()
    r = submit(
        client,
        world,
        files=[("files", ("Báo cáo quý II.pdf", pdf, "application/pdf"))],
        links=["https://sonla.gov.vn/bao-cao"],
        expected_version="1",
    )
    assert r.status_code == 201, r.text
    sub = r.json()
    assert sub["kind"] == "report" and sub["status"] == "pending" and sub["round"] == 1
    files = [e for e in sub["evidence"] if e["kind"] == "file"]
    links = [e for e in sub["evidence"] if e["kind"] == "link"]
    assert files[0]["content_type"] == "application/pdf" and files[0]["size"] == len(pdf)
    assert links[0]["url"] == "https://sonla.gov.vn/bao-cao"
    cp = client.get(
        f"/api/v1/checkpoints/{world.checkpoints[1].id}", headers=world.headers("focal_syt")
    ).json()
    assert cp["status"] == "submitted" and cp["version"] == 2 and cp["submitted_on"] == TODAY.isoformat()
    listed = client.get(
        f"/api/v1/checkpoints/{world.checkpoints[1].id}/submissions", headers=world.headers("secretariat")
    ).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == sub["id"]

    dl = client.get(files[0]["download_url"], headers=world.headers("head_syt"))
    assert dl.status_code == 200 and dl.content == pdf
    assert dl.headers["content-type"] == "application/pdf"
    assert dl.headers["x-content-type-options"] == "nosniff"
    disposition = dl.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''B%C3%A1o%20c%C3%A1o" in disposition


def test_disguised_files_are_refused_and_nothing_changes(client, world, engine):
    exe = b"MZ\x90\x00\x03" + b"\x00" * 200
    html = b"<html><script>alert(1)</script></html>"
    for name, data in (("bao-cao.pdf", exe), ("bao-cao.pdf", html)):
        r = submit(client, world, files=[("files", (name, data, "application/pdf"))])
        assert r.status_code == 422, r.text
        assert "bao-cao.pdf" in r.json()["detail"]
    r = submit(client, world, files=[("files", ("x.pdf", exe, "application/pdf"))])
    assert "program" in r.json()["detail"]
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Submission)).one() == 0
        assert s.get(Checkpoint, world.checkpoints[1].id).version == 1
    assert client.get("/api/v1/audit-events", headers=world.headers("admin")).json()["total"] == 0


def test_too_large_body_is_413_before_parsing(settings, engine, world):
    small = settings.model_copy(update={"max_upload_mb": 1})
    with TestClient(create_app(small, engine, today=TODAY)) as client:
        big = pdf_bytes() + b"0" * (3 * 1024 * 1024)
        r = submit(client, world, files=[("files", ("lon.pdf", big, "application/pdf"))])
        assert r.status_code == 413
        assert "limit is" in r.json()["detail"]
        # one file over the per-file limit but within the body overhead: the evidence rule refuses it
        r = submit(client, world, files=[("files", ("vua.pdf", pdf_bytes() + b"0" * (1024 * 1024), "x/y"))])
        assert r.status_code == 422 and "limit" in r.json()["detail"]
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Submission)).one() == 0


def test_chunked_body_over_limit_is_413(settings, engine, world):
    small = settings.model_copy(update={"max_upload_mb": 1})
    with TestClient(create_app(small, engine, today=TODAY)) as client:

        def chunks():
            for _ in range(40):
                yield b"x" * 65536

        cp = world.checkpoints[1]
        r = client.post(
            f"/api/v1/checkpoints/{cp.id}/submissions",
            content=chunks(),
            headers={**world.headers("focal_syt"), "content-type": "multipart/form-data; boundary=b"},
        )
        assert r.status_code == 413


def test_review_accept_return_and_conflicts(client, world):
    sub = submit(client, world).json()
    cp_url = f"/api/v1/checkpoints/{world.checkpoints[1].id}"
    for who in ("leader", "head_syt", "focal_syt"):
        r = client.post(f"/api/v1/submissions/{sub['id']}/accept", headers=world.headers(who))
        assert r.status_code == 403, who
    r = client.post(f"/api/v1/submissions/{sub['id']}/accept", headers=world.headers("focal_cat"))
    assert r.status_code == 404
    r = client.post(
        f"/api/v1/submissions/{sub['id']}/return",
        json={"reason": "   "},
        headers=world.headers("secretariat"),
    )
    assert r.status_code == 422
    r = client.post(
        f"/api/v1/submissions/{sub['id']}/accept",
        json={"expected_version": 1},
        headers=world.headers("secretariat"),
    )
    assert r.status_code == 409 and "version" in r.json()["detail"]
    r = client.post(
        f"/api/v1/submissions/{sub['id']}/return",
        json={"reason": "Thiếu số liệu", "expected_version": 2},
        headers=world.headers("secretariat"),
    )
    assert r.status_code == 200 and r.json()["decision"] == "return"
    returned = client.get(cp_url, headers=world.headers("focal_syt")).json()
    assert returned["state"] == "returned" and returned["status"] == "overdue"  # past due: overdue wins
    r = client.post(f"/api/v1/submissions/{sub['id']}/accept", headers=world.headers("admin"))
    assert r.status_code == 409
    second = submit(client, world, note="Bổ sung số liệu").json()
    assert second["round"] == 2
    r = client.post(f"/api/v1/submissions/{second['id']}/accept", headers=world.headers("admin"))
    assert r.status_code == 200
    cp = client.get(cp_url, headers=world.headers("leader")).json()
    assert cp["status"] == "done_late"  # submitted 2023-07-01, due 2023-06-14
    history = client.get(f"{cp_url}/history", headers=world.headers("focal_syt")).json()
    assert [s["status"] for s in history["submissions"]] == ["returned", "accepted"]
    assert history["submissions"][0]["reviews"][0]["reason"] == "Thiếu số liệu"
    # a closed checkpoint takes no new report
    assert submit(client, world).status_code == 409


def test_extension_request_and_decision(client, world):
    cp = world.checkpoints[2]  # due 2023-09-14
    url = f"/api/v1/checkpoints/{cp.id}/extensions"
    body = {"requested_due": "2023-10-15", "reason": "Chờ số liệu của các huyện"}
    assert client.post(url, json=body, headers=world.headers("focal_cat")).status_code == 404
    assert client.post(url, json=body, headers=world.headers("head_syt")).status_code == 403
    assert (
        client.post(
            url, json={**body, "requested_due": "2023-02-30"}, headers=world.headers("focal_syt")
        ).status_code
        == 422
    )
    assert (
        client.post(
            url, json={**body, "requested_due": "2023-09-01"}, headers=world.headers("focal_syt")
        ).status_code
        == 422
    )
    r = client.post(url, json=body, headers=world.headers("focal_syt"))
    assert r.status_code == 201, r.text
    ext = r.json()
    assert client.post(url, json=body, headers=world.headers("focal_syt")).status_code == 409
    pending = client.get(
        "/api/v1/extensions", params={"status": "pending"}, headers=world.headers("secretariat")
    )
    assert [x["id"] for x in pending.json()["items"]] == [ext["id"]]
    assert client.get("/api/v1/extensions", headers=world.headers("focal_cat")).json()["total"] == 0
    decide = f"/api/v1/extensions/{ext['id']}/decision"
    assert client.post(decide, json={"approve": True}, headers=world.headers("leader")).status_code == 403
    r = client.post(decide, json={"approve": True, "note": "Đồng ý"}, headers=world.headers("secretariat"))
    assert r.status_code == 200 and r.json()["status"] == "approved"
    moved = client.get(f"/api/v1/checkpoints/{cp.id}", headers=world.headers("focal_syt")).json()
    assert moved["due_date"] == "2023-10-15" and moved["original_due_date"] == "2023-09-14"
    assert (
        client.post(decide, json={"approve": False}, headers=world.headers("secretariat")).status_code == 409
    )


def test_checkpoint_list_filters(client, world):
    h = world.headers("secretariat")
    everything = client.get("/api/v1/checkpoints", headers=h).json()
    assert everything["total"] == 4
    overdue = client.get("/api/v1/checkpoints", params={"status": "overdue"}, headers=h).json()
    assert [c["due_date"] for c in overdue["items"]] == ["2023-03-14", "2023-06-14"]
    both = client.get(
        "/api/v1/checkpoints", params=[("status", "overdue"), ("status", "not_due")], headers=h
    ).json()
    assert both["total"] == 4 - 1  # Q3 is open (in progress), Q4 not yet
    window = client.get(
        "/api/v1/checkpoints", params={"due_from": "2023-06-01", "due_to": "2023-09-30"}, headers=h
    ).json()
    assert window["total"] == 2
    assert (
        client.get("/api/v1/checkpoints", params={"plan_id": world.task.plan_id}, headers=h).json()["total"]
        == 4
    )
    assert client.get("/api/v1/checkpoints", params={"plan_id": 99999}, headers=h).json()["total"] == 0
    assert (
        client.get("/api/v1/checkpoints", params={"agency_id": world.cat.id}, headers=h).json()["total"] == 0
    )
    assert client.get("/api/v1/checkpoints", headers=world.headers("focal_cat")).json()["total"] == 0
    assert client.get("/api/v1/checkpoints", headers=world.headers("head_syt")).json()["total"] == 4
    for bad in (
        {"status": "late"},
        {"due_from": "2023-02-30"},
        {"due_from": "2023-09-01", "due_to": "2023-01-01"},
    ):
        assert client.get("/api/v1/checkpoints", params=bad, headers=h).status_code == 422, bad
    assert date.fromisoformat(everything["items"][0]["due_date"]) == date(2023, 3, 14)


def test_too_large_page_upload_gets_the_error_page(settings, engine, world):
    small = settings.model_copy(update={"max_upload_mb": 1})
    with TestClient(create_app(small, engine, today=TODAY)) as client:
        big = b"%PDF-" + b"0" * (3 * 1024 * 1024)
        r = client.post(
            f"/checkpoints/{world.checkpoints[1].id}/submit",
            headers=world.headers("focal_syt"),
            files=[("files", ("lon.pdf", big, "application/pdf"))],
        )
        # refused before parsing, shown with the pages' error view rather than as JSON
        assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")
        assert "<html" in r.text


def test_supporting_agency_contributes_and_sees_the_lead_checkpoint(client, world, engine):
    from tests.builders import add_agency, add_task, add_user, checkpoints_of

    with Session(engine, expire_on_commit=False) as s:
        sct = add_agency(s, "Sở Công thương", code="sct")
        syt = s.get(type(world.syt), world.syt.id)
        task = add_task(s, syt, [date(2023, 9, 14)], supporting=(sct,))
        cp = checkpoints_of(s, task)[0]
        add_user(s, "focal_sct", "focal", sct)
        s.commit()
    token = client.post("/api/v1/auth/token", data={"username": "focal_sct", "password": PASSWORD}).json()
    h = {"Authorization": f"Bearer {token['access_token']}"}
    assert client.get(f"/api/v1/checkpoints/{cp.id}", headers=h).status_code == 200
    assert client.get(f"/api/v1/checkpoints/{world.checkpoints[0].id}", headers=h).status_code == 404
    r = client.post(
        f"/api/v1/checkpoints/{cp.id}/contributions",
        headers=h,
        data={"note": "Số liệu"},
        files=[("files", ("so-lieu.pdf", pdf_bytes("So lieu"), "application/pdf"))],
    )
    assert r.status_code == 201, r.text
    contribution = r.json()
    assert contribution["kind"] == "contribution" and contribution["agency_id"] == sct.id
    # a contribution is not a report: the lead's checkpoint stays open
    assert client.get(f"/api/v1/checkpoints/{cp.id}", headers=h).json()["state"] == "open"
    r = client.post(f"/api/v1/checkpoints/{cp.id}/submissions", headers=h, data={"note": "x"})
    assert r.status_code == 403
    # the lead agency downloads the supporting agency's file; Công an tỉnh cannot
    url = contribution["evidence"][0]["download_url"]
    assert client.get(url, headers=world.headers("focal_syt")).status_code == 200
    assert client.get(url, headers=world.headers("focal_cat")).status_code == 404
    r = client.post(f"/api/v1/submissions/{contribution['id']}/accept", headers=world.headers("secretariat"))
    assert r.status_code == 409 and "not reviewed" in r.json()["detail"]
