"""Hand-written SQL floors: the least a database must do for an operation, to compare ours against.

Each floor does the same work as the project's code and returns comparable values:
- `sweep_floor`: the default ladder's current rungs in ONE `INSERT … SELECT … ON CONFLICT DO
  NOTHING`, and their outbox rows (PostgreSQL: the same statement, a data-modifying CTE; SQLite:
  a second `INSERT … SELECT` over the ids returned);
- `rollup_floor`: per-agency figures in ONE `GROUP BY` over the status CASE, the oldest overdue
  item taken in the same pass (`min` over (due date, id)).
The status CASE is written out by hand here on purpose: it must match `workflows.checkpoints.status`.
"""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.engine import Connection

STATUS_SQL = """CASE
    WHEN t.withdrawn OR c.state = 'waived' THEN 'waived'
    WHEN c.state = 'accepted' AND c.submitted_on <= c.original_due_date THEN 'done_on_time'
    WHEN c.state = 'accepted' THEN 'done_late'
    WHEN c.state = 'submitted' THEN 'submitted'
    WHEN c.due_date < :today THEN 'overdue'
    WHEN c.state = 'returned' THEN 'returned'
    WHEN c.opens_on > :today THEN 'not_due'
    ELSE 'in_progress_on_time' END"""
STATUSES = (
    "not_due",
    "in_progress_on_time",
    "overdue",
    "submitted",
    "done_on_time",
    "done_late",
    "returned",
    "waived",
)
AUDIENCE_SQL = (
    "CASE f.rung WHEN 'reminder' THEN 'focal' WHEN 'overdue' THEN 'focal,head' "
    "WHEN 'secretariat' THEN 'secretariat' ELSE 'leader' END"
)


def _sweep_params(today: date) -> dict:
    d = timedelta
    return {
        "today": today,
        "lo": today - d(days=60),
        "hi": today + d(days=7),
        "d7": today - d(days=7),
        "d30": today - d(days=30),
    }


# The default ladder as ranges of the current due date (workflows.escalation.ladder.windows):
# reminder (today−1, today+7], overdue (today−7, today−1], secretariat (today−30, today−7],
# leader (today−60, today−30].
_FIRE_SELECT = """
    SELECT c.id, CASE WHEN c.due_date >= :today THEN 'reminder' WHEN c.due_date > :d7 THEN 'overdue'
                      WHEN c.due_date > :d30 THEN 'secretariat' ELSE 'leader' END,
           c.due_date, :today, :now
    FROM checkpoint c JOIN task t ON t.id = c.task_id
    WHERE c.due_date > :lo AND c.due_date <= :hi AND c.state IN ('open', 'returned') AND NOT t.withdrawn
    ORDER BY c.id
    ON CONFLICT (checkpoint_id, rung, due_date) DO NOTHING
    RETURNING id, checkpoint_id, rung, due_date"""

_PG_SWEEP = f"""
WITH fired AS (
    INSERT INTO escalation (checkpoint_id, rung, due_date, fired_on, created_at) {_FIRE_SELECT}
), queued AS (
    INSERT INTO outboxmessage (dedupe_key, template, context, audience, agency_id, recipients, status,
                               attempts, next_attempt_at, created_at)
    SELECT 'escalation:' || f.checkpoint_id || ':' || f.rung || ':' || f.due_date, 'escalation_' || f.rung,
           json_build_object('checkpoint_id', c.id, 'rung', f.rung, 'agency_name', a.name,
                             'plan_number', p.number, 'task_ref', t.ref, 'task_title', left(t.title, 120),
                             'task_text', left(t.text, 300), 'period_label', c.period_label,
                             'due_date', f.due_date, 'due_date_vn', to_char(f.due_date, 'DD/MM/YYYY'),
                             'days_late', greatest(0, :today - f.due_date),
                             'days_left', greatest(0, f.due_date - :today)),
           {AUDIENCE_SQL}, c.agency_id, '[]', 'pending', 0, :now, :now
    FROM fired f JOIN checkpoint c ON c.id = f.checkpoint_id JOIN task t ON t.id = c.task_id
         JOIN agency a ON a.id = c.agency_id JOIN plan p ON p.id = t.plan_id
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id
)
SELECT (SELECT count(*) FROM fired), (SELECT count(*) FROM queued)"""

_SQLITE_QUEUE = f"""
INSERT INTO outboxmessage (dedupe_key, template, context, audience, agency_id, recipients, status,
                           attempts, next_attempt_at, created_at)
SELECT 'escalation:' || f.checkpoint_id || ':' || f.rung || ':' || f.due_date, 'escalation_' || f.rung,
       json_object('checkpoint_id', c.id, 'rung', f.rung, 'agency_name', a.name, 'plan_number', p.number,
                   'task_ref', t.ref, 'task_title', substr(t.title, 1, 120),
                   'task_text', substr(t.text, 1, 300),
                   'period_label', c.period_label, 'due_date', f.due_date,
                   'due_date_vn', strftime('%d/%m/%Y', f.due_date),
                   'days_late', max(0, CAST(julianday(:today) - julianday(f.due_date) AS INTEGER)),
                   'days_left', max(0, CAST(julianday(f.due_date) - julianday(:today) AS INTEGER))),
       {AUDIENCE_SQL}, c.agency_id, '[]', 'pending', 0, :now, :now
FROM escalation f JOIN checkpoint c ON c.id = f.checkpoint_id JOIN task t ON t.id = c.task_id
     JOIN agency a ON a.id = c.agency_id JOIN plan p ON p.id = t.plan_id
WHERE f.id IN (SELECT value FROM json_each(:ids))
ON CONFLICT (dedupe_key) DO NOTHING"""


def sweep_floor(conn: Connection, today: date) -> int:
    """Fire the default ladder's current rungs and queue their mail; returns the rungs fired."""
    params = _sweep_params(today)
    if conn.dialect.name == "postgresql":
        fired, _queued = conn.execute(text(_PG_SWEEP), {**params, "now": datetime.now(UTC)}).one()
        return fired
    now = datetime.now(UTC).replace(tzinfo=None)  # AwareDateTime stores naive UTC on SQLite
    ids = [
        row[0]
        for row in conn.execute(
            text(
                f"INSERT INTO escalation (checkpoint_id, rung, due_date, fired_on, created_at) {_FIRE_SELECT}"
            ),
            {**params, "now": now},
        ).all()
    ]
    if ids:
        ids_json = "[" + ",".join(map(str, ids)) + "]"
        conn.execute(text(_SQLITE_QUEUE), {"today": today, "now": now, "ids": ids_json})
    return len(ids)


def sweep_insert_only(conn: Connection, today: date) -> int:
    """Only the escalation rows (the brief's floor, without the mail): one INSERT … SELECT."""
    now = datetime.now(UTC)
    if conn.dialect.name != "postgresql":
        now = now.replace(tzinfo=None)
    sql = f"INSERT INTO escalation (checkpoint_id, rung, due_date, fired_on, created_at) {_FIRE_SELECT}"
    return len(conn.execute(text(sql), {**_sweep_params(today), "now": now}).all())


def rollup_floor(conn: Connection, today: date, province: str | None = None) -> list[dict]:
    """Per-agency figures (total, due, counts per status, oldest overdue id) in one GROUP BY."""
    pg = conn.dialect.name == "postgresql"
    oldest = (
        "min(CASE WHEN x.status = 'overdue' THEN ARRAY[x.due_date - DATE '1970-01-01', x.id] END)"
        if pg
        else "min(CASE WHEN x.status = 'overdue' THEN printf('%s|%012d', x.due_date, x.id) END)"
    )
    counts = ",\n       ".join(f"sum(CASE WHEN x.status = '{s}' THEN 1 ELSE 0 END) AS {s}" for s in STATUSES)
    scope = "JOIN agency pa ON pa.id = c.agency_id AND pa.province = :province" if province else ""
    sql = f"""
SELECT x.agency_id, a.name, count(*) AS total,
       sum(CASE WHEN x.status <> 'waived' AND (x.original_due_date <= :today OR x.state = 'accepted')
                THEN 1 ELSE 0 END) AS due,
       {counts},
       {oldest} AS oldest
FROM (SELECT c.agency_id, c.id, c.due_date, c.original_due_date, c.state, {STATUS_SQL} AS status
      FROM checkpoint c JOIN task t ON t.id = c.task_id {scope}) x
JOIN agency a ON a.id = x.agency_id
GROUP BY x.agency_id, a.name
ORDER BY a.name, x.agency_id"""
    rows = []
    for r in conn.execute(text(sql), {"today": today, "province": province}).mappings():
        row = dict(r)
        key = row.pop("oldest")
        row["oldest_overdue_id"] = None if key is None else int(key[1] if pg else key.split("|")[1])
        rows.append(row)
    return rows
