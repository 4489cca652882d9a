"""`plantrack serve [--demo] [--today DATE] [--host] [--port] [--workers]`: run the web app with uvicorn.

`--today` pins the calendar date every page uses (demos, training); workers read it from the
environment, so it holds with `--workers N` too. `--demo` first builds the demo database in the
data directory (see workflows/demo.py), pins the date to 2023-07-01 unless `--today` says
otherwise and switches the background jobs off (no mail leaves a demo).
"""

import argparse
import os
from datetime import date

from api.commands.common import CommandError, add_today
from models.config import get_settings

TODAY_ENV = "PLANTRACK_SERVE_TODAY"


def register(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="run the web app (uvicorn)")
    serve.add_argument(
        "--demo",
        action="store_true",
        help="build the demo database (Sơn La registry, seed plan, demo accounts) first",
    )
    add_today(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(handler=_serve)


def app_factory():
    """The app uvicorn's workers build (`api.commands.serve:app_factory`, factory=True)."""
    from api.app import create_app
    from api.commands.common import configure_logging

    configure_logging()  # each uvicorn worker is its own process
    pinned = os.environ.get(TODAY_ENV)
    return create_app(get_settings(), today=date.fromisoformat(pinned) if pinned else None)


def build_demo(today: date) -> str:
    """Migrate the configured database and fill it with the demo data; a short report."""
    from models.db import make_engine, unit_of_work
    from models.migrate import upgrade
    from workflows.checkpoints.evidence import EvidenceStore
    from workflows.demo import DEMO_PASSWORD, seed_demo

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.db_url)
    engine = make_engine(settings.db_url)
    try:
        with unit_of_work(engine) as session:
            summary = seed_demo(session, EvidenceStore.from_settings(settings), today)
    finally:
        engine.dispose()
    done = "đã tạo" if summary.history_written else "đã có sẵn"
    return (
        f"Dữ liệu demo {done} tại {settings.db_url} (kế hoạch id {summary.plan_id}).\n"
        f"Tài khoản demo (mật khẩu chung: {DEMO_PASSWORD}): yte, tuphap, congan (đầu mối), "
        "thutruong.yte (thủ trưởng), thuongtruc (thường trực), lanhdao (lãnh đạo), quantri (quản trị)."
    )


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.workers < 1:
        raise CommandError("--workers must be at least 1")
    today = args.today
    if args.demo:
        from workflows.demo import DEMO_TODAY

        today = today or DEMO_TODAY
        os.environ["PLANTRACK_SCHEDULER_ENABLED"] = "false"  # a demo sends no mail
        get_settings.cache_clear()
        print(build_demo(today), flush=True)
    if today is not None:
        os.environ[TODAY_ENV] = today.isoformat()
    print(
        f"PlanTrack: http://{args.host}:{args.port}/" + (f" (ngày tính: {today:%d/%m/%Y})" if today else ""),
        flush=True,
    )
    uvicorn.run(
        "api.commands.serve:app_factory",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        # behind a reverse proxy the client's address (login throttling) and https (Secure cookies)
        # come from X-Forwarded-For / -Proto, believed only from the trusted proxies
        proxy_headers=True,
        forwarded_allow_ips=get_settings().trusted_proxies,
        log_level="info",
    )
    return 0
