"""Prefect deployments of the flows: the same timings as the in-process scheduler (PLANTRACK_SCHEDULE_*).

`plantrack flows deploy` registers them on a Prefect server for a `process` work pool (workers
import `workflows.runtime.flows` from the installed project, so no image and no code storage is needed);
`plantrack flows worker` runs a process worker for that pool; `plantrack flows serve` runs them in one
long-lived process without a work pool, and leaves their schedules active when it stops (another
`serve` or a worker picks them up; pausing them would silently stop the sweep everywhere).
Scheduled flows carry no concurrency limit (see ONE_AT_A_TIME): overlapping runs are harmless, since
two sweeps write each escalation once (dedupe keys), two deliveries only compete for the same rows,
and a digest run queues each period's digests once anyway.
"""

import logging
from dataclasses import dataclass
from uuid import UUID

from prefect.client.schemas.objects import ConcurrencyLimitConfig
from prefect.deployments.runner import EntrypointType, RunnerDeployment

from models.config import Settings, get_settings
from workflows.runtime import flows
from workflows.runtime.timing import job_timing

log = logging.getLogger("plantrack.flows")

WORK_POOL = "plantrack"
SHUTDOWN_GRACE_S = 15  # `serve` exits this long after a signal at the latest
# No deployment concurrency limit: a run that crashed kept its slot's lease and every later run was
# cancelled until it expired (seen in the real-server test). The jobs are safe to overlap: the sweep's
# rows carry dedupe keys, delivery claims rows under a lease, digests are queued once per period.
ONE_AT_A_TIME: ConcurrencyLimitConfig | None = None


@dataclass(frozen=True)
class Spec:
    flow: object
    name: str
    job: str | None  # the timing setting (workflows/runtime/timing.py); None: on demand only
    concurrency: ConcurrencyLimitConfig | None
    description: str


SPECS = (
    Spec(flows.escalation_sweep_flow, "hourly", "escalation_sweep", ONE_AT_A_TIME, "Escalation sweep"),
    Spec(
        flows.outbox_delivery_flow,
        "every-minute",
        "outbox_delivery",
        ONE_AT_A_TIME,
        "Outbox delivery over SMTP, every minute",
    ),
    Spec(
        flows.head_digest_flow,
        "monday-0700",
        "head_digests",
        ONE_AT_A_TIME,
        "Weekly digests for department heads, Monday 07:00",
    ),
    Spec(
        flows.secretariat_digest_flow,
        "daily-0700",
        "secretariat_digest",
        ONE_AT_A_TIME,
        "Secretariat's daily digest, 07:00",
    ),
    Spec(
        flows.evidence_sweep_flow,
        "every-15-minutes",
        "evidence_sweep",
        ONE_AT_A_TIME,
        "Orphan evidence files (no row refers to them, 10 min old) and stale temp files, every 15 min",
    ),
    Spec(
        flows.plan_import_flow,
        "on-demand",
        None,
        None,
        "Import a plan document: prefect deployment run plan-import/on-demand -p path=…",
    ),
)


def runner_deployments(
    work_pool: str | None = WORK_POOL, settings: Settings | None = None
) -> list[RunnerDeployment]:
    """The deployment objects on the configured timings (nothing is sent to the server yet).

    The names stay those of the default timings, so a changed setting updates a deployment in place.
    """
    settings = settings or get_settings()
    return [
        s.flow.to_deployment(
            name=s.name,
            schedules=[job_timing(settings, s.job).prefect_schedule()] if s.job else None,
            concurrency_limit=s.concurrency,
            description=s.description,
            tags=["plantrack"],
            work_pool_name=work_pool,
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
        for s in SPECS
    ]


def deploy_all(work_pool: str = WORK_POOL, settings: Settings | None = None) -> list[UUID]:
    """Create or update every deployment on the configured Prefect server (PREFECT_API_URL)."""
    from prefect import deploy

    return deploy(
        *runner_deployments(work_pool, settings),
        work_pool_name=work_pool,
        build=False,
        push=False,
        print_next_steps_message=False,
    )


def serve_all(settings: Settings | None = None) -> None:
    """Run every deployment from this process until the first SIGTERM/SIGINT; their schedules stay active.

    Prefect's own handler (3.8) calls the runner's async stop without awaiting it and raises
    SystemExit wherever the main thread happens to be: a signal while a run was starting was
    swallowed there and `serve` ran on until killed. Here the signal only schedules the stop.
    """
    import asyncio
    import os
    import signal

    from prefect.runner import Runner

    deployments = runner_deployments(work_pool=None, settings=settings)  # sync: outside the loop

    async def main() -> None:
        loop, this = asyncio.get_running_loop(), asyncio.current_task()
        stopping: list[asyncio.Task] = []

        def stop_soon() -> None:
            if runner.started:
                stopping.append(loop.create_task(runner.astop()))
            else:
                this.cancel()
            loop.call_later(SHUTDOWN_GRACE_S, give_up)

        def give_up() -> None:
            # cancelling a run that is still starting can wait on it for minutes on a loaded machine;
            # the jobs are safe to cut short (dedupe keys, leases), a supervisor's stop is not
            print(f"serve: runs not stopped within {SHUTDOWN_GRACE_S} s, exiting anyway", flush=True)
            os._exit(0)

        class OneSignalRunner(Runner):
            def handle_sigterm(self, *args: object) -> None:  # Runner.start installs it for SIGTERM
                print("signal received: serve stops polling, the schedules stay active", flush=True)
                loop.call_soon_threadsafe(stop_soon)

        runner = OneSignalRunner(pause_on_shutdown=False)
        for deployment in deployments:
            await runner.aadd_deployment(deployment)
        signal.signal(signal.SIGINT, runner.handle_sigterm)
        print(f"{len(SPECS)} deployments are being served and polling for scheduled runs", flush=True)
        try:
            await runner.start()
        except asyncio.CancelledError:
            pass
        print("serve stopped", flush=True)

    asyncio.run(main())


def work(pool: str = WORK_POOL, limit: int | None = None) -> None:
    """Run a process worker for `pool` until the first SIGTERM or SIGINT, then stop polling and exit.

    Prefect's own `prefect worker start` turns the first SIGTERM into a SIGINT that the worker
    waits out, so a supervisor's stop hangs until its kill timeout; here one signal is enough.
    """
    import asyncio
    import signal

    from prefect.workers.process import ProcessWorker

    async def main() -> None:
        loop, this = asyncio.get_running_loop(), asyncio.current_task()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, this.cancel)
        try:
            await ProcessWorker(work_pool_name=pool, limit=limit).start()
        except asyncio.CancelledError:
            log.info("worker for pool %r stopped on a signal", pool)

    asyncio.run(main())
