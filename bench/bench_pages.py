"""Time each HTML page on the demo data (seed plan, 2023-07-01) and print p50/p95 in ms.

    python bench/bench_pages.py                          # SQLite in a temp dir, in-process TestClient
    python bench/bench_pages.py --http                   # the same through uvicorn + httpx on 127.0.0.1
    python bench/bench_pages.py --db postgresql+psycopg://postgres@127.0.0.1:5432/bench_pages

The goal is well under 100 ms a page. Not a test: nothing is asserted, numbers are printed.
"""

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/bench_pages.py` from anywhere
    sys.path.insert(0, str(ROOT))

from sqlmodel import Session, select  # noqa: E402

from models import Agency, Checkpoint, Task, User  # noqa: E402
from models.config import Settings  # noqa: E402
from models.db import make_engine  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from workflows.checkpoints.evidence import EvidenceStore  # noqa: E402
from workflows.demo import SYT, seed_demo  # noqa: E402

TODAY = date(2023, 7, 1)


def build(settings: Settings):
    """Migrate and fill the database with the demo data (idempotent); returns the engine."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.db_url)
    engine = make_engine(settings.db_url)
    with Session(engine, expire_on_commit=False) as s:
        seed_demo(s, EvidenceStore.from_settings(settings), TODAY)
        s.commit()
    return engine


def targets(engine) -> list[tuple[str, str, str]]:
    """(page name, username, path) for every page measured."""
    with Session(engine) as s:
        syt = s.exec(select(Agency).where(Agency.code == SYT)).one()
        cp = next(
            c
            for c, t in s.exec(
                select(Checkpoint, Task)
                .join(Task, Task.id == Checkpoint.task_id)
                .where(Checkpoint.agency_id == syt.id, Checkpoint.due_date == date(2023, 6, 14))
            )
            if "Methadone" in t.text and "Định kỳ 06" in t.text
        )
        plan_id = s.exec(select(Task.plan_id)).first()
    return [
        ("inbox", "yte", "/inbox"),
        ("checkpoint", "yte", f"/checkpoints/{cp.id}"),
        ("desk", "thuongtruc", "/desk"),
        ("agency", "thuongtruc", f"/agencies/{syt.id}"),
        ("plan", "yte", f"/plans/{plan_id}"),
        ("dashboard", "lanhdao", "/dashboard"),
    ]


def session_cookie(app, engine, username: str) -> str:
    """The cookie the sign-in form sets (argon2 sign-in is not what is measured)."""
    from starlette.requests import Request
    from starlette.responses import Response

    from api.security import start_session

    with Session(engine) as s:
        user = s.exec(select(User).where(User.username == username)).one()
    request = Request(
        {
            "type": "http",
            "app": app,
            "scheme": "http",
            "path": "/",
            "headers": [],
            "query_string": b"",
            "server": ("127.0.0.1", 80),
        }
    )
    response = Response()
    with Session(engine) as s:
        start_session(request, response, s, s.merge(user))
        s.commit()
    return response.headers["set-cookie"].split(";")[0].split("=", 1)[1]


def run(get, pages, cookies, n: int, warmup: int) -> list[tuple[str, float, float, int]]:
    results = []
    for name, username, path in pages:
        for _ in range(warmup):
            get(path, cookies[username])
        times = []
        size = 0
        for _ in range(n):
            t0 = time.perf_counter()
            body = get(path, cookies[username])
            times.append((time.perf_counter() - t0) * 1000)
            size = len(body)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
        results.append((f"{name} {path}", statistics.median(times), p95, size))
    return results


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", default="", help="database URL (default: SQLite in a temp dir)")
    p.add_argument("-n", type=int, default=50, help="requests per page")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--http", action="store_true", help="through uvicorn on 127.0.0.1 instead of in-process")
    args = p.parse_args()

    from api.app import create_app
    from api.security import SESSION_COOKIE

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp) / "data", database_url=args.db, secret_key="bench", scheduler_enabled=False
        )
        t0 = time.perf_counter()
        engine = build(settings)
        print(f"demo data ready in {time.perf_counter() - t0:.1f} s on {engine.url.get_backend_name()}")
        app = create_app(settings, engine, today=TODAY)
        pages = targets(engine)
        cookies = {u: session_cookie(app, engine, u) for _, u, _ in pages}
        server = None
        if args.http:
            import httpx
            import uvicorn

            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
            threading.Thread(target=server.run, daemon=True).start()
            while not server.started:
                time.sleep(0.05)
            client = httpx.Client(base_url=f"http://127.0.0.1:{port}")
        else:
            from fastapi.testclient import TestClient

            client = TestClient(app)

        def get(path: str, cookie: str) -> bytes:
            r = client.get(path, cookies={SESSION_COOKIE: cookie})
            if r.status_code != 200:
                raise SystemExit(f"{path}: HTTP {r.status_code}")
            return r.content

        results = run(get, pages, cookies, args.n, args.warmup)
        mode = "uvicorn + httpx" if args.http else "in-process TestClient"
        print(f"\n{args.n} requests a page, {mode}; goal: well under 100 ms")
        print(f"{'page':<28} {'p50 ms':>8} {'p95 ms':>8} {'KB':>6}")
        for name, p50, p95, size in results:
            print(f"{name:<28} {p50:8.1f} {p95:8.1f} {size / 1024:6.0f}")
        client.close()
        if server is not None:
            server.should_exit = True
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
