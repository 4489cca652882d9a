"""The app factory: scheduler in the lifespan, static files, OpenAPI documentation of every route."""

from fastapi.testclient import TestClient

from api.app import create_app
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
