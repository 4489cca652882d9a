"""Benchmarks: the project's own code against hand-written floors, on generated national data.

    python bench/run.py --scale 0.1                      # PostgreSQL database plantrack_bench
    python bench/run.py --scale 0.01 --db sqlite:////tmp/bench.db
    python bench/run.py --scale 0.1 --skip-generate      # reuse the data of an earlier run

Each operation runs once to warm up, then `--repeat` times; the median is reported, with the
floor measured on the same data in the same run and ours/floor. Writes results.json
(`{"operation": {"ours_s", "floor_s", "ratio", …}}`) and prints a table. Operations whose code
does not exist yet are reported as "missing". Writes (the sweep) run in a transaction that is
rolled back, so every repetition does the same work.
"""

import argparse
import asyncio
import hashlib
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/run.py` from anywhere
    sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, inspect, select, text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench import floors  # noqa: E402
from bench.generate import PROBE_DAY, TODAY, add_probe, generate  # noqa: E402
from models import Agency, AuthSession, Checkpoint, User  # noqa: E402
from models.db import make_engine  # noqa: E402
from models.types import utcnow  # noqa: E402

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/plantrack_bench"
PROBE_PLAN = "99/KH-UBND"
BUSIEST_DEPARTMENT = (
    "SELECT c.agency_id FROM checkpoint c JOIN agency a ON a.id = c.agency_id "
    "WHERE a.kind = 'department' GROUP BY c.agency_id "
    "ORDER BY count(*) DESC, c.agency_id LIMIT 1"
)
# The goals of issue 13 at scale 1 on PostgreSQL: (what the table says, whether a result meets it)
GOALS: dict[str, tuple[str, Callable[[dict[str, Any]], bool]]] = {
    "sweep_today": ("≤ 1.5x", lambda r: r["ratio"] <= 1.5),
    "sweep_probe_large": ("≤ 1.5x, flat vs small", lambda r: r["ratio"] <= 1.5),
    "rollup_province": ("≤ 1.2x, < 20 ms", lambda r: r["ratio"] <= 1.2 and r["ours_s"] < 0.020),
    "rollup_country": ("< 100 ms", lambda r: r["ours_s"] < 0.100),
    "inbox_http": ("p95 < 50 ms, 0 errors", lambda r: r["p95_ms"] < 50 and r["errors"] == 0),
    "desk_http": ("p95 < 300 ms, 0 errors", lambda r: r["p95_ms"] < 300 and r["errors"] == 0),
    "desk_http_saturation": (
        "no 500 (503 sheds)",
        lambda r: not any(c.startswith("5") and c != "503" for c in r["codes"]),
    ),
    "digest_run": ("≤ 1.5x", lambda r: r["ratio"] <= 1.5),
}


def goal_of(name: str, r: dict[str, Any]) -> str:
    """The goal's words, with ✅ or ❌ for a measured result (nothing for operations without a goal)."""
    if name not in GOALS:
        return ""
    words, met = GOALS[name]
    if r.get("status") in ("missing", "failed"):
        return words
    try:
        r["goal_met"] = bool(met(r))
    except (KeyError, TypeError):  # a figure the goal reads is absent (the run stopped short)
        r["goal_met"] = False
    return f"{'✅' if r['goal_met'] else '❌'} {words}"


def missing(reason: str) -> dict[str, Any]:
    return {"status": "missing", "reason": reason}


def measure(fn: Callable[[], Any], repeat: int, warmup: int = 1) -> tuple[float, Any]:
    """Median wall time of `repeat` runs after `warmup` runs, and the last result."""
    result = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def compare(ours: float, floor: float | None, **extra) -> dict[str, Any]:
    ratio = round(ours / floor, 2) if floor else None
    return {
        "ours_s": round(ours, 6),
        "floor_s": None if floor is None else round(floor, 6),
        "ratio": ratio,
        **extra,
    }


@contextmanager
def rolled_back_session(engine: Engine):
    """A session whose work is undone afterwards (repeatable write benchmarks)."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
        finally:
            session.rollback()


# --- databases -------------------------------------------------------------------------------


def small_url_for(url: str) -> str:
    """The URL of the 10x smaller database used to check that the sweep stays flat."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        path = Path(u.database)
        return f"sqlite:///{path.with_name(path.stem + '_small' + path.suffix)}"
    return u.set(database=f"{u.database}_small").render_as_string(hide_password=False)


def ensure_database(url: str, fresh: bool) -> bool:
    """Create the database when absent (fresh: drop and recreate it); True when this call created it."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        path = Path(u.database)
        existed = path.exists()
        if fresh and existed:
            for p in path.parent.glob(path.name + "*"):
                p.unlink()
            existed = False
        return not existed
    admin = make_engine(
        u.set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": u.database}
            ).first()
            if exists and fresh:
                conn.execute(text(f'DROP DATABASE "{u.database}" WITH (FORCE)'))
                exists = None
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{u.database}"'))
            return not exists
    finally:
        admin.dispose()


def drop_database(url: str) -> None:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        path = Path(u.database)
        for p in path.parent.glob(path.name + "*"):
            p.unlink()
        return
    admin = make_engine(
        u.set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
    admin.dispose()


def database_exists(url: str) -> bool:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        return Path(u.database).exists()
    admin = make_engine(u.set(database="postgres").render_as_string(hide_password=False))
    try:
        with admin.connect() as conn:
            return (
                conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": u.database}).first()
                is not None
            )
    finally:
        admin.dispose()


def has_data(url: str) -> bool:
    if not database_exists(url):
        return False
    engine = make_engine(url)
    try:
        if not inspect(engine).has_table("checkpoint"):
            return False
        with engine.connect() as conn:
            return bool(conn.execute(select(func.count()).select_from(Checkpoint.__table__)).scalar())
    finally:
        engine.dispose()


def ensure_probe(url: str, items: int) -> int:
    """Add the sweep probe (same due set at every size) unless present; returns its checkpoints."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            n = conn.execute(
                text(
                    "SELECT count(*) FROM checkpoint c JOIN task t ON t.id = c.task_id "
                    "JOIN plan p ON p.id = t.plan_id WHERE p.number = :n"
                ),
                {"n": PROBE_PLAN},
            ).scalar()
        if not n:
            n = add_probe(engine, items)
            from bench.generate import analyze

            analyze(engine)
        return n
    finally:
        engine.dispose()


# --- operations ------------------------------------------------------------------------------


def bench_sweep(engine: Engine, day: date, repeat: int) -> dict[str, Any]:
    """Ours (`escalate_overdue`) and the floor for one day, each rolled back after every run."""
    try:
        from workflows.escalation.sweep import escalate_overdue
    except ImportError as exc:
        return missing(f"workflows.escalation.sweep: {exc}")

    def ours():
        with rolled_back_session(engine) as session:
            return len(escalate_overdue(session, day))

    def floor():
        with engine.connect() as conn, conn.begin() as tx:
            n = floors.sweep_floor(conn, day)
            tx.rollback()
            return n

    def insert_only():
        with engine.connect() as conn, conn.begin() as tx:
            n = floors.sweep_insert_only(conn, day)
            tx.rollback()
            return n

    ours_s, fired = measure(ours, repeat)
    floor_s, floor_fired = measure(floor, repeat)
    insert_s, _ = measure(insert_only, repeat)
    with engine.connect() as conn:
        checkpoints = conn.execute(select(func.count()).select_from(Checkpoint.__table__)).scalar()
    return compare(
        ours_s,
        floor_s,
        fired=fired,
        floor_fired=floor_fired,
        floor_insert_only_s=round(insert_s, 6),
        checkpoints=checkpoints,
        day=day.isoformat(),
        agrees=fired == floor_fired,
    )


def _rollup_key(r) -> tuple:
    oldest = r.oldest_overdue.checkpoint_id if r.oldest_overdue else None
    return (r.key, r.total, r.due, tuple(sorted(r.counts.items())), oldest)


def _floor_key(row: dict) -> tuple:
    counts = tuple(sorted((s, int(row[s] or 0)) for s in floors.STATUSES))
    return (row["agency_id"], int(row["total"]), int(row["due"] or 0), counts, row["oldest_overdue_id"])


def bench_rollup(engine: Engine, today: date, province: str | None, repeat: int) -> dict[str, Any]:
    """Ours (`agency_rollup` over the province's agencies, or all) and one GROUP BY."""
    try:
        from workflows.reporting.rollups import agency_rollup
    except ImportError as exc:
        return missing(f"workflows.reporting.rollups: {exc}")

    def ours():
        with Session(engine) as session:
            ids = None
            if province is not None:
                ids = session.execute(select(Agency.id).where(Agency.province == province)).scalars().all()
            return agency_rollup(session, today, agency_ids=ids)

    def floor():
        with engine.connect() as conn:
            return floors.rollup_floor(conn, today, province)

    ours_s, mine = measure(ours, repeat)
    floor_s, theirs = measure(floor, repeat)
    agrees = sorted(map(_rollup_key, mine)) == sorted(map(_floor_key, theirs))
    return compare(ours_s, floor_s, agencies=len(mine), agrees=agrees, province=province)


def bench_inbox_function(engine: Engine, today: date, repeat: int) -> dict[str, Any]:
    """`agency_inbox` called directly for the busiest department and a commune unit (no HTTP)."""
    try:
        from workflows.kernel.actors import Actor
        from workflows.reporting.inbox import agency_inbox
    except ImportError as exc:
        return missing(f"workflows.reporting.inbox: {exc}")
    with engine.connect() as conn:
        busiest = conn.execute(text(BUSIEST_DEPARTMENT)).scalar()
        commune = conn.execute(
            text("SELECT id FROM agency WHERE code LIKE '%-x000-ubnd' ORDER BY id LIMIT 1")
        ).scalar()
    result = {}
    for label, agency_id in (("department", busiest), ("commune", commune)):
        if agency_id is None:
            continue
        actor = Actor(user_id=None, role="focal", agency_id=agency_id, label="bench")

        def run(agency_id=agency_id, actor=actor):
            with Session(engine) as session:
                box = agency_inbox(session, actor, today)
                return len(box.owed) + len(box.awaiting_review) + len(box.supported)

        seconds, items = measure(run, repeat)
        result[label] = {"ours_s": round(seconds, 6), "items": items, "agency_id": agency_id}
    dept = result.get("department") or result.get("commune")
    return compare(dept["ours_s"], None, **result)


# --- HTTP --------------------------------------------------------------------------------------

BENCH_DB_ENV, BENCH_TODAY_ENV = "PLANTRACK_BENCH_DB", "PLANTRACK_BENCH_TODAY"


def app_from_env():
    """The app each uvicorn worker builds (`bench.run:app_from_env`, factory=True)."""
    from api.app import create_app
    from models.config import Settings
    from models.db import engine_for

    url = os.environ[BENCH_DB_ENV]
    data_dir = Path(tempfile.mkdtemp(prefix="plantrack-bench-"))
    settings = Settings(
        data_dir=data_dir, database_url=url, secret_key="bench-secret", scheduler_enabled=False
    )
    engine = engine_for(settings)  # the pool the settings size, as `plantrack serve` builds it
    app = create_app(settings, engine, today=date.fromisoformat(os.environ[BENCH_TODAY_ENV]))
    _watch_pool(engine, app)
    return app


POOL_LINE = "pool:"


def _watch_pool(engine: Engine, app) -> None:
    """Count connections in use; at exit print the most in use at once and the page gate's refusals."""
    import atexit

    seen = {"in_use": 0, "most": 0}

    def checkout(*_):
        seen["in_use"] += 1
        seen["most"] = max(seen["most"], seen["in_use"])

    def checkin(*_):
        seen["in_use"] -= 1

    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", checkin)
    pool = engine.pool
    size = f"{pool.size()}+{pool._max_overflow}" if hasattr(pool, "size") else "?"

    def report() -> None:
        refused = app.state.page_gate.refused
        print(f"{POOL_LINE} most in use {seen['most']} of {size}; page gate refused {refused}", flush=True)

    atexit.register(report)


def serve(argv: list[str]) -> None:
    """Child process: the project's app under uvicorn on 127.0.0.1 (`run.py serve --db … --port …`)."""
    import uvicorn

    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--today", type=date.fromisoformat, required=True)
    p.add_argument("--workers", type=int, default=1)
    args = p.parse_args(argv)
    os.environ[BENCH_DB_ENV], os.environ[BENCH_TODAY_ENV] = args.db, args.today.isoformat()
    uvicorn.run(
        "bench.run:app_from_env",
        factory=True,
        host="127.0.0.1",
        port=args.port,
        workers=args.workers,
        log_level="warning",
        access_log=False,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(url: str, today: date, workers: int = 1):
    import httpx

    port = _free_port()
    log = tempfile.NamedTemporaryFile("w+", prefix="plantrack-bench-server-", suffix=".log", delete=False)
    proc = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "serve",
            "--db",
            url,
            "--port",
            str(port),
            "--today",
            today.isoformat(),
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the app exited with code {proc.returncode} before answering")
            try:
                if httpx.get(f"{base}/api/v1/openapi.json", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the app did not answer within 60 s")
            time.sleep(0.2)
        yield base, Path(log.name)
    finally:
        log.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def issue_tokens(engine: Engine, user_ids: list[int]) -> dict[int, str]:
    """Bearer tokens for the given users (stored hashed, as api.security does)."""
    tokens = {uid: f"bench-{uid}-{secrets.token_urlsafe(12)}" for uid in user_ids}
    now = utcnow()
    from datetime import timedelta

    with engine.begin() as conn:
        conn.execute(
            AuthSession.__table__.insert(),
            [
                {
                    "user_id": uid,
                    "kind": "token",
                    "token_sha256": hashlib.sha256(tok.encode()).hexdigest(),
                    "created_at": now,
                    "last_used_at": now,
                    "expires_at": now + timedelta(days=1),
                    "user_agent": "bench",
                    "client": "",
                    "revoked_reason": "",
                }
                for uid, tok in tokens.items()
            ],
        )
    return tokens


async def _load(
    base: str,
    jobs: list[tuple[str, str]],
    clients: int,
    think_s: float = 0.0,
    budget_s: float = 600.0,
    seed: int = 1,
) -> dict[str, Any]:
    """`clients` concurrent clients take jobs in turn; with `think_s` each pauses ~that long between requests.

    No new request starts after `budget_s` (a slow page must not hold the whole run).
    """
    import random

    import httpx

    latencies: list[float] = []
    codes: dict[str, int] = {}
    pending = iter(jobs)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    deadline = time.perf_counter() + budget_s
    async with httpx.AsyncClient(base_url=base, timeout=300, limits=limits) as client:

        async def worker(n: int):
            rng = random.Random(f"{seed}:{n}")
            if think_s:
                await asyncio.sleep(rng.uniform(0, think_s))  # users do not all click at once
            for path, token in pending:  # one shared iterator: each job is taken once
                if time.perf_counter() > deadline:
                    break
                started = time.perf_counter()
                try:
                    response = await client.get(path, headers={"Authorization": f"Bearer {token}"})
                    await response.aread()
                    code = str(response.status_code)
                except httpx.HTTPError as exc:  # counted, not fatal: a dropped connection is a result too
                    code = type(exc).__name__
                latencies.append(time.perf_counter() - started)
                codes[code] = codes.get(code, 0) + 1
                if think_s:
                    await asyncio.sleep(rng.uniform(0.5, 1.5) * think_s)

        started = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(clients)))
        elapsed = time.perf_counter() - started
    latencies.sort()

    def q(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    return {
        "requests": len(latencies),
        "clients": clients,
        "think_s": think_s,
        "p50_ms": round(1000 * q(0.50), 1),
        "p95_ms": round(1000 * q(0.95), 1),
        "max_ms": round(1000 * latencies[-1], 1),
        "rps": round(len(latencies) / elapsed, 1),
        "codes": dict(sorted(codes.items())),
        "errors": sum(v for k, v in codes.items() if k != "200"),
    }


def bench_http(url: str, engine: Engine, today: date, args) -> dict[str, dict[str, Any]]:
    """Inbox (focal points of many agencies) and desk (secretariat) pages over HTTP.

    `*_http`: `clients` users, each pausing ~`think` seconds between pages (a paced, realistic load);
    `*_http_saturation`: the same clients with no pause (closed loop: the server's throughput).
    """
    import random

    try:
        import api.app  # noqa: F401
        from api.pages import desk, inbox  # noqa: F401
    except ImportError as exc:
        return {"inbox_http": missing(f"pages: {exc}"), "desk_http": missing(f"pages: {exc}")}
    rng = random.Random(args.seed)
    with engine.connect() as conn:
        focal = (
            conn.execute(
                select(User.id).where(User.role == "focal", User.username.like("%.daumoi")).order_by(User.id)
            )
            .scalars()
            .all()
        )
        secretariat = (
            conn.execute(select(User.id).where(User.role == "secretariat").order_by(User.id).limit(10))
            .scalars()
            .all()
        )
    focal = rng.sample(focal, min(len(focal), 500))
    tokens = issue_tokens(engine, focal + secretariat)
    out = {}
    with running_server(url, today, args.workers) as (base, log):
        for name, users, path, n in (
            ("inbox", focal, "/inbox", args.http_requests),
            ("desk", secretariat, "/desk", args.desk_requests),
        ):
            if not users or n <= 0:
                out[f"{name}_http"] = missing("no users or no requests")
                continue
            jobs = [(path, tokens[users[i % len(users)]]) for i in range(n)]
            asyncio.run(_load(base, jobs[: min(len(jobs), args.clients)], args.clients))  # warm-up
            for key, think in ((f"{name}_http", args.think), (f"{name}_http_saturation", 0.0)):
                logged = log.stat().st_size
                stats = asyncio.run(_load(base, jobs, args.clients, think, args.http_budget, args.seed))
                with log.open(encoding="utf-8", errors="replace") as fh:
                    fh.seek(logged)
                    errors = [ln.strip() for ln in fh if ln[:1].isalpha() and "Error" in ln.split(":")[0]]
                if errors:  # the server's own words for its 500s, most frequent first
                    stats["server_errors"] = dict(Counter(e[:200] for e in errors).most_common(3))
                out[key] = compare(stats["p50_ms"] / 1000, None, workers=args.workers, **stats)
    pool = [ln.strip() for ln in log.read_text(encoding="utf-8", errors="replace").splitlines()]
    pool = [ln for ln in pool if ln.startswith(POOL_LINE)]
    if pool and "desk_http" in out:  # one server answered both: its pool served inbox and desk
        out["desk_http"]["pool"] = pool[-1][len(POOL_LINE) :].strip()
    print(f"server log: {log}")
    return out


# --- others' benchmarks -------------------------------------------------------------------------


def bench_digests(url: str, heads: int, repeat: int = 3) -> dict[str, Any]:
    """The digest run for `heads` department heads vs raw SMTP: bench/bench_digests.py, in a child process.

    That script builds its own data (it empties the database it is given), so it gets a throwaway
    database beside ours (PostgreSQL) or its default temporary SQLite file. It runs once.
    """
    import re

    script = ROOT / "bench" / "bench_digests.py"
    if not script.exists():
        return missing("bench/bench_digests.py does not exist yet")
    u = make_url(url)
    target = None
    if u.get_backend_name() == "postgresql":
        target = u.set(database=f"{u.database}_digests").render_as_string(hide_password=False)
        ensure_database(target, fresh=True)
    try:
        cmd = [sys.executable, str(script), "--n", str(heads), "--repeat", str(repeat)]
        cmd += ["--database-url", target] if target else []
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=3600)
        if done.returncode == 2 and "--repeat" in done.stderr:  # an older script without repeats
            done = subprocess.run(cmd[:4] + cmd[6:], cwd=ROOT, capture_output=True, text=True, timeout=3600)
    finally:
        if target:
            drop_database(target)
    if done.returncode != 0:
        return {"status": "failed", "reason": (done.stderr or done.stdout).strip().splitlines()[-1:]}
    # "median of 3: pipeline 28.30 s = …" or "pipeline: 1.32 s = …";
    # "raw aiosmtplib over 4 connections 14.27 s" (with or without a colon)
    pipeline = re.search(r"pipeline:? ([0-9.]+) s =", done.stdout)
    raw = re.search(r"raw \S+ over (\d+) connections:? ([0-9.]+) s", done.stdout)
    if not (pipeline and raw):
        return {"status": "failed", "reason": f"unrecognised output: {done.stdout[-300:]}"}
    return compare(
        float(pipeline.group(1)),
        float(raw.group(2)),
        heads=heads,
        connections=int(raw.group(1)),
        repeat=repeat,
        output=[line for line in done.stdout.splitlines() if line.strip()],
    )


def bench_parse(repeat: int) -> dict[str, Any]:
    """Parsing the seed plan (the parser's own benchmark logic when bench/bench_parse.py exists)."""
    try:
        from workflows.agencies.registry import load_registry
        from workflows.plans.parser import parse_plan
    except ImportError as exc:
        return missing(f"workflows.plans.parser: {exc}")
    source = (ROOT / "seed_plans" / "sonla_23_kh_ubnd_2023.txt").read_text(encoding="utf-8")
    registry = load_registry()
    seconds, parsed = measure(lambda: parse_plan(source, registry), repeat)
    return compare(seconds, None, tasks=len(parsed.tasks), chars=len(source))


# --- query plans ----------------------------------------------------------------------------------


@contextmanager
def captured_sql(engine: Engine):
    """Statements (and parameters) the code under test sends while the block runs."""
    seen: list[tuple[str, Any]] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if not executemany:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def explain(engine: Engine, statements: list[tuple[str, Any]], keep: Callable[[str], bool]) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on SQLite; writes rolled back."""
    out = []
    pg = engine.dialect.name == "postgresql"
    for sql, params in statements:
        if not keep(sql):
            continue
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if pg else "EXPLAIN QUERY PLAN "
        with engine.connect() as conn, conn.begin() as tx:
            rows = conn.exec_driver_sql(prefix + sql, params).all()
            tx.rollback()
        plan = "\n".join(" | ".join(str(c) for c in r[-1:]) if pg else f"{r[0]}/{r[1]} {r[-1]}" for r in rows)
        out.append(f"-- {' '.join(sql.split())[:300]}\n{plan}\n")
    return out


def query_plans(engine: Engine, today: date) -> str:
    """Plans of the hot statements: the sweep's candidate inserts, the rollup and the inbox."""
    from workflows.escalation.sweep import escalate_overdue
    from workflows.kernel.actors import Actor
    from workflows.reporting.inbox import agency_inbox
    from workflows.reporting.rollups import agency_rollup

    sections = []
    with captured_sql(engine) as seen, rolled_back_session(engine) as session:
        escalate_overdue(session, today)
    sections.append(
        (
            "escalate_overdue",
            explain(engine, seen, lambda s: "INSERT INTO escalation" in s),
        )
    )
    with captured_sql(engine) as seen, Session(engine) as session:
        agency_rollup(session, today)
    sections.append(
        ("agency_rollup (country)", explain(engine, seen, lambda s: "agencyday" in s or "GROUP BY" in s))
    )
    with engine.connect() as conn:
        agency = conn.execute(text(BUSIEST_DEPARTMENT)).scalar()
    with captured_sql(engine) as seen, Session(engine) as session:
        agency_inbox(session, Actor(user_id=None, role="focal", agency_id=agency, label="bench"), today)
    sections.append(
        (f"agency_inbox (department {agency})", explain(engine, seen, lambda s: "checkpoint" in s))
    )
    return "\n".join(f"## {title}\n\n" + "\n".join(plans) for title, plans in sections)


# --- main ----------------------------------------------------------------------------------------


def table_row(name: str, r: dict[str, Any]) -> str:
    if r.get("status") in ("missing", "failed"):
        return f"{name:<22} {r['status']:>11} {'':>11} {'':>7}  {goal_of(name, r):<26} {r['reason']}"
    ours = f"{1000 * r['ours_s']:.1f} ms"
    floor = "" if r.get("floor_s") is None else f"{1000 * r['floor_s']:.1f} ms"
    ratio = "" if r.get("ratio") is None else f"{r['ratio']:.2f}x"
    goal = goal_of(name, r)
    notes = {k: v for k, v in r.items() if k not in ("ours_s", "floor_s", "ratio", "output", "goal_met")}
    return f"{name:<22} {ours:>11} {floor:>11} {ratio:>7}  {goal:<26} {json.dumps(notes, ensure_ascii=False)}"


def print_table(results: dict[str, dict[str, Any]]) -> None:
    print(f"\n{'operation':<22} {'ours':>11} {'floor':>11} {'ratio':>7}  {'goal':<26} notes")
    for name, r in results.items():
        print(table_row(name, r))


class Results(dict):
    """Results that print their row as soon as they are in (a long run shows progress)."""

    def __setitem__(self, name: str, value: dict[str, Any]) -> None:
        super().__setitem__(name, value)
        print(f"  {table_row(name, value)}", flush=True)

    def update(self, other: dict[str, dict[str, Any]]) -> None:
        for name, value in other.items():
            self[name] = value


def run(args) -> dict[str, dict[str, Any]]:
    url = args.db
    small = small_url_for(url)
    created = []
    for target, scale in ((url, args.scale), (small, args.scale / 10)):
        if args.skip_generate and has_data(target):
            continue
        if ensure_database(target, fresh=args.fresh):
            created.append(target)
        if has_data(target):
            raise SystemExit(
                f"{target} already holds data: pass --skip-generate to reuse it or --fresh to rebuild"
            )
        print(f"== generating scale {scale} into {make_url(target).render_as_string()}")
        generate(target, scale, seed=args.seed)
    for target in (url, small):
        ensure_probe(target, args.probe_items)

    results: dict[str, dict[str, Any]] = Results()
    engine = make_engine(url)
    small_engine = make_engine(small)
    try:
        print(f"== benchmarks on {engine.dialect.name}, scale {args.scale}, today {TODAY}")

        def wanted(*names: str) -> bool:
            return not args.only or any(n.startswith(tuple(args.only)) for n in names)

        if wanted("sweep_today"):
            results["sweep_today"] = bench_sweep(engine, TODAY, args.repeat)
        if wanted("sweep_probe"):
            results["sweep_probe_small"] = bench_sweep(small_engine, PROBE_DAY, args.repeat)
            results["sweep_probe_large"] = bench_sweep(engine, PROBE_DAY, args.repeat)
        with engine.connect() as conn:
            province = conn.execute(
                select(Agency.province).where(Agency.province.is_not(None)).order_by(Agency.id).limit(1)
            ).scalar()
        if wanted("rollup_province"):
            results["rollup_province"] = bench_rollup(engine, TODAY, province, args.repeat)
        if wanted("rollup_country"):
            results["rollup_country"] = bench_rollup(engine, TODAY, None, args.repeat)
        if wanted("inbox_function"):
            results["inbox_function"] = bench_inbox_function(engine, TODAY, args.repeat)
        if args.http_requests > 0 and wanted("inbox_http", "desk_http"):
            results.update(bench_http(url, engine, TODAY, args))
        if wanted("digest_run"):
            results["digest_run"] = (
                bench_digests(url, args.heads, args.digest_repeat)
                if args.heads > 0
                else missing("skipped (--heads 0)")
            )
        if wanted("parse_seed_plan"):
            results["parse_seed_plan"] = bench_parse(args.repeat)
        if args.explain:
            Path(args.explain).write_text(query_plans(engine, TODAY), encoding="utf-8")
            print(f"query plans written to {args.explain}")
    finally:
        engine.dispose()
        small_engine.dispose()
        if args.drop:
            for target in created:
                drop_database(target)
    meta = {
        "scale": args.scale,
        "dialect": make_url(url).get_backend_name(),
        "today": TODAY.isoformat(),
        "repeat": args.repeat,
        "when": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "nproc": os.cpu_count(),
        "loadavg_at_end": [round(x, 2) for x in os.getloadavg()],
    }
    for name, r in results.items():
        goal_of(name, r)  # records goal_met in each result
    Path(args.out).write_text(
        json.dumps({**results, "_meta": meta}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print_table(results)
    judged = {n: r["goal_met"] for n, r in results.items() if "goal_met" in r}
    unmet = [n for n, met in judged.items() if not met]
    print(
        f"\ngoals met: {len(judged) - len(unmet)} of {len(judged)}"
        + (f" (not: {', '.join(unmet)})" if unmet else "")
    )
    print(f"load average at the end: {meta['loadavg_at_end']}")
    print(f"results written to {args.out}")
    return results


def main(argv: list[str] | None = None) -> dict[str, dict[str, Any]] | None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        serve(argv[1:])
        return None
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, required=True, help="1 ≈ national; the flatness run uses scale/10")
    p.add_argument("--db", default=DEFAULT_DB, help=f"SQLAlchemy URL (default {DEFAULT_DB})")
    p.add_argument("--skip-generate", action="store_true", help="reuse the data already in the databases")
    p.add_argument("--fresh", action="store_true", help="drop and recreate the databases before generating")
    p.add_argument("--drop", action="store_true", help="drop the databases this run created when done")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeat", type=int, default=5, help="timed runs per operation (median reported)")
    p.add_argument(
        "--probe-items", type=int, default=2000, help="due items of the sweep probe (the same at both sizes)"
    )
    p.add_argument("--http-requests", type=int, default=1000, help="inbox requests (0: no HTTP benchmarks)")
    p.add_argument("--desk-requests", type=int, default=100)
    p.add_argument("--clients", type=int, default=50, help="concurrent HTTP clients")
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes serving the pages")
    p.add_argument("--think", type=float, default=1.0, help="seconds a paced client pauses between pages")
    p.add_argument(
        "--http-budget",
        type=float,
        default=120.0,
        help="seconds after which a load run starts no new request",
    )
    p.add_argument("--heads", type=int, default=10000, help="department heads in the digest run (0: skip)")
    p.add_argument("--digest-repeat", type=int, default=3, help="runs of bench/bench_digests.py (median)")
    p.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    p.add_argument(
        "--only",
        type=lambda v: [x for x in v.split(",") if x],
        default=[],
        help="comma-separated operation names (or prefixes) to run, e.g. sweep,inbox_http",
    )
    p.add_argument("--explain", default="", help="write the hot queries' plans to this file")
    return run(p.parse_args(argv))


if __name__ == "__main__":
    main()
