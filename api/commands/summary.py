"""`plantrack summary check|rebuild|roll`: the summary against a full recomputation, rebuilt, rolled on."""

import argparse

from sqlmodel import Session

from api.commands.common import add_today, engine_from_settings, resolve_today
from models.db import unit_of_work
from workflows.checkpoints import summary


def register(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("summary", help="bảng tổng hợp số liệu (tính lại, so sánh)").add_subparsers(
        dest="summary_command", required=True
    )
    check = cmd.add_parser("check", help="so bảng tổng hợp với số liệu tính lại từ đầu; mã thoát 1 nếu lệch")
    check.add_argument("--show", type=int, default=20, help="số dòng lệch in ra mỗi bảng")
    check.set_defaults(handler=_check)
    rebuild = cmd.add_parser(
        "rebuild", help="tính lại bảng tổng hợp từ các mốc (sau khi nạp dữ liệu hàng loạt)"
    )
    rebuild.set_defaults(handler=_rebuild)
    roll = cmd.add_parser("roll", help="lập số liệu theo ngày của hôm nay và ngày mai (việc hằng ngày)")
    add_today(roll)
    roll.set_defaults(handler=_roll)


def _check(args: argparse.Namespace) -> int:
    with Session(engine_from_settings()) as session:
        found = summary.differences(session)
    if not found:
        print("summary equals a full recomputation")
        return 0
    for table, rows in found.items():
        print(f"{table}: {len(rows)} rows differ (key…, stored, recomputed)")
        for row in rows[: args.show]:
            print("  ", *row)
    return 1


def _rebuild(args: argparse.Namespace) -> int:
    with unit_of_work(engine_from_settings()) as session:
        sizes = summary.rebuild(session)
    print("summary rebuilt:", ", ".join(f"{table} {n:,} rows" for table, n in sizes.items()))
    return 0


def _roll(args: argparse.Namespace) -> int:
    with unit_of_work(engine_from_settings()) as session:
        days = summary.roll_forward(session, resolve_today(args))
    print("figures held as of", ", ".join(d.isoformat() for d in days))
    return 0
