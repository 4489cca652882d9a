"""Search time on the national benchmark data: words only, words + filters, and the text index alone.

    .venv/bin/python bench/bench_search.py --db postgresql+psycopg://postgres@127.0.0.1:5432/plantrack_bench
    .venv/bin/python bench/bench_search.py --db sqlite:///data/bench.db --scale 0.1

`--scale` fills an empty database first (bench/generate.py, which also builds the search index).
Each case runs `search_checkpoints` as the secretariat (every agency, every active plan): one page
of 50 checkpoints in due-date order and the total count, counted up to 1,000 ("1,000+": more) —
what /search and /api/v1/search/checkpoints do. Prints the median of `--runs` runs after one
warm-up (goal < 100 ms), this process's CPU time for the same call (on SQLite, the query's own
work: a fairer figure on a shared machine), the number of matches, and the time of the text index
alone (matching task ids, counted).
Not part of the test run.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, inspect, select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench.generate import TODAY, generate  # noqa: E402
from models import Agency, Checkpoint, Plan, Task  # noqa: E402
from models.db import make_engine  # noqa: E402
from workflows.kernel.actors import Actor  # noqa: E402
from workflows.plans.search import Search, matching_tasks, search_checkpoints  # noqa: E402

GOAL_MS = 100
SECRETARIAT = Actor(user_id=None, role="secretariat", label="bench")
WORDS = [
    ("agency, broad", "y te"),
    ("text, broad", "tap huan can bo"),
    ("text, medium", "cong dich vu cong"),
    ("agency + text", "so tu phap van ban quy pham"),
    ("ref", "II.3"),
    ("no match", "methadone xyz"),
]


def _median_ms(fn, runs: int, clock=time.perf_counter) -> float:
    fn()  # warm-up: plans cached, pages in memory
    times = []
    for _ in range(runs):
        started = clock()
        fn()
        times.append((clock() - started) * 1000)
    return statistics.median(times)


def _cases(session: Session) -> list[tuple[str, Search]]:
    busiest = session.execute(
        select(Checkpoint.agency_id).group_by(Checkpoint.agency_id).order_by(func.count().desc()).limit(1)
    ).scalar_one()
    syt = session.execute(select(Agency.id).where(Agency.name.like("Sở Y tế%")).limit(1)).scalar_one()
    plan = session.execute(select(Plan.id).order_by(Plan.issued_on.desc()).limit(1)).scalar_one()
    cases = [(f"{label}: «{q}»", Search(text=q)) for label, q in WORDS]
    cases += [
        ("«y te», overdue", Search(text="y te", overdue=True)),
        ("«y te», one Sở Y tế", Search(text="y te", agency_id=syt)),
        ("«tap huan», newest plan, quarter", Search(text="tap huan", plan_ids=(plan,), quarter=(2025, 2))),
        ("no words, busiest agency", Search(agency_id=busiest)),
        ("no words, overdue, all plans", Search(overdue=True)),
    ]
    return cases


def run(url: str, runs: int) -> list[dict]:
    engine = make_engine(url)
    rows = []
    with Session(engine) as session:
        tasks = session.execute(select(func.count()).select_from(Task)).scalar_one()
        checkpoints = session.execute(select(func.count()).select_from(Checkpoint)).scalar_one()
        print(f"{engine.dialect.name}: {tasks:,} tasks, {checkpoints:,} checkpoints; median of {runs} runs")
        print(f"{'case':<44} {'page+count':>11} {'cpu':>9} {'matches':>9} {'index alone':>12}")
        for label, search in _cases(session):

            def page(s=search):
                return search_checkpoints(session, SECRETARIAT, TODAY, s, limit=50)

            listing = page()
            ms = _median_ms(page, runs)
            cpu_ms = _median_ms(page, runs, time.process_time)
            index_ms = None
            if search.words:
                ids = matching_tasks(session, search.words).subquery()
                count = select(func.count()).select_from(ids)
                index_ms = _median_ms(lambda c=count: session.execute(c).scalar_one(), runs)
            flag = "✅" if ms < GOAL_MS else "❌"
            index = f"{index_ms:10.1f} ms" if index_ms is not None else f"{'—':>13}"
            matches = f"{listing.total:,}{'+' if listing.capped else ''}"
            print(f"{label:<44} {ms:8.1f} ms {flag} {cpu_ms:6.1f} ms {matches:>9} {index}")
            rows.append({"case": label, "ms": ms, "cpu_ms": cpu_ms, "matches": matches, "index_ms": index_ms})
    engine.dispose()
    return rows


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", required=True, help="SQLAlchemy URL of a database from bench/generate.py")
    p.add_argument("--scale", type=float, help="generate at this scale first when the database is empty")
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args(argv)
    engine = make_engine(args.db)
    empty = not inspect(engine).has_table("checkpoint")
    if not empty:
        with engine.connect() as conn:
            empty = not conn.execute(select(func.count()).select_from(Checkpoint.__table__)).scalar()
    engine.dispose()
    if empty:
        if args.scale is None:
            raise SystemExit(f"{args.db} holds no checkpoints: pass --scale to generate them")
        generate(args.db, args.scale)
    run(args.db, args.runs)


if __name__ == "__main__":
    main()
