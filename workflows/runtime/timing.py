"""When each periodic job runs: one setting per job, read by APScheduler and by Prefect.

A setting is a five-field cron line in Asia/Ho_Chi_Minh (`0 7 * * 1`: Mondays 07:00) or a whole
number of seconds (`30`: every 30 s). Intervals are aligned on a fixed anchor, 2020-01-01 00:00
Vietnam time, so `3600` ticks on the hour in both schedulers and every process agrees on the ticks.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from models.config import TIMEZONE, Settings
from workflows.kernel.errors import InvalidInput

ANCHOR = datetime(2020, 1, 1, tzinfo=ZoneInfo(TIMEZONE))
# cron's day numbers (0 and 7 are Sunday); APScheduler 3 counts 0 as Monday, so names go to it
WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Timing:
    """A cron line or an interval in seconds (exactly one is set)."""

    cron: str | None = None
    every_s: int | None = None

    def trigger(self) -> CronTrigger | IntervalTrigger:
        """The APScheduler trigger."""
        if self.cron is not None:
            return cron_trigger(self.cron)
        return IntervalTrigger(seconds=self.every_s, start_date=ANCHOR, timezone=TIMEZONE)

    def prefect_schedule(self):
        """The Prefect schedule (imported here: the web process needs no Prefect)."""
        from prefect.schedules import Cron, Interval

        if self.cron is not None:
            return Cron(self.cron, timezone=TIMEZONE)
        return Interval(timedelta(seconds=self.every_s), anchor_date=ANCHOR, timezone=TIMEZONE)


def cron_trigger(line: str) -> CronTrigger:
    """APScheduler's trigger for a standard cron line (weekday numbers as cron reads them)."""
    minute, hour, day, month, weekday = line.split()
    weekday = re.sub(r"\d+", lambda m: WEEKDAYS[int(m[0])] if int(m[0]) < 8 else m[0], weekday)
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=weekday, timezone=TIMEZONE)


def parse_timing(job: str, value: str) -> Timing:
    """Read one setting; a malformed one is refused with the job's name."""
    value = value.strip()
    if value.isdigit() and int(value) > 0:
        return Timing(every_s=int(value))
    if len(value.split()) == 5:
        try:
            cron_trigger(value)
        except ValueError:
            pass
        else:
            return Timing(cron=" ".join(value.split()))
    raise InvalidInput("schedule.invalid", job=job, text=value)


def job_timing(settings: Settings, job: str) -> Timing:
    """The timing of a job (`escalation_sweep`, `outbox_delivery`, …) from PLANTRACK_SCHEDULE_<JOB>."""
    return parse_timing(job, getattr(settings, f"schedule_{job}"))
