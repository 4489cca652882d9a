"""The one place that reads the clock; rules take `today` as an argument instead."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from models.config import TIMEZONE

VN = ZoneInfo(TIMEZONE)


def today_in_vietnam() -> date:
    """Today's calendar date in Asia/Ho_Chi_Minh."""
    return datetime.now(VN).date()
