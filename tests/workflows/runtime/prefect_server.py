"""A real Prefect server (`prefect server start`) on 127.0.0.1 with its own home and database."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.notifications.smtp_server import free_port

BIN = Path(sys.executable).parent


def prefect_env(home: Path, api_url: str | None = None) -> dict[str, str]:
    """The environment a Prefect process of this test needs: its own home, no analytics, fast loops."""
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PYTHONUNBUFFERED": "1",  # the test reads their logs while they run
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_UI_ENABLED": "false",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_WORKER_PREFETCH_SECONDS": "5",
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "PREFECT_LOGGING_TO_API_BATCH_INTERVAL": "0.5",
    }
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


class PrefectServer:
    """`prefect server start` in a subprocess on `database_url`; the scheduler loop runs every second.

    PostgreSQL, as in production: on SQLite the server's services and the runs' state writes
    collide ("database is locked") as soon as a few flows run at once.
    """

    def __init__(self, home: Path, database_url: str):
        self.home = home
        self.database_url = database_url
        self.port = free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self.log_path = home / "server.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "PrefectServer":
        self.home.mkdir(parents=True, exist_ok=True)
        env = {
            **prefect_env(self.home),
            "PREFECT_SERVER_DATABASE_CONNECTION_URL": self.database_url,
            "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "1",
            "PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS": "1",
        }
        args = [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(self.port)]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)
        # migrating a fresh database takes ~10 s on an idle machine, minutes on a loaded one
        wait_for(self._healthy, 300, lambda: f"Prefect server did not start:\n{self.log()}")
        return self

    def _healthy(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"Prefect server exited:\n{self.log()}")
        try:
            return httpx.get(f"{self.api_url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def __exit__(self, *exc) -> None:
        stop(self.process, 30)


def wait_for(condition: Callable[[], object], timeout_s: float, explain: Callable[[], str]):
    """Poll `condition` (a real process is working) until it is truthy; fail with `explain()` if never."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(explain())


def stop(process: subprocess.Popen | None, timeout_s: float) -> int | None:
    """One SIGTERM, then the exit code; killed (and None) if it does not exit in time."""
    if process is None or process.poll() is not None:
        return None if process is None else process.returncode
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return None
