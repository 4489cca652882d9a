"""Helpers shared by the CLI commands."""

import argparse
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
