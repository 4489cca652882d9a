"""Settings from environment variables prefixed PLANTRACK_."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

TIMEZONE = "Asia/Ho_Chi_Minh"


class Settings(BaseSettings):
    """Runtime configuration; every field can be set as PLANTRACK_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="PLANTRACK_", env_file=None)

    data_dir: Path = Path("data")
    database_url: str = ""
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8000"
    max_upload_mb: int = 20
    scheduler_enabled: bool = True
    log_level: str = "INFO"  # the `plantrack.*` loggers (jobs' summaries, scheduler), on stderr
    # a follower process tries to take over the in-process scheduler this often (failover time)
    scheduler_retry_s: float = 2.0
    # when each periodic job runs: a cron line in Asia/Ho_Chi_Minh, or a whole number of seconds
    # (an interval aligned on 2020-01-01 00:00 Vietnam time); read by APScheduler and Prefect alike
    schedule_escalation_sweep: str = "0 * * * *"
    schedule_outbox_delivery: str = "* * * * *"
    schedule_head_digests: str = "0 7 * * 1"
    schedule_secretariat_digest: str = "0 7 * * *"
    schedule_evidence_sweep: str = "*/15 * * * *"  # orphan evidence files and stale temp files
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_use_tls: bool = False
    smtp_timeout_s: float = 10.0
    smtp_concurrency: int = 4
    # a delivery run claims this many rows at a time and holds them under a lease it renews every
    # third of it while alive: a killed run's rows are sent again after at most this long
    outbox_batch: int = 20
    outbox_lease_s: float = 60.0
    mail_from: str = "Ban Chỉ đạo tỉnh Sơn La <bcd@sonla.example>"
    secretariat_emails: str = "phongthammuu@catinh.sonla.example"
    leader_emails: str = "pct@ubnd.sonla.example"
    digest_empty: bool = False
    # may agency users see other agencies' figures? own | all (workflows/checkpoints/visibility.py)
    peer_figures: Literal["own", "all"] = "own"
    session_idle_minutes: int = 120  # a cookie session unused this long ends
    cookie_secure: bool = False  # set behind HTTPS: cookies get the Secure flag
    # addresses whose X-Forwarded-For / X-Forwarded-Proto uvicorn believes (comma separated, or *)
    trusted_proxies: str = "127.0.0.1"
    # connections per process: heavy pages take at most `heavy_pages` of them, the rest serve the
    # light pages and the API; a request waits `db_pool_timeout_s` for one, then gets 503 (bench/RESULTS.md)
    db_pool_size: int = 8
    db_pool_overflow: int = 4
    db_pool_timeout_s: float = 10.0
    heavy_pages: int = 4  # heavy pages (desk, dashboards, exports) rendered at once per process
    heavy_queue: int = 32  # more may wait for a turn; beyond that, 503 at once
    heavy_wait_s: float = 10.0  # longest wait for a turn before 503
    retry_after_s: int = 5  # what a 503 asks the client to wait
    # heavy views (the desk) computed once for all who ask within this many seconds (api/snapshots.py)
    view_cache_s: float = 10.0

    @property
    def db_url(self) -> str:
        """The configured URL, or the SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'plantrack.db').resolve()}"

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024


@lru_cache
def get_settings() -> Settings:
    """Process-wide settings (tests build their own Settings instead)."""
    return Settings()
