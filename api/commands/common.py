"""Helpers shared by the CLI commands."""

import argparse
import logging
import sys
from datetime import date

from models.config import get_settings
from models.db import make_engine
from workflows.kernel.clock import today_in_vietnam


class CommandError(Exception):
    """A refused command: the message is printed and the process exits with `code`."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


def add_today(parser: argparse.ArgumentParser) -> None:
    """`--today YYYY-MM-DD`: pin the calendar date the rules use."""
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        help="ngày tính (YYYY-MM-DD, mặc định hôm nay ở Asia/Ho_Chi_Minh)",
    )


def resolve_today(args: argparse.Namespace) -> date:
    """The pinned date or today's date in Asia/Ho_Chi_Minh."""
    return args.today or today_in_vietnam()


def engine_from_settings():
    """An engine on the configured database, migrated to the latest schema."""
    from models.migrate import upgrade

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.db_url)
    return make_engine(settings.db_url)


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (journald under systemd, captured in tests)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


def configure_logging() -> None:
    """Send the `plantrack.*` loggers to stderr at PLANTRACK_LOG_LEVEL, once per process."""
    logger = logging.getLogger("plantrack")
    if any(isinstance(h, _Stderr) for h in logger.handlers):
        return
    handler = _Stderr()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(get_settings().log_level.upper())
    logger.propagate = False  # not twice when a library (Prefect) configures the root logger
