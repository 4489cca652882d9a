"""The deployments on a real Prefect server: its scheduler creates the runs, a worker runs them.

One `prefect server start` for the module (on 127.0.0.1, its own home and its own throwaway
PostgreSQL database, as in production); the deployments are made with 10-second timings
(PLANTRACK_SCHEDULE_* as numbers of seconds), so the server's scheduler — not the test — creates
every run. Each flow must then do its work on this test's database and a real SMTP server. With
SQLAlchemy 2.1 the scheduler creates no run at all and the worker test fails.
"""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from models import Escalation, OutboxMessage, Plan
from models.config import Settings
from tests.builders import add_agency, add_task
from tests.conftest import PG_DEFAULT, PG_URL, _drop_pg, _throwaway_pg, postgres_reachable
from tests.notifications.smtp_server import SmtpServer
from tests.workflows.runtime.prefect_server import PrefectServer, prefect_env, stop, wait_for
from workflows.kernel.clock import today_in_vietnam
from workflows.runtime.deployments import WORK_POOL

pytestmark = pytest.mark.prefect
SEED = Path(__file__).parents[3] / "seed_plans" / "sonla_23_kh_ubnd_2023.txt"

SCHEDULED = {  # deployment name → flow name
    "hourly": "escalation-sweep",
    "every-minute": "outbox-delivery",
    "monday-0700": "head-digests",
    "daily-0700": "secretariat-digest",
    "every-15-minutes": "evidence-sweep",
}
FAST = {  # every 10 s instead of hourly / every minute / weekly / daily
    "schedule_escalation_sweep": "10",
    "schedule_outbox_delivery": "10",
    "schedule_head_digests": "10",
    "schedule_secretariat_digest": "10",
    "schedule_evidence_sweep": "10",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The Prefect server, on its own throwaway PostgreSQL database (as the operator's guide says)."""
    base = PG_URL or PG_DEFAULT
    if not postgres_reachable(base):
        pytest.skip("the Prefect server runs on PostgreSQL, not reachable at 127.0.0.1:5432")
    url, admin = _throwaway_pg(base)
    prefect_url = make_url(url).set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    try:
        with PrefectServer(tmp_path_factory.mktemp("prefect"), prefect_url) as s:
            yield s
    finally:
        _drop_pg(admin, url)


@pytest.fixture
def client(server):
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: server.api_url}), get_client(sync_client=True) as c:
        yield c


def _plantrack_env(server, settings: Settings, smtp_port: int) -> dict[str, str]:
    return {
        **prefect_env(server.home, server.api_url),
        "PLANTRACK_DATABASE_URL": settings.db_url,
        "PLANTRACK_DATA_DIR": str(settings.data_dir),
        "PLANTRACK_SMTP_PORT": str(smtp_port),
        **{f"PLANTRACK_{k.upper()}": v for k, v in FAST.items()},
    }


def _plantrack(*args: str, env: dict[str, str], log) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "api.cli", *args], env=env, stdout=log, stderr=log)


def _runs(client, deployment_id):
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    return client.read_flow_runs(
        deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id]))
    )


def _run_log(client, run_id) -> str:
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
    return "\n".join(entry.message for entry in logs)


def test_serve_stops_on_one_sigterm_and_leaves_the_schedules_active(server, client, settings, tmp_path):
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName

    log_path = tmp_path / "serve.log"
    names = DeploymentFilter(name=DeploymentFilterName(any_=list(SCHEDULED)))

    def serving():
        """`serve` registered the deployments, polls for runs (its SIGTERM handler is set) and runs one."""
        if serve.poll() is not None:
            raise AssertionError(f"serve exited:\n{log_path.read_text(errors='replace')}")
        if "being served and polling" not in log_path.read_text(errors="replace"):
            return False
        found = client.read_deployments(deployment_filter=names)
        ready = len(found) == len(SCHEDULED) and all(
            str(d.status).endswith("READY") and "NOT" not in str(d.status) for d in found
        )
        # the signal must also land while a run is starting or running (it was swallowed there)
        return ready and any(
            r.state.type.value in ("PENDING", "RUNNING") for d in found for r in _runs(client, d.id)
        )

    with open(log_path, "wb") as log:
        serve = _plantrack("flows", "serve", env=_plantrack_env(server, settings, 1), log=log)
        try:
            wait_for(serving, 300, lambda: log_path.read_text(errors="replace"))
        finally:
            code = stop(serve, 30)
    served = client.read_deployments(deployment_filter=names)
    try:
        assert code == 0, log_path.read_text(errors="replace")
        assert len(served) == len(SCHEDULED)
        for d in served:
            assert not d.paused and d.schedules and all(s.active for s in d.schedules), d.name
    finally:  # their runs, scheduled every 10 s, would wait for the next test's worker
        for d in served:
            client.delete_deployment(d.id)


def _stop_scheduling(client, deployment_id) -> None:
    """Pause the deployment and drop the runs its schedule made ahead (a paused one's still run)."""
    client.pause_deployment(deployment_id)
    for run in _runs(client, deployment_id):
        if run.state.type.value == "SCHEDULED":
            client.delete_flow_run(run.id)


def _completed_scheduled_run(client, deployment_id):
    """The first run the server's scheduler created for the deployment that completed, if any."""
    done = [r for r in _runs(client, deployment_id) if r.auto_scheduled and r.state.is_completed()]
    return min(done, key=lambda r: r.expected_start_time) if done else None


def test_scheduled_runs_of_every_flow_complete_on_a_worker(server, client, settings, engine, tmp_path):
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.deployments import run_deployment

    from workflows.runtime.deployments import deploy_all

    today = today_in_vietnam()  # the flows read the real clock: data relative to it
    with Session(engine) as s:
        add_task(s, add_agency(s, "Sở Y tế", code="syt"), [today - timedelta(days=1)])
        s.commit()
    client.create_work_pool(WorkPoolCreate(name=WORK_POOL, type="process"))
    log_path = tmp_path / "worker.log"
    finished: dict[str, object] = {}

    def all_done():
        """Each scheduled flow completed a scheduled run (then paused: once is enough), all mail sent."""
        for name in set(SCHEDULED) - set(finished) - {"every-minute"}:
            if run := _completed_scheduled_run(client, deployments[name]):
                finished[name] = run
                _stop_scheduling(client, deployments[name])
        with Session(engine) as s:
            mail = s.exec(select(OutboxMessage.status)).all()
        if len(finished) < len(SCHEDULED) - 1 or len(mail) < 3 or set(mail) != {"sent"}:
            return False
        finished["every-minute"] = _completed_scheduled_run(client, deployments["every-minute"])
        _stop_scheduling(client, deployments["every-minute"])
        return True

    def explain() -> str:
        states = {n: [r.state.type.value for r in _runs(client, i)] for n, i in deployments.items()}
        worker_log = log_path.read_text(errors="replace")
        return f"runs: {states}\nworker log:\n{worker_log}\nserver log:\n{server.log()[-3000:]}"

    with SmtpServer() as smtp, open(log_path, "wb") as log:
        # two runs at a time: a 2-core machine starting a process per run every few seconds thrashes
        worker = _plantrack(
            "flows", "worker", "--limit", "2", env=_plantrack_env(server, settings, smtp.port), log=log
        )
        try:
            deployments = {client.read_deployment(i).name: i for i in deploy_all(settings=Settings(**FAST))}
            assert set(deployments) == {*SCHEDULED, "on-demand"}
            wait_for(all_done, 300, explain)  # ~40 s on an idle 2-core machine
            received = list(smtp.received)
            with Session(engine) as s:
                mail = s.exec(select(OutboxMessage.audience).order_by(OutboxMessage.audience)).all()
                assert s.exec(select(Escalation.rung)).all() == ["overdue"]
            # the on-demand import, once the schedules are paused (its overdue tasks would escalate)
            imported = run_deployment(deployments["on-demand"], parameters={"path": str(SEED)}, timeout=0)
            wait_for(lambda: client.read_flow_run(imported.id).state.is_final(), 300, explain)
        finally:
            code = stop(worker, 30)
    assert code is not None, f"the worker ignored one SIGTERM:\n{log_path.read_text(errors='replace')}"

    assert mail == ["focal,head", "head", "secretariat"] and len(received) == 3
    assert client.read_flow_run(imported.id).state.is_completed()
    with Session(engine) as s:
        assert "23/KH-UBND" in s.exec(select(Plan.number)).all()
    assert f"escalation sweep {today.isoformat()}: 1 fired" in _run_log(client, finished["hourly"].id)
    assert "1 queued" in _run_log(client, finished["monday-0700"].id)
