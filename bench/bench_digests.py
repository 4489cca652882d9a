"""Digest throughput: query + render + queue + deliver N head digests, against raw aiosmtplib.

    .venv/bin/python bench/bench_digests.py [--n 10000] [--database-url URL] [--concurrency 4]

Builds N agencies (each with a head address, one overdue and one due-soon checkpoint) in a fresh
database, starts a counting aiosmtpd server in another process, then times
  1. pipeline: `queue_head_digests` (grouped queries, compact JSON contexts, INSERT) +
     `deliver_pending` (claim, render and build messages, send over `concurrency` reused
     connections, mark);
  2. raw: the same messages, rendered and serialised beforehand (untimed), sent with aiosmtplib
     `sendmail` over the same number of connections — the SMTP floor (no database, no rendering).
Prints both times and their ratio (goal: pipeline ≤ 1.5 × raw). Not part of the test run.
"""

import argparse
import asyncio
import multiprocessing as mp
import os
import socket
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiosmtplib  # noqa: E402
from sqlalchemy import delete, insert, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

from models import Agency, Checkpoint, OutboxMessage, Plan, Section, Task  # noqa: E402
from models.config import Settings  # noqa: E402
from models.db import create_schema, make_engine, unit_of_work  # noqa: E402
from notifications.delivery import deliver_pending  # noqa: E402
from notifications.digests import queue_head_digests  # noqa: E402
from notifications.message import build_message, envelope_sender  # noqa: E402
from workflows.checkpoints import summary  # noqa: E402

TODAY = date(2023, 7, 5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(port: int, count, ready, stop) -> None:
    """A counting SMTP server (runs in a child process)."""
    from aiosmtpd.controller import Controller

    class Counter:
        async def handle_DATA(self, server, session, envelope):
            with count.get_lock():
                count.value += 1
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def build(engine, n: int) -> None:
    """N agencies, each with a head address, one overdue and one due-soon checkpoint (bulk inserts)."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        plan_id = conn.execute(
            insert(Plan)
            .values(
                number="23/KH-UBND",
                issuer="UBND tỉnh Sơn La",
                issued_on=date(2023, 1, 30),
                title="Kế hoạch phòng, chống ma túy",
                source_sha256="0" * 64,
                source_text="",
                imported_at=now,
            )
            .returning(Plan.id)
        ).scalar_one()
        section_id = conn.execute(
            insert(Section)
            .values(plan_id=plan_id, ref="II.3", title="Phòng ngừa", position=0)
            .returning(Section.id)
        ).scalar_one()
        conn.execute(
            insert(Agency),
            [
                dict(
                    code=f"xa{i}",
                    name=f"UBND xã số {i}",
                    kind="commune",
                    aliases=[],
                    head_email=f"chu.tich@xa{i}.sonla.example",
                    focal_email=f"dau.moi@xa{i}.sonla.example",
                    active=True,
                    registered=True,
                )
                for i in range(n)
            ],
        )
        ids = [r[0] for r in conn.execute(select(Agency.id).order_by(Agency.id))]
        text_ = (
            "Tổ chức tuyên truyền phòng, chống ma túy tại thôn, bản; rà soát, thống kê người sử dụng "
            "trái phép chất ma túy trên địa bàn và báo cáo kết quả về Công an huyện."
        )
        tasks = []
        for k, agency_id in enumerate(ids):
            for j, due in enumerate((date(2023, 6, 14), date(2023, 7, 14))):
                tasks.append(
                    dict(
                        plan_id=plan_id,
                        section_id=section_id,
                        ref=f"II.3-{k}.{j}",
                        title=text_[:60],
                        text=text_,
                        span_start=0,
                        span_end=len(text_),
                        schedule_kind="once",
                        schedule_phrase=f"trước ngày {due.day + 1}/{due.month}/2023",
                        lead_agency_id=agency_id,
                        due_dates=[due.isoformat()],
                        withdrawn=False,
                        position=2 * k + j,
                    )
                )
        for start in range(0, len(tasks), 2000):
            conn.execute(insert(Task), tasks[start : start + 2000])
        rows = conn.execute(select(Task.id, Task.lead_agency_id, Task.due_dates)).all()
        cps = [
            dict(
                task_id=tid,
                agency_id=aid,
                opens_on=date(2023, 1, 30),
                due_date=date.fromisoformat(d[0]),
                original_due_date=date.fromisoformat(d[0]),
                period_label="",
                state="open",
                version=1,
                updated_at=now,
            )
            for tid, aid, d in rows
        ]
        for start in range(0, len(cps), 2000):
            conn.execute(insert(Checkpoint), cps[start : start + 2000])
        session = Session(bind=conn)
        summary.rebuild(session)  # the figures digests quote read the maintained summary
        # as in production, the daily sweep has rolled the figures' window to the digests' day
        summary.roll_forward(session, TODAY)
        session.flush()


async def raw_send(settings: Settings, messages, concurrency: int) -> None:
    """Send pre-built messages over `concurrency` connections, one client each."""
    queue: asyncio.Queue = asyncio.Queue()
    for m in messages:
        queue.put_nowait(m)
    sender = envelope_sender(settings)

    async def worker() -> None:
        client = aiosmtplib.SMTP(hostname=settings.smtp_host, port=settings.smtp_port, start_tls=False)
        await client.connect()
        while not queue.empty():
            data, to = queue.get_nowait()
            await client.sendmail(sender, to, data)
        await client.quit()

    await asyncio.gather(*(worker() for _ in range(concurrency)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    ap.add_argument("--concurrency", type=int, default=Settings().smtp_concurrency)
    ap.add_argument(
        "--repeat", type=int, default=3, help="runs; medians are reported (a shared machine is noisy)"
    )
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-digests-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    engine = make_engine(url)
    SQLModel.metadata.drop_all(engine)  # a given database is emptied: the counts must be exact
    create_schema(engine)
    t = time.perf_counter()
    build(engine, args.n)
    print(
        f"dataset: {args.n} agencies, {2 * args.n} checkpoints on {make_url(url).get_backend_name()} "
        f"({time.perf_counter() - t:.1f} s to build)"
    )

    port = free_port()
    count, ready, stop = mp.Value("i", 0), mp.Event(), mp.Event()
    server = mp.Process(target=serve, args=(port, count, ready, stop), daemon=True)
    server.start()
    ready.wait(10)
    settings = Settings(
        data_dir=tmp,
        database_url=url,
        smtp_port=port,
        smtp_concurrency=args.concurrency,
        base_url="https://theodoi.sonla.example",
    )
    runs = []  # (queue, deliver, raw) seconds per repeat, alternating pipeline and raw
    try:
        for _ in range(args.repeat):
            with engine.begin() as conn:
                conn.execute(delete(OutboxMessage))
            before = count.value
            t0 = time.perf_counter()
            with unit_of_work(engine) as session:
                queued = queue_head_digests(session, settings, TODAY)
            t1 = time.perf_counter()
            report = deliver_pending(engine, settings, limit=args.n + 10)
            t2 = time.perf_counter()
            assert queued == args.n and report.sent == args.n and count.value - before == args.n, (
                queued,
                report,
                count.value - before,
            )

            now = datetime.now(UTC)
            with engine.connect() as conn:
                o = OutboxMessage
                rows = conn.execute(
                    select(o.id, o.dedupe_key, o.recipients, o.subject, o.body_text, o.body_html).order_by(
                        o.id
                    )
                ).all()
            messages = [
                (build_message(settings, i, k + ":raw", to, s, tx, h, now), to) for i, k, to, s, tx, h in rows
            ]
            before = count.value
            t3 = time.perf_counter()
            asyncio.run(raw_send(settings, messages, args.concurrency))
            t4 = time.perf_counter()
            assert count.value - before == args.n
            runs.append((t1 - t0, t2 - t1, t4 - t3))
            print(
                f"  run {len(runs)}: queue {t1 - t0:.2f} s + deliver {t2 - t1:.2f} s = {t2 - t0:.2f} s; "
                f"raw {t4 - t3:.2f} s; ratio {(t2 - t0) / (t4 - t3):.2f}x",
                flush=True,
            )
    finally:
        stop.set()
        server.join(10)
        engine.dispose()

    queue_s = statistics.median(r[0] for r in runs)
    deliver_s = statistics.median(r[1] for r in runs)
    raw = statistics.median(r[2] for r in runs)
    pipeline = statistics.median(r[0] + r[1] for r in runs)
    # bench/run.py reads "pipeline X s =" and "raw aiosmtplib over N connections X s" from this line
    print(
        f"median of {len(runs)}: pipeline {pipeline:.2f} s = queue (query + context + insert) "
        f"{queue_s:.2f} s + deliver (claim + render + send + mark) {deliver_s:.2f} s (medians of each); "
        f"raw aiosmtplib over {args.concurrency} connections {raw:.2f} s"
    )
    print(
        f"throughput: pipeline {args.n / pipeline:.0f} mails/s, raw {args.n / raw:.0f} mails/s; "
        f"every mail counted at the server ({2 * args.n * len(runs)} in all)"
    )
    print(
        f"ratio pipeline/raw: {pipeline / raw:.2f}x (goal ≤ 1.5x); deliver alone/raw: {deliver_s / raw:.2f}x"
    )
    print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
