"""From a task's due dates to its checkpoints: one per responsible agency and due date."""

from datetime import date, timedelta

from models.checkpoint import Checkpoint

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def period_label(due: date, schedule_kind: str, reporting_dates: tuple[date, ...] = ()) -> str:
    """A Vietnamese period name: 'Quý I/2023', '6 tháng/2023', 'Năm 2023' or 'Hạn 14/02/2023'."""
    if schedule_kind != "once" and due in reporting_dates:
        quarter = (due.month - 1) // 3 + 1
        named = {2: f"6 tháng/{due.year}", 4: f"Năm {due.year}"}
        return named.get(quarter, f"Quý {ROMAN[quarter]}/{due.year}")
    return f"Hạn {due:%d/%m/%Y}"


def checkpoints_for(
    task_id: int,
    agency_id: int,
    due_dates: list[date],
    schedule_kind: str,
    starts_on: date,
    reporting_dates: tuple[date, ...] = (),
) -> list[Checkpoint]:
    """Checkpoints of one agency for one task; each period opens the day after the previous due date."""
    result, opens = [], starts_on
    for due in sorted(set(due_dates)):
        result.append(
            Checkpoint(
                task_id=task_id,
                agency_id=agency_id,
                opens_on=min(opens, due),
                due_date=due,
                original_due_date=due,
                period_label=period_label(due, schedule_kind, reporting_dates),
            )
        )
        opens = due + timedelta(days=1)
    return result
