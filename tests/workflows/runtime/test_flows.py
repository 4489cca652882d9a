"""Prefect flows: logic through `.fn` (no server), plus one run and the deployments under a test server."""

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from models import AgencyDay, Escalation, OutboxMessage, Plan
from models.config import get_settings
from tests.builders import add_agency, add_task
from tests.notifications.smtp_server import SmtpServer
from workflows.checkpoints import summary
from workflows.kernel.errors import InvalidInput
from workflows.runtime import flows

DUE = date(2023, 6, 14)


@pytest.fixture
def env(monkeypatch, settings):
    """Point get_settings() — what flows read on a worker — at this test's database."""
    monkeypatch.setenv("PLANTRACK_DATABASE_URL", settings.db_url)
    monkeypatch.setenv("PLANTRACK_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


@pytest.fixture
def one_checkpoint(engine):
    with Session(engine) as s:
        add_task(s, add_agency(s, "Sở Y tế", code="syt"), [DUE])
        s.commit()


def _count(engine, model):
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_sweep_flow_logic(env, engine, one_checkpoint):
    assert flows.escalation_sweep_flow.fn(today="2023-06-15") == {"overdue": 1}
    assert flows.escalation_sweep_flow.fn(today="2023-06-15") == {}
    assert _count(engine, Escalation) == 1 and _count(engine, OutboxMessage) == 1
    with Session(engine) as s:  # the daily job rolled the day's figures forward first
        assert summary.window_days(s) == [date(2023, 6, 15), date(2023, 6, 16)]
        assert s.exec(select(AgencyDay.overdue).where(AgencyDay.day == date(2023, 6, 15))).one() == 1


def test_evidence_sweep_flow_removes_orphans_past_their_grace_and_stale_temp_files(env, settings):
    import os
    import time

    from workflows.checkpoints.evidence import TEMP_PREFIX, EvidenceStore

    store = EvidenceStore.from_settings(settings)
    old, fresh = store.put(b"%PDF-1.4 orphan of a failed upload"), store.put(b"%PDF-1.4 being committed")
    half = store.path_of(old).parent / f"{TEMP_PREFIX}dead-worker"
    half.write_bytes(b"%PDF-1.4 half")
    an_hour_ago = time.time() - 3600
    for path in (store.path_of(old), half):
        os.utime(path, (an_hour_ago, an_hour_ago))
    assert flows.evidence_sweep_flow.fn() == 1
    assert not store.path_of(old).exists() and not half.exists()
    assert store.path_of(fresh).exists()  # within its grace: a row may be about to refer to it


def test_sweep_flow_refuses_a_bad_date(env, engine, one_checkpoint):
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        flows.escalation_sweep_flow.fn(today="15/06/2023")
    assert _count(engine, Escalation) == 0


def test_delivery_task_sends_the_queued_escalation(env, engine, one_checkpoint):
    flows.escalation_sweep_flow.fn(today="2023-06-15")
    with SmtpServer() as smtp:
        env.setenv("PLANTRACK_SMTP_PORT", str(smtp.port))
        get_settings.cache_clear()
        report = flows.deliver_outbox.fn()
        received = list(smtp.received)
    assert (report["sent"], report["failed"], report["dead"]) == (1, 0, 0)
    assert [r.rcpt_tos for r in received] == [("focal@syt.test", "head@syt.test")]
    with Session(engine) as s:
        assert s.exec(select(OutboxMessage.status)).one() == "sent"


def test_plan_file_read_retries_only_on_os_errors(tmp_path):
    from prefect.states import Failed

    from workflows.plans.documents import PlanDocumentError

    assert flows._only_os_errors(None, None, Failed(data=FileNotFoundError("share offline")))
    assert not flows._only_os_errors(None, None, Failed(data=PlanDocumentError("document.empty")))
    plan = tmp_path / "kh.txt"
    plan.write_text("KẾ HOẠCH\nThực hiện công tác phòng, chống ma túy năm 2023\n", encoding="utf-8")
    assert "phòng, chống ma túy" in flows.read_plan_text.fn(str(plan))


@pytest.fixture(scope="session")
def prefect_server():
    """A throwaway Prefect server for the whole run (~8-15 s to start, once)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.mark.prefect
def test_sweep_flow_runs_under_prefect(prefect_server, env, engine, one_checkpoint):
    assert flows.escalation_sweep_flow(today="2023-06-15") == {"overdue": 1}
    assert _count(engine, Escalation) == 1 and _count(engine, OutboxMessage) == 1


@pytest.mark.prefect
def test_plan_import_flow_under_prefect(prefect_server, env, engine):
    seed = Path(__file__).parents[3] / "seed_plans" / "sonla_23_kh_ubnd_2023.txt"
    report = flows.plan_import_flow(path=str(seed), today="2023-02-01")
    assert report["created"] and len(report["added"]) > 100
    with Session(engine) as s:
        assert s.exec(select(Plan.number)).all() == ["23/KH-UBND"]
    assert flows.plan_import_flow(path=str(seed), today="2023-02-02")["added"] == []  # same text: no-op


@pytest.mark.prefect
def test_deployments_on_a_prefect_server(prefect_server):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate

    from workflows.runtime.deployments import deploy_all

    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name="plantrack", type="process"))
        deployments = {d.name: d for d in map(client.read_deployment, deploy_all())}
        flow_names = {d.name: client.read_flow(d.flow_id).name for d in deployments.values()}
    assert flow_names == {
        "hourly": "escalation-sweep",
        "every-minute": "outbox-delivery",
        "monday-0700": "head-digests",
        "daily-0700": "secretariat-digest",
        "every-15-minutes": "evidence-sweep",
        "on-demand": "plan-import",
    }

    def schedule(name):
        (s,) = deployments[name].schedules
        return s.schedule.cron, s.schedule.timezone

    assert schedule("hourly") == ("0 * * * *", "Asia/Ho_Chi_Minh")
    assert schedule("every-minute") == ("* * * * *", "Asia/Ho_Chi_Minh")
    assert schedule("monday-0700") == ("0 7 * * 1", "Asia/Ho_Chi_Minh")
    assert schedule("daily-0700") == ("0 7 * * *", "Asia/Ho_Chi_Minh")
    assert schedule("every-15-minutes") == ("*/15 * * * *", "Asia/Ho_Chi_Minh")
    assert deployments["on-demand"].schedules == []
    sweep = deployments["hourly"]
    # no slot to leak: a crashed run must not cancel every later one (jobs are safe to overlap)
    assert sweep.global_concurrency_limit is None
    assert sweep.work_pool_name == "plantrack"
    assert sweep.entrypoint == "workflows.runtime.flows.escalation_sweep_flow"
    assert deployments["monday-0700"].global_concurrency_limit is None
    assert deployments["on-demand"].global_concurrency_limit is None  # imports of different files


def test_digest_flows_queue_once_per_period(env, engine, one_checkpoint):
    assert flows.secretariat_digest_flow.fn(today="2023-06-15") == 1  # an item became overdue yesterday
    assert flows.secretariat_digest_flow.fn(today="2023-06-15") == 0
    assert flows.head_digest_flow.fn(today="2023-06-19") == 1  # Monday: Sở Y tế has one overdue item
    assert flows.head_digest_flow.fn(today="2023-06-19") == 0
    with Session(engine) as s:
        query = select(OutboxMessage.audience, OutboxMessage.recipients).order_by(OutboxMessage.id)
        rows = s.exec(query).all()
    assert [tuple(r) for r in rows] == [
        ("secretariat", ["phongthammuu@catinh.sonla.example"]),
        ("head", ["head@syt.test"]),
    ]
