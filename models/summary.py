"""The maintained summary: checkpoint counts by everything their status reads (derived data, no history).

`workflows/checkpoints/summary.py` keeps it in step with every checkpoint change, in the same
transaction; `plantrack summary check|rebuild` compares it with (and rebuilds it from) the
checkpoints. A row counts the checkpoints of one agency (and, in `SectionSummary`, one plan
section) that agree on state, on-time flag and the dates the status rule reads
(`workflows.checkpoints.status.summary_inputs`), so rollups compute each status once a row.
A row may hold n = 0 after changes; readers skip those, `rebuild` drops them.

`AgencyDay` is the same per-agency count with the status rule already applied for one day (today,
and tomorrow ahead of midnight): one row an agency, so the national rollup reads 20k rows instead
of grouping 200k. It moves with the same deltas and is rolled forward by the daily job.
"""

from datetime import date

from sqlalchemy import Index, PrimaryKeyConstraint
from sqlmodel import Field, SQLModel

KEY = ("state", "on_time", "due_date", "opens_on", "original_due_date")  # the status rule's inputs


class SummaryCounts(SQLModel):
    state: str = Field(primary_key=True, max_length=20)
    on_time: bool = Field(primary_key=True)
    due_date: date = Field(primary_key=True)
    opens_on: date = Field(primary_key=True)
    original_due_date: date = Field(primary_key=True)
    n: int = 0


class AgencySummary(SummaryCounts, table=True):
    """Counts per agency over all plans: national and provincial figures read this."""

    __table_args__ = (PrimaryKeyConstraint("agency_id", *KEY),)

    agency_id: int = Field(primary_key=True)


class SectionSummary(SummaryCounts, table=True):
    """Counts per agency and plan section (the task's own section): per-plan figures read this."""

    __table_args__ = (
        PrimaryKeyConstraint("agency_id", "plan_id", "section_id", *KEY),
        Index("ix_sectionsummary_plan", "plan_id"),
    )
    agency_id: int = Field(primary_key=True)
    plan_id: int = Field(primary_key=True)
    section_id: int = Field(primary_key=True)


class AgencyDay(SQLModel, table=True):
    """Per-agency figures as of `day`: counts per status, the due count, the oldest overdue item."""

    day: date = Field(primary_key=True)
    agency_id: int = Field(primary_key=True)
    not_due: int = 0
    in_progress_on_time: int = 0
    overdue: int = 0
    submitted: int = 0
    done_on_time: int = 0
    done_late: int = 0
    returned: int = 0
    waived: int = 0
    due: int = 0  # the figures' denominator (workflows/reporting/rollups.py)
    oldest_due: date | None = None  # the overdue checkpoint with the earliest due date, then lowest id
    oldest_id: int | None = None


class AgencyDayWindow(SQLModel, table=True):
    """The days `AgencyDay` holds (one row, or none): changes read it FOR SHARE, the daily roll locks it."""

    id: int = Field(default=1, primary_key=True)
    first_day: date
    last_day: date
