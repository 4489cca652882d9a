"""`plantrack digest preview|send`, `plantrack outbox deliver|dead|requeue`: digests and mail delivery."""

import argparse
from pathlib import Path

from sqlmodel import Session

from api.commands.common import CommandError, add_today, engine_from_settings, resolve_today
from models.config import get_settings
from models.db import unit_of_work
from workflows.agencies.queries import find_agency
from workflows.plans.queries import find_plan


def register(sub: argparse._SubParsersAction) -> None:
    digest = sub.add_parser("digest", help="thư tổng hợp (thủ trưởng, Thường trực)").add_subparsers(
        dest="digest_command", required=True
    )
    preview = digest.add_parser("preview", help="dựng thư tổng hợp tuần của một đơn vị ra tệp HTML")
    preview.add_argument("--agency", required=True, help="tên, mã hoặc tên viết tắt của đơn vị")
    preview.add_argument("--out", type=Path, default=None, help="tệp HTML (mặc định digest-<mã>-<tuần>.html)")
    preview.add_argument(
        "--plan", default="", help="chỉ một kế hoạch (mã hoặc số hiệu); mặc định mọi kế hoạch đang thực hiện"
    )
    add_today(preview)
    preview.set_defaults(handler=_preview)
    send = digest.add_parser(
        "send", help="xếp hàng các thư tổng hợp đến kỳ (tuần: thủ trưởng; ngày: Thường trực)"
    )
    send.add_argument(
        "--plan",
        default="",
        help="thư riêng về một kế hoạch (mã hoặc số hiệu), ngoài thư về mọi kế hoạch đang thực hiện",
    )
    add_today(send)
    send.set_defaults(handler=_send)

    outbox = sub.add_parser("outbox", help="hàng đợi thư").add_subparsers(
        dest="outbox_command", required=True
    )
    deliver = outbox.add_parser("deliver", help="gửi các thư đến lượt qua SMTP")
    deliver.add_argument("--limit", type=int, default=10_000, help="số thư tối đa trong lần chạy này")
    deliver.set_defaults(handler=_deliver)
    dead = outbox.add_parser("dead", help="liệt kê thư đã ngừng gửi (dead)")
    dead.add_argument("--limit", type=int, default=100)
    dead.set_defaults(handler=_dead)
    requeue = outbox.add_parser("requeue", help="đưa thư đã ngừng gửi (dead) trở lại hàng đợi")
    requeue.add_argument("ids", nargs="*", type=int, help="mã thư (mặc định: mọi thư dead)")
    requeue.add_argument("--key", help="chỉ các thư có dedupe key bắt đầu bằng chuỗi này, vd. digest:head:")
    requeue.add_argument(
        "--readdress", action="store_true", help="tra lại địa chỉ nhận từ danh bạ (sau khi đã sửa địa chỉ)"
    )
    requeue.set_defaults(handler=_requeue)


def _preview(args: argparse.Namespace) -> int:
    from notifications.digests import preview_head_digest

    settings, today = get_settings(), resolve_today(args)
    engine = engine_from_settings()
    with Session(engine) as session:
        agency = find_agency(session, args.agency)
        plan_id = find_plan(session, args.plan).id if args.plan else None
        mail = preview_head_digest(session, settings, agency.id, today, plan_id)
    year, week, _ = today.isocalendar()
    out: Path = args.out or Path(f"digest-{agency.code}-{year}-W{week:02d}.html")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(mail.html, encoding="utf-8")
    text_path = out.with_suffix(".txt")
    text_path.write_text(mail.text, encoding="utf-8")
    print(f"subject: {mail.subject}")
    print(f"to: {', '.join(mail.recipients) or '— (no head address)'}")
    print(f"html: {out}")
    print(f"text: {text_path}")
    return 0


def _send(args: argparse.Namespace) -> int:
    from notifications.digests import queue_head_digests, queue_secretariat_digest

    settings, today = get_settings(), resolve_today(args)
    with unit_of_work(engine_from_settings()) as session:
        plan = find_plan(session, args.plan) if args.plan else None
        plan_id = plan.id if plan else None
        heads = queue_head_digests(session, settings, today, plan_id)
        secretariat = queue_secretariat_digest(session, settings, today, plan_id)
    year, week, _ = today.isocalendar()
    print(
        f"queued {heads} head digest(s) for week {week:02d}/{year} and {secretariat} secretariat digest(s) "
        f"for {today:%d/%m/%Y}{f' of plan {plan.number}' if plan else ''}; "
        "run `plantrack outbox deliver` to send them"
    )
    return 0


def _deliver(args: argparse.Namespace) -> int:
    from notifications.delivery import deliver_pending

    if args.limit < 1:
        raise CommandError("--limit must be at least 1")
    report = deliver_pending(engine_from_settings(), get_settings(), limit=args.limit)
    print(f"sent: {report.sent}  failed (will retry): {report.failed}  dead: {report.dead}")
    for dead in report.dead_mail:
        to = ", ".join(dead.recipients) or "(no address)"
        print(f"  dead #{dead.id} {dead.dedupe_key} → {to}: {dead.error}")
    return 0


def _dead(args: argparse.Namespace) -> int:
    from workflows.kernel.outbox import dead_mail

    with Session(engine_from_settings()) as session:
        rows = dead_mail(session, args.limit)
    for m in rows:
        print(f"#{m.id} {m.dedupe_key} → {', '.join(m.recipients) or '(no address)'}: {m.last_error}")
    print(f"{len(rows)} dead")
    return 0


def _requeue(args: argparse.Namespace) -> int:
    from models.types import utcnow
    from workflows.kernel.actors import SYSTEM
    from workflows.kernel.outbox import requeue_dead

    with unit_of_work(engine_from_settings()) as session:
        ids = requeue_dead(session, SYSTEM, utcnow(), args.ids, args.key, args.readdress)
    missing = sorted(set(args.ids) - set(ids))
    print(f"requeued: {len(ids)}" + (f" ({', '.join(f'#{i}' for i in ids)})" if ids else ""))
    if missing:
        print(f"not dead (left alone): {', '.join(f'#{i}' for i in missing)}")
    print("run `plantrack outbox deliver` (or wait for the next delivery) to send them")
    return 0
