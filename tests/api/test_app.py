"""The app factory: scheduler in the lifespan, static files, OpenAPI documentation of every route."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.app import create_app
from models import Evidence, User
from tests.api.conftest import TODAY
from workflows.checkpoints.evidence import EvidenceStore
from workflows.checkpoints.submissions import submit_report
from workflows.kernel.actors import Actor
from workflows.runtime.scheduler import start_scheduler


def test_lifespan_starts_and_stops_the_scheduler(settings, engine):
    enabled = settings.model_copy(update={"scheduler_enabled": True})
    app = create_app(enabled, engine)
    with TestClient(app):
        handle = app.state.scheduler
        assert handle is not None and handle.scheduler.running
        assert {j.id for j in handle.scheduler.get_jobs()} >= {"escalation_sweep", "outbox_delivery"}
        second = start_scheduler(enabled, engine, retry_s=3600)
        assert not second.leading  # this process is the leader; no second one
        second.shutdown()
    assert app.state.scheduler is None and not handle.scheduler.running
    again = start_scheduler(enabled, engine)  # the lock was released on shutdown
    assert again.leading
    again.shutdown()


def test_scheduler_disabled_starts_nothing(app):
    with TestClient(app):
        assert app.state.scheduler is None


def test_openapi_documents_every_api_route(client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()]
    assert len(operations) >= 30
    assert all(path.startswith("/api/v1/") for path, _, _ in operations)  # pages stay out of the schema
    for path, method, op in operations:
        assert op.get("tags") and op.get("summary"), f"{method} {path} lacks tags or a summary"
        ok = {code: r for code, r in op["responses"].items() if code.startswith("2")}
        assert ok, f"{method} {path} documents no success response"
        for code, response in ok.items():
            if code == "204" or path == "/api/v1/evidence/{evidence_id}":
                continue
            body = response["content"]["application/json"]
            assert "schema" in body, f"{method} {path} has no response model"
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert client.get("/api/v1/docs").status_code == 200


def test_static_files_are_served(client, tmp_path, monkeypatch):
    from api import app as app_module

    (tmp_path / "thu.css").write_text("body{}", encoding="utf-8")
    monkeypatch.setattr(app_module, "STATIC_DIR", tmp_path)
    with TestClient(create_app(client.app.state.settings, client.app.state.engine)) as c:
        r = c.get("/static/thu.css")
        assert r.status_code == 200 and r.text == "body{}"
        assert r.headers["content-type"].startswith("text/css")
        assert c.get("/static/../app.py").status_code == 404


def test_api_docs_are_served_without_a_cdn(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "cdn." not in page.text
    assert "/api/v1/docs-assets/swagger-ui-bundle.js" in page.text
    script = client.get("/api/v1/docs-assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000


def test_pages_and_json_are_gzipped_for_clients_that_accept_it(client, world, records):
    gzip = {"Accept-Encoding": "gzip"}
    schema = client.get("/api/v1/openapi.json", headers=gzip)
    assert schema.headers["content-encoding"] == "gzip" and "Accept-Encoding" in schema.headers["vary"]
    assert schema.num_bytes_downloaded * 4 < len(schema.content)  # what went over the wire
    assert schema.json() == client.get("/api/v1/openapi.json", headers={"Accept-Encoding": "identity"}).json()
    listing = client.get("/api/v1/checkpoints", headers={**gzip, **world.headers("secretariat")})
    assert listing.status_code == 200 and listing.headers.get("content-encoding") == "gzip"
    page = client.get("/login", headers=gzip)
    assert page.headers["content-encoding"] == "gzip" and "<form" in page.text
    assert "content-encoding" not in client.get("/login", headers={"Accept-Encoding": "identity"}).headers


def test_evidence_already_compressed_is_sent_as_stored(client, world, engine, settings):
    big_pdf = b"%PDF-1.4\n" + b"0" * 50_000  # compressible, yet sent as stored: a PDF is its own format
    with Session(engine) as s:
        focal = Actor.of(s.get(User, world.users["focal_syt"].id))
        store = EvidenceStore.from_settings(settings)
        sub = submit_report(
            s, focal, world.checkpoints[0].id, "Quý I", [("quy1.pdf", big_pdf)], [], TODAY, store
        )
        s.flush()
        evidence_id = s.exec(select(Evidence.id).where(Evidence.submission_id == sub.id)).one()
        s.commit()
    pdf = client.get(
        f"/api/v1/evidence/{evidence_id}", headers={"Accept-Encoding": "gzip", **world.headers("focal_syt")}
    )
    assert pdf.status_code == 200 and pdf.content == big_pdf
    assert "content-encoding" not in pdf.headers


def test_every_page_links_an_icon_that_is_served(client):
    page = client.get("/login").text
    assert '<link rel="icon" href="/static/favicon.svg"' in page
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.text.startswith("<svg")
