"""`plantrack sweep`, `plantrack status`, `plantrack flows deploy|serve|worker`: the periodic work."""

import argparse
import json
from collections import Counter

from sqlmodel import Session

from api.commands.common import CommandError, add_today, engine_from_settings, resolve_today
from models.plan import Plan
from workflows.agencies.queries import find_agency
from workflows.checkpoints.status import STATUS_LABELS_VI, Status
from workflows.escalation.ladder import RUNG_NAMES
from workflows.reporting.rollups import agency_rollup, plan_rollup
from workflows.runtime.jobs import run_escalation_sweep

RUNG_LABELS_VI = {
    "reminder": "Nhắc hạn",
    "overdue": "Quá hạn",
    "secretariat": "Chuyển Thường trực",
    "leader": "Báo cáo lãnh đạo",
}
COLUMNS = [  # (heading, value of a rollup) — the figures a quarterly report quotes
    ("Tổng", lambda r: r.total),
    ("Đến hạn", lambda r: r.due),
    ("Hoàn thành", lambda r: r.done),
    (STATUS_LABELS_VI[Status.done_on_time], lambda r: r.done_on_time),
    (STATUS_LABELS_VI[Status.overdue], lambda r: r.counts[Status.overdue]),
    (STATUS_LABELS_VI[Status.submitted], lambda r: r.counts[Status.submitted]),
    (STATUS_LABELS_VI[Status.returned], lambda r: r.counts[Status.returned]),
    ("Tỷ lệ hoàn thành", lambda r: _pct(r.completion_pct)),
    ("Tỷ lệ đúng hạn", lambda r: _pct(r.on_time_pct)),
    (
        "Quá hạn lâu nhất",
        lambda r: (
            "—"
            if r.oldest_overdue is None
            else f"#{r.oldest_overdue.checkpoint_id}: {r.oldest_overdue.days_late} ngày"
        ),
    ),
]


def register(sub: argparse._SubParsersAction) -> None:
    sweep = sub.add_parser("sweep", help="chạy thang nhắc việc/cảnh báo quá hạn (một lần)")
    add_today(sweep)
    sweep.set_defaults(handler=_sweep)
    status = sub.add_parser("status", help="tình hình thực hiện theo cơ quan")
    status.add_argument("--agency", help="tên, mã hoặc tên viết tắt của cơ quan (không cần dấu)")
    status.add_argument("--plan", type=int, help="mã số (id) kế hoạch")
    status.add_argument("--format", choices=["table", "json"], default="table")
    add_today(status)
    status.set_defaults(handler=_status)
    flows = sub.add_parser("flows", help="Prefect: triển khai hoặc chạy các flow định kỳ").add_subparsers(
        dest="flows_command", required=True
    )
    deploy = flows.add_parser("deploy", help="tạo/cập nhật deployment trên Prefect server (PREFECT_API_URL)")
    deploy.add_argument("--pool", default="plantrack", help="work pool kiểu process")
    deploy.set_defaults(handler=_deploy)
    serve = flows.add_parser("serve", help="chạy các flow theo lịch trong tiến trình này (không work pool)")
    serve.set_defaults(handler=_serve)
    worker = flows.add_parser("worker", help="chạy một worker cho work pool (dừng ngay khi nhận SIGTERM)")
    worker.add_argument("--pool", default="plantrack", help="work pool kiểu process")
    worker.add_argument("--limit", type=int, help="số flow run chạy đồng thời tối đa")
    worker.set_defaults(handler=_worker)


def _sweep(args: argparse.Namespace) -> int:
    today = resolve_today(args)
    fired = run_escalation_sweep(engine_from_settings(), today)
    per_rung = Counter(f.rung for f in fired)
    for rung in [*RUNG_NAMES, *sorted(set(per_rung) - set(RUNG_NAMES))]:
        print(f"{rung} ({RUNG_LABELS_VI.get(rung, rung)}): {per_rung[rung]}")
    print(f"Tổng: {len(fired)} cảnh báo mới ngày {today:%d/%m/%Y}")
    return 0


def _status(args: argparse.Namespace) -> int:
    today = resolve_today(args)
    with Session(engine_from_settings()) as session:
        if args.plan is not None and session.get(Plan, args.plan) is None:
            raise CommandError(f"no plan with id {args.plan}")
        agency = find_agency(session, args.agency) if args.agency else None
        agencies = agency_rollup(
            session, today, plan_id=args.plan, agency_ids=None if agency is None else [agency.id]
        )
        plans = [] if agency is not None else plan_rollup(session, today, plan_id=args.plan)
    if args.format == "json":
        print(
            json.dumps(
                {
                    "today": today.isoformat(),
                    "plan_id": args.plan,
                    "agencies": [r.as_dict() for r in agencies],
                    "plans": [r.as_dict() for r in plans],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(f"Tình hình thực hiện ngày {today:%d/%m/%Y}")
    rows = [[r.label, *[str(f(r)) for _, f in COLUMNS]] for r in agencies]
    rows += [[f"Kế hoạch {r.label}", *[str(f(r)) for _, f in COLUMNS]] for r in plans]
    print(_table(["Cơ quan", *[h for h, _ in COLUMNS]], rows) if rows else "(không có nhiệm vụ nào)")
    return 0


def _deploy(args: argparse.Namespace) -> int:
    from workflows.runtime.deployments import deploy_all

    try:
        ids = deploy_all(args.pool)
    except ValueError as exc:  # e.g. the work pool does not exist yet
        raise CommandError(f"{exc} (prefect work-pool create {args.pool} --type process)") from exc
    print(
        f"{len(ids)} deployments on work pool {args.pool!r}; start a worker: "
        f"prefect worker start --pool {args.pool}"
    )
    return 0


def _serve(args: argparse.Namespace) -> int:
    from workflows.runtime.deployments import serve_all

    serve_all()
    return 0


def _worker(args: argparse.Namespace) -> int:
    from workflows.runtime.deployments import work

    work(args.pool, args.limit)
    return 0


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%".replace(".", ",")


def _table(headings: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headings)]

    def line(cells: list[str]) -> str:
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([cells[0].ljust(widths[0]), *rest]).rstrip()

    return "\n".join([line(headings), line(["-" * w for w in widths]), *map(line, rows)])
