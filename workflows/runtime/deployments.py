"""Prefect deployments of the flows: the same schedules as the in-process scheduler, in Vietnam time.

`plantrack flows deploy` registers them on a Prefect server for a `process` work pool (workers
import `workflows.runtime.flows` from the installed project, so no image and no code storage is needed);
`plantrack flows serve` runs them in one long-lived process without a work pool.
The sweep and the delivery allow one run at a time and drop a run that would collide
(CANCEL_NEW): a late sweep is superseded by the next tick, and two deliveries would only
compete for the same rows.
"""

from dataclasses import dataclass
from uuid import UUID

from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron

from models.config import TIMEZONE
from workflows.runtime import flows

WORK_POOL = "plantrack"
ONE_AT_A_TIME = ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW)


@dataclass(frozen=True)
class Spec:
    flow: object
    name: str
    cron: str | None
    concurrency: ConcurrencyLimitConfig | None
    description: str


SPECS = (
    Spec(flows.escalation_sweep_flow, "hourly", "0 * * * *", ONE_AT_A_TIME, "Escalation sweep, every hour"),
    Spec(
        flows.outbox_delivery_flow,
        "every-minute",
        "* * * * *",
        ONE_AT_A_TIME,
        "Outbox delivery over SMTP, every minute",
    ),
    Spec(
        flows.head_digest_flow,
        "monday-0700",
        "0 7 * * 1",
        None,
        "Weekly digests for department heads, Monday 07:00",
    ),
    Spec(flows.secretariat_digest_flow, "daily-0700", "0 7 * * *", None, "Secretariat's daily digest, 07:00"),
    Spec(
        flows.plan_import_flow,
        "on-demand",
        None,
        None,
        "Import a plan document: prefect deployment run plan-import/on-demand -p path=…",
    ),
)


def runner_deployments(work_pool: str | None = WORK_POOL) -> list[RunnerDeployment]:
    """The deployment objects (nothing is sent to the server yet)."""
    return [
        s.flow.to_deployment(
            name=s.name,
            schedules=[Cron(s.cron, timezone=TIMEZONE)] if s.cron else None,
            concurrency_limit=s.concurrency,
            description=s.description,
            tags=["plantrack"],
            work_pool_name=work_pool,
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
        for s in SPECS
    ]


def deploy_all(work_pool: str = WORK_POOL) -> list[UUID]:
    """Create or update every deployment on the configured Prefect server (PREFECT_API_URL)."""
    from prefect import deploy

    return deploy(
        *runner_deployments(work_pool),
        work_pool_name=work_pool,
        build=False,
        push=False,
        print_next_steps_message=False,
    )


def serve_all() -> None:
    """Run every deployment from this process until interrupted (no work pool needed)."""
    from prefect import serve

    serve(*runner_deployments(work_pool=None))
